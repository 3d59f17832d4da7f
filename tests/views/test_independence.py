"""The pages of life after independence: the check-ins year by year, and recording one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import CheckIn, Network
from networks.services import independence as S
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db
PAGES = ("check-in-list", "check-in-create")
# Session and user, the network (with its programme), then: the check-ins (list); the members
# and the joint actions that start the form (form).
PINNED = [5, 6]  # +1 since issue 15: the bell's unread count


def url(name, network):
    return reverse(f"networks:{name}", args=[network.pk])


@pytest.fixture
def independent(network, member_firm):
    handed = add_months(timezone.localdate(), -14)  # in year 2; year 1's check-in is overdue
    Network.objects.filter(pk=network.pk).update(
        phase=Network.Phase.INDEPENDENCE, term_start=add_months(handed, -36),
        handover_due=handed, handed_over_on=handed,
    )  # fmt: skip
    network.refresh_from_db()
    return network


def form(**overrides):
    data = {"date": timezone.localdate().isoformat(), "still_meeting": "on",
            "manager_paid": "on", "members": "11", "joint_actions": "3", "notes": "All well"}  # fmt: skip
    return data | overrides


def test_outsiders_get_404_and_firms_may_look_but_not_record(
    client, independent, firm_user, outsider_officer
):
    client.force_login(outsider_officer)
    assert client.get(url("check-in-list", independent)).status_code == 404
    assert client.post(url("check-in-create", independent), form()).status_code == 404
    client.force_login(firm_user)
    assert client.get(url("check-in-list", independent)).status_code == 200
    assert client.get(url("check-in-create", independent)).status_code == 403
    assert client.post(url("check-in-create", independent), form()).status_code == 403
    assert not CheckIn.objects.exists()


def test_the_manager_records_this_years_check_in(client, independent):
    client.force_login(independent.facilitator)
    page = client.get(url("check-in-list", independent))
    assert shows(page, "1 check-in is overdue.")
    assert url("check-in-create", independent) in page.content.decode()
    initial = client.get(url("check-in-create", independent)).context["form"].initial
    assert (initial["members"], initial["joint_actions"]) == (1, 0)
    response = client.post(url("check-in-create", independent), form(), follow=True)
    check_in = CheckIn.objects.get()
    assert (check_in.year, check_in.members, check_in.joint_actions, check_in.notes) == (
        2, 11, 3, "All well",
    )  # fmt: skip
    assert shows(response, "Check-in of year 2 recorded.")
    listed = client.get(url("check-in-list", independent)).content.decode()
    assert url("check-in-create", independent) not in listed  # this year's is recorded
    again = client.post(url("check-in-create", independent), form())
    assert shows(again, S.CHECK_IN_YEAR_RECORDED % {"year": 2})
    assert CheckIn.objects.count() == 1


def test_a_stopped_network_is_said_so(client, officer, independent):
    client.force_login(officer)
    data = form(stopped="on", still_meeting="")
    response = client.post(url("check-in-create", independent), data, follow=True)
    assert shows(response, "Check-in of year 2 recorded: the network has stopped.")
    assert shows(response, "says the network has stopped.")
    home = client.get(reverse("networks:agency-home"))
    assert shows(home, "Stopped after independence")


def test_a_network_not_yet_handed_over(client, officer, network):
    client.force_login(officer)
    page = client.get(url("check-in-list", network))
    assert shows(page, "The network has not been handed over")
    response = client.post(url("check-in-create", network), form(), follow=True)
    assert shows(response, S.CHECK_IN_NOT_INDEPENDENT)
    assert not CheckIn.objects.exists()


def test_the_spanish_page(client, officer, independent):
    client.force_login(officer)
    page = client.get(url("check-in-list", independent), HTTP_ACCEPT_LANGUAGE="es")
    assert shows(page, "Después de la independencia")


def _count(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_pages_queries_are_pinned(client, officer, independent):
    Network.objects.filter(pk=independent.pk).update(
        handed_over_on=add_months(independent.handed_over_on, -24)
    )  # three years of check-ins: year 1 and 2 recorded, year 3 open
    client.force_login(officer)
    before = [_count(client, url(name, independent)) for name in PAGES]
    for year in (1, 2):
        CheckIn.objects.create(network=independent, year=year, date=timezone.localdate(),
                               still_meeting=True, manager_paid=True, members=5,
                               joint_actions=1, recorded_by=officer)  # fmt: skip
    after = [_count(client, url(name, independent)) for name in PAGES]
    assert before == after == PINNED
