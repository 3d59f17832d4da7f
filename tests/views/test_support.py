"""The support-service take-up pages and the agency's catalogue page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import ServiceUptake, SupportProvider, SupportService
from networks.services import support as S
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

HOW_COMPUTED = "referred and taken up ÷ referred"


@pytest.fixture
def service(agency):
    provider = factories.SupportProviderFactory(agency=agency, name="SERCOTEC")
    return factories.SupportServiceFactory(
        provider=provider, name="Capital semilla", category="credit"
    )


@pytest.fixture
def other_firm(network):
    return factories.MembershipFactory(network=network).firm


@pytest.fixture
def uptakes(network, member_firm, other_firm, service):
    """The member firm's credit (taken up), and another firm's (referred, not taken up)."""
    return [
        factories.ServiceUptakeFactory(
            network=network, firm=member_firm, service=service, status="taken_up",
            result="Own firm's loan",
        ),
        factories.ServiceUptakeFactory(
            network=network, firm=other_firm, service=service, result="Other firm's loan"
        ),
    ]  # fmt: skip


def url(name, network, *args):
    return reverse(f"networks:{name}", args=[network.pk, *args])


# --- the list and its summary ---------------------------------------------------------------


def test_facilitator_sees_every_row_and_the_conversion_rate(client, facilitator, network, uptakes):
    client.force_login(facilitator)
    response = client.get(url("uptake-list", network))
    html = response.content.decode()
    assert "Own firm&#x27;s loan" in html and "Other firm&#x27;s loan" in html
    summary = response.context["uptake_summary"].overall
    assert (summary.referred, summary.taken_up, summary.converted) == (2, 1, 1)
    assert "50 %" in html
    assert HOW_COMPUTED in html  # the page says how the rate is computed
    assert "By service category" in html and "Credit" in html
    assert url("uptake-edit", network, uptakes[0].pk) in html


def test_a_firm_member_sees_only_its_own_firms_rows(client, firm_user, network, uptakes):
    client.force_login(firm_user)
    response = client.get(url("uptake-list", network))
    html = response.content.decode()
    assert "Own firm&#x27;s loan" in html and "Other firm&#x27;s loan" not in html
    assert response.context["uptake_summary"].overall.total == 1
    assert "your own firm&#x27;s take-up only" in html or "your own firm's take-up only" in html
    assert "Record a referral or take-up" not in html
    assert url("uptake-edit", network, uptakes[0].pk) not in html


@pytest.mark.parametrize(
    "persona", ["outsider_firm_user", "outsider_officer", "outsider_facilitator"]
)
def test_other_networks_get_404(client, request, network, uptakes, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("uptake-list", network)).status_code == 404
    assert client.get(url("uptake-create", network)).status_code == 404
    assert client.get(url("uptake-edit", network, uptakes[0].pk)).status_code == 404


def test_an_uptake_is_not_found_through_another_network(
    client, outsider_facilitator, other_network, uptakes
):
    client.force_login(outsider_facilitator)
    assert client.get(url("uptake-edit", other_network, uptakes[0].pk)).status_code == 404


def test_list_queries_do_not_grow(client, officer, network, service, django_assert_max_num_queries):
    client.force_login(officer)
    firms = builders.open_for_joint_actions(network, members=5)
    for size in (2, 40):
        ServiceUptake.objects.all().delete()
        for n in range(size):
            factories.ServiceUptakeFactory(network=network, firm=firms[n % 5], service=service)
        # session, user, network, summary, page count, page, the bell's unread count
        with django_assert_max_num_queries(7):
            response = client.get(url("uptake-list", network))
        assert response.context["page"].paginator.count == size


# --- recording and editing ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["facilitator", "officer"])
def test_facilitator_and_agency_record_a_referral(
    client, request, network, member_firm, service, persona
):
    actor = request.getfixturevalue(persona)
    client.force_login(actor)
    page = client.get(url("uptake-create", network)).content.decode()
    assert "Capital semilla · SERCOTEC (credit)" in page
    data = {
        "firm": member_firm.pk, "service": service.pk, "referred_by_facilitator": "on",
        "date": timezone.localdate().isoformat(), "status": "referred", "result": "",
    }  # fmt: skip
    response = client.post(url("uptake-create", network), data, follow=True)
    assert response.redirect_chain[-1][0] == url("uptake-list", network)
    assert shows(response, f"{member_firm.name}: Capital semilla recorded.")
    uptake = ServiceUptake.objects.get()
    assert (uptake.firm, uptake.service, uptake.recorded_by) == (member_firm, service, actor)
    assert uptake.referred_by_facilitator


def test_a_future_date_is_refused_with_its_message(
    client, facilitator, network, member_firm, service
):
    client.force_login(facilitator)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {"firm": member_firm.pk, "service": service.pk, "date": tomorrow, "status": "referred"}
    response = client.post(url("uptake-create", network), data)
    assert shows(response, S.UPTAKE_DATE_IN_FUTURE)
    assert not ServiceUptake.objects.exists()


def test_another_agencys_service_cannot_be_chosen(
    client, facilitator, network, member_firm, outsider_officer
):
    foreign = factories.SupportServiceFactory(provider__agency=outsider_officer.agency)
    client.force_login(facilitator)
    data = {
        "firm": member_firm.pk, "service": foreign.pk, "date": timezone.localdate(),
        "status": "referred",
    }  # fmt: skip
    response = client.post(url("uptake-create", network), data)
    assert response.status_code == 200 and response.context["form"].errors["service"]
    assert not ServiceUptake.objects.exists()


def test_firm_members_cannot_record_or_edit(client, firm_user, network, member_firm, uptakes):
    client.force_login(firm_user)
    assert client.get(url("uptake-create", network)).status_code == 403
    response = client.post(url("uptake-edit", network, uptakes[0].pk), {"status": "completed"})
    assert response.status_code == 403
    uptakes[0].refresh_from_db()
    assert uptakes[0].status == "taken_up"


def test_facilitator_updates_the_status(client, facilitator, network, uptakes):
    uptake = uptakes[1]
    client.force_login(facilitator)
    data = {
        "firm": uptake.firm_id, "service": uptake.service_id, "referred_by_facilitator": "on",
        "date": uptake.date.isoformat(), "status": "completed", "result": "Loan repaid",
    }  # fmt: skip
    response = client.post(url("uptake-edit", network, uptake.pk), data, follow=True)
    assert shows(response, "Service take-up saved.")
    uptake.refresh_from_db()
    assert (uptake.status, uptake.result) == ("completed", "Loan repaid")
    assert response.context["uptake_summary"].overall.converted == 2


# --- the catalogue --------------------------------------------------------------------------


def catalogue_url():
    return reverse("networks:support-catalogue")


def test_agency_staff_add_a_provider_and_a_service(client, officer, agency):
    client.force_login(officer)
    page = client.get(catalogue_url()).content.decode()
    assert "Add a provider" in page and "Add a service" in page
    response = client.post(
        catalogue_url(), {"action": "provider", "provider-name": "CORFO"}, follow=True
    )
    assert shows(response, "“CORFO” added to the catalogue.")
    provider = SupportProvider.objects.get(agency=agency, name="CORFO")
    response = client.post(
        catalogue_url(),
        {
            "action": "service", "service-provider": provider.pk, "service-name": "Fondo ISO",
            "service-category": "certification",
        },
        follow=True,
    )  # fmt: skip
    assert shows(response, "“Fondo ISO” added to the catalogue.")
    assert SupportService.objects.get(provider=provider).category == "certification"
    assert "Fondo ISO" in response.content.decode()


def test_a_duplicate_provider_shows_the_services_message(client, officer, service):
    client.force_login(officer)
    response = client.post(catalogue_url(), {"action": "provider", "provider-name": "SERCOTEC"})
    assert shows(response, S.PROVIDER_NAME_TAKEN % {"name": "SERCOTEC"})
    assert SupportProvider.objects.count() == 1


def test_another_agencys_provider_cannot_be_chosen(client, outsider_officer, service):
    client.force_login(outsider_officer)
    data = {
        "action": "service", "service-provider": service.provider_id, "service-name": "Mine",
        "service-category": "credit",
    }  # fmt: skip
    response = client.post(catalogue_url(), data)
    assert response.context["service_form"].errors["provider"]
    assert SupportService.objects.count() == 1


@pytest.mark.parametrize("persona", ["facilitator", "firm_user"])
def test_facilitators_and_firms_read_the_catalogue(client, request, service, persona):
    foreign = factories.SupportServiceFactory(name="Another agency's fund")
    client.force_login(request.getfixturevalue(persona))
    html = client.get(catalogue_url()).content.decode()
    assert "Capital semilla" in html and "Credit" in html
    assert foreign.name not in html and "Another agency" not in html
    assert "Add a provider" not in html
    response = client.post(catalogue_url(), {"action": "provider", "provider-name": "X"})
    assert response.status_code == 403
    assert SupportProvider.objects.filter(name="X").count() == 0
