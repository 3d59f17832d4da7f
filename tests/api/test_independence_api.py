"""The API of the yearly check-ins after independence: /networks/{pk}/check-ins/."""

import pytest
from django.utils import timezone

from networks.api.idempotency import IDEMPOTENCY_HEADER
from networks.lib.dates import add_months
from networks.models import CheckIn, Network
from networks.services import independence as S

pytestmark = pytest.mark.django_db


def url(network):
    return f"/api/v1/networks/{network.pk}/check-ins/"


@pytest.fixture
def independent(network, member_firm):
    handed = add_months(timezone.localdate(), -3)
    Network.objects.filter(pk=network.pk).update(
        phase=Network.Phase.INDEPENDENCE, term_start=add_months(handed, -36),
        handover_due=handed, handed_over_on=handed,
    )  # fmt: skip
    network.refresh_from_db()
    return network


def body(**overrides):
    return {"date": timezone.localdate().isoformat(), "still_meeting": True,
            "manager_paid": False, "members": 9, "joint_actions": 1} | overrides  # fmt: skip


def test_the_manager_records_and_everyone_who_sees_the_network_reads(
    api, independent, firm_user, outsider_officer
):
    api.force_authenticate(independent.facilitator)
    headers = {IDEMPOTENCY_HEADER: "year-1"}
    first = api.post(url(independent), body(), format="json", headers=headers)
    assert first.status_code == 201, first.json()
    assert (first.json()["year"], first.json()["manager_paid"], first.json()["stopped"]) == (
        1, False, False,
    )  # fmt: skip
    again = api.post(url(independent), body(), format="json", headers=headers)
    assert (again.status_code, again.json()) == (201, first.json())
    assert CheckIn.objects.count() == 1
    api.force_authenticate(firm_user)
    listed = api.get(url(independent)).json()
    assert [row["year"] for row in listed["results"]] == [1]
    assert api.post(url(independent), body(), format="json").status_code == 403
    api.force_authenticate(outsider_officer)
    assert api.get(url(independent)).status_code == 404
    assert api.post(url(independent), body(), format="json").status_code == 404


def test_input_is_strict_and_the_rules_are_the_services(api, independent, network):
    api.force_authenticate(independent.facilitator)
    response = api.post(url(independent), body(colour="red"), format="json")
    assert response.status_code == 400 and list(response.json()) == ["colour"]
    response = api.post(url(independent), body(members=9.0), format="json")
    assert response.status_code == 400 and list(response.json()) == ["members"]
    api.post(url(independent), body(), format="json")
    response = api.post(url(independent), body(), format="json")
    assert response.status_code == 400
    assert response.json() == {"date": [str(S.CHECK_IN_YEAR_RECORDED % {"year": 1})]}


def test_a_network_not_in_independence_is_a_conflict(api, network):
    api.force_authenticate(network.facilitator)
    response = api.post(url(network), body(), format="json")
    assert response.status_code == 409
    assert not CheckIn.objects.exists()
