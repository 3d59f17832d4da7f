"""/api/v1/networks/{id}/members/: the member firms, adding and removing them."""

import datetime

import pytest
from django.utils import timezone

from networks.api.serializers.lifecycle import NO_SUCH_FIRM
from networks.lib.dates import day
from networks.models import Membership
from networks.services import lifecycle as L
from tests import factories
from tests.builders import make_approved, make_submitted

pytestmark = pytest.mark.django_db


def members(network) -> str:
    return f"/api/v1/networks/{network.pk}/members/"


def member(network, firm) -> str:
    return f"/api/v1/networks/{network.pk}/members/{firm.pk}/"


# --- list -----------------------------------------------------------------------------------


def test_list_shows_active_members_only(api, firm_user, network, member_firm):
    gone = factories.MembershipFactory(
        network=network, joined_on=datetime.date(2024, 1, 1), left_on=datetime.date(2024, 6, 1)
    )
    api.force_authenticate(firm_user)
    body = api.get(members(network)).json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "firm": member_firm.pk,
            "firm_name": member_firm.name,
            "tax_id": member_firm.tax_id,
            "joined_on": timezone.localdate().isoformat(),
        }
    ]
    assert gone.firm_id not in [row["firm"] for row in body["results"]]


def test_list_queries_do_not_grow_with_members(
    api, officer, network, django_assert_max_num_queries
):
    factories.MembershipFactory.create_batch(15, network=network)
    api.force_authenticate(officer)
    with django_assert_max_num_queries(3):  # network, count, page
        assert api.get(members(network)).json()["count"] == 15


@pytest.mark.parametrize(
    "persona", ["outsider_officer", "outsider_facilitator", "outsider_firm_user"]
)
def test_members_of_another_network_are_404(api, request, network, member_firm, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.get(members(network)).status_code == 404
    firm = factories.FirmFactory()
    assert api.post(members(network), {"firm": firm.pk}, format="json").status_code == 404
    assert api.delete(member(network, member_firm)).status_code == 404
    assert Membership.objects.filter(network=network).count() == 1


def test_members_require_login_401(api, network):
    assert api.get(members(network)).status_code == 401


# --- add ------------------------------------------------------------------------------------


def test_facilitator_adds_a_firm(api, facilitator, network):
    firm = factories.FirmFactory()
    api.force_authenticate(facilitator)
    response = api.post(members(network), {"firm": firm.pk}, format="json")
    assert response.status_code == 201
    membership = Membership.objects.get(network=network, firm=firm, left_on__isnull=True)
    assert response.json() == {
        "firm": firm.pk,
        "firm_name": firm.name,
        "tax_id": firm.tax_id,
        "joined_on": membership.joined_on.isoformat(),
    }


def test_adding_an_active_member_again_is_400(api, officer, network, member_firm):
    api.force_authenticate(officer)
    response = api.post(members(network), {"firm": member_firm.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"firm": [L.MEMBER_ALREADY_ACTIVE % {"firm": member_firm.name}]}


@pytest.mark.parametrize("data", [{"firm": 999999}, {"firm": "abc"}, {}])
def test_unknown_or_missing_firm_is_400_on_firm(api, officer, network, data):
    api.force_authenticate(officer)
    response = api.post(members(network), data, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["firm"]


def test_another_agencys_firm_id_is_no_such_firm_as_an_id_nobody_has(
    api, facilitator, network, other_network
):
    """Ids are sequential: the answer must not tell which exist in another agency."""
    hidden = factories.MembershipFactory(network=other_network).firm
    api.force_authenticate(facilitator)
    answers = []
    for firm_id in (hidden.pk, 999999):
        response = api.post(members(network), {"firm": firm_id}, format="json")
        answers.append((response.status_code, response.json()))
    assert answers == [(400, {"firm": [str(NO_SUCH_FIRM)]})] * 2
    assert not Membership.objects.filter(network=network, firm=hidden).exists()


def test_another_agencys_firm_joins_by_its_complete_tax_id(
    api, facilitator, network, other_network
):
    hidden = factories.MembershipFactory(network=other_network).firm
    api.force_authenticate(facilitator)
    response = api.post(members(network), {"tax_id": hidden.tax_id_display}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["firm"] == hidden.pk
    assert Membership.objects.filter(network=network, firm=hidden, left_on__isnull=True).exists()


@pytest.mark.parametrize("tax_id", ["76.123.456-0", "11.111.111-1", "not a rut"])
def test_a_tax_id_nobody_registered_is_no_such_firm(api, facilitator, network, tax_id):
    api.force_authenticate(facilitator)
    response = api.post(members(network), {"tax_id": tax_id}, format="json")
    assert (response.status_code, response.json()) == (400, {"tax_id": [str(NO_SUCH_FIRM)]})
    assert not Membership.objects.filter(network=network).exists()


def test_a_tax_id_with_a_nul_byte_is_400_not_a_server_error(api, facilitator, network):
    # Found by schemathesis: PostgreSQL refuses a NUL in a query, so it must not reach the lookup.
    api.force_authenticate(facilitator)
    response = api.post(members(network), {"tax_id": "76\x00"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["tax_id"]
    assert not Membership.objects.filter(network=network).exists()


def test_an_id_and_a_tax_id_of_two_firms_is_400(api, facilitator, network):
    one, other = factories.FirmFactory(), factories.FirmFactory()
    api.force_authenticate(facilitator)
    response = api.post(members(network), {"firm": one.pk, "tax_id": other.tax_id}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["tax_id"]
    response = api.post(members(network), {"firm": one.pk, "tax_id": one.tax_id}, format="json")
    assert response.status_code == 201


def test_firm_member_cannot_add_a_firm_403(api, firm_user, network):
    firm = factories.FirmFactory()
    api.force_authenticate(firm_user)
    assert api.post(members(network), {"firm": firm.pk}, format="json").status_code == 403
    # Refused before the body is judged.
    assert api.post(members(network), {"firm": "abc"}, format="json").status_code == 403
    assert not Membership.objects.filter(firm=firm).exists()


def test_adding_while_under_review_is_409(api, facilitator, network):
    make_submitted(network)
    api.force_authenticate(facilitator)
    response = api.post(members(network), {"firm": factories.FirmFactory().pk}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": str(L.APPLICATION_UNDER_REVIEW)}


# --- remove ---------------------------------------------------------------------------------


def test_before_approval_the_membership_is_simply_removed(api, facilitator, network, member_firm):
    api.force_authenticate(facilitator)
    response = api.delete(member(network, member_firm))
    assert response.status_code == 204
    assert not Membership.objects.filter(network=network, firm=member_firm).exists()


def test_after_approval_a_reason_is_required(api, officer, network, member_firm):
    make_approved(network, officer)
    api.force_authenticate(officer)
    response = api.delete(member(network, member_firm))
    assert response.status_code == 400
    assert response.json() == {"reason": [str(L.MEMBER_LEAVE_REASON_REQUIRED)]}
    assert Membership.objects.get(network=network, firm=member_firm).left_on is None


def test_after_approval_the_membership_is_closed_with_the_reason_from_the_body(
    api, officer, network, member_firm
):
    make_approved(network, officer)
    api.force_authenticate(officer)
    response = api.delete(member(network, member_firm), {"reason": "Closed down."}, format="json")
    assert response.status_code == 204
    membership = Membership.objects.get(network=network, firm=member_firm)
    assert (membership.left_on, membership.leave_reason) == (timezone.localdate(), "Closed down.")
    assert api.get(members(network)).json()["count"] == 9


def test_reason_and_date_may_come_in_the_query_string(api, officer, network, member_firm):
    make_approved(network, officer)
    api.force_authenticate(officer)
    left_on = timezone.localdate().isoformat()
    response = api.delete(member(network, member_firm) + f"?reason=Moved%20away&left_on={left_on}")
    assert response.status_code == 204
    membership = Membership.objects.get(network=network, firm=member_firm)
    assert (membership.left_on.isoformat(), membership.leave_reason) == (left_on, "Moved away")


def test_leaving_before_joining_is_400(api, officer, network, member_firm):
    make_approved(network, officer)
    api.force_authenticate(officer)
    joined = Membership.objects.get(network=network, firm=member_firm).joined_on
    response = api.delete(
        member(network, member_firm),
        {"reason": "Typo", "left_on": (joined - datetime.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"left_on": [L.MEMBER_LEFT_BEFORE_JOINED % {"date": day(joined)}]}


def test_malformed_date_is_400_on_left_on(api, officer, network, member_firm):
    api.force_authenticate(officer)
    response = api.delete(member(network, member_firm), {"left_on": "soon"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["left_on"]


def test_removing_a_firm_that_is_not_a_member_is_404(api, officer, network):
    api.force_authenticate(officer)
    assert api.delete(member(network, factories.FirmFactory())).status_code == 404
    assert api.delete(f"/api/v1/networks/{network.pk}/members/999999/").status_code == 404


def test_firm_member_cannot_remove_a_firm_403(api, firm_user, network, member_firm):
    api.force_authenticate(firm_user)
    assert api.delete(member(network, member_firm)).status_code == 403
    assert Membership.objects.filter(network=network, firm=member_firm).exists()
