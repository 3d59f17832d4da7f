"""The support-service catalogue, take-up records, who sees them, and the conversion rate."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from networks import access
from networks.models import Network, ServiceUptake, SupportProvider, SupportService
from networks.selectors import support as support_selectors
from networks.services import support as S
from networks.services.common import ConflictError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(agency):
    return factories.SupportProviderFactory(agency=agency, name="SERCOTEC")


@pytest.fixture
def service(provider):
    return factories.SupportServiceFactory(
        provider=provider, name="Crédito de enlace", category="credit"
    )


def record(network, actor, firm, service, **overrides):
    fields = {"date": timezone.localdate(), "status": "referred", "referred_by_facilitator": True}
    fields.update(overrides)
    return S.uptake_create(network=network, actor=actor, firm=firm, service=service, **fields)


# --- the catalogue --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "agency_admin"])
def test_agency_staff_add_providers_and_services(request, agency, persona):
    actor = request.getfixturevalue(persona)
    provider = S.provider_create(actor=actor, name="  CORFO ")
    assert (provider.agency, provider.name) == (agency, "CORFO")
    service = S.service_create(actor=actor, provider=provider, name="Fondo", category="credit")
    assert (service.provider, service.category) == (provider, "credit")


def test_catalogue_names_are_checked(officer, provider):
    with pytest.raises(ValidationError) as excinfo:
        S.provider_create(actor=officer, name="sercotec")
    assert excinfo.value.message_dict["name"] == [S.PROVIDER_NAME_TAKEN % {"name": "sercotec"}]
    with pytest.raises(ValidationError) as excinfo:
        S.provider_create(actor=officer, name=" ")
    assert excinfo.value.message_dict["name"] == [S.PROVIDER_NAME_REQUIRED]
    with pytest.raises(ValidationError) as excinfo:
        S.service_create(actor=officer, provider=provider, name="", category="loans")
    assert excinfo.value.message_dict == {
        "name": [S.SERVICE_NAME_REQUIRED],
        "category": [S.SERVICE_CATEGORY_UNKNOWN],
    }
    assert SupportProvider.objects.count() == 1 and not SupportService.objects.exists()


def test_another_agency_has_its_own_catalogue(officer, outsider_officer, provider):
    # Same name, other agency: allowed.
    assert S.provider_create(actor=outsider_officer, name="SERCOTEC").agency != officer.agency
    with pytest.raises(PermissionDenied):
        S.service_create(actor=outsider_officer, provider=provider, name="X", category="credit")


@pytest.mark.parametrize("persona", ["facilitator", "firm_user"])
def test_facilitators_and_firms_only_read_the_catalogue(request, provider, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        S.provider_create(actor=actor, name="CORFO")
    with pytest.raises(PermissionDenied):
        S.service_create(actor=actor, provider=provider, name="X", category="credit")
    assert list(support_selectors.catalogue(actor)) == [provider]


def test_a_firm_reads_only_its_networks_agencies_catalogues(
    firm_user, provider, outsider_officer, outsider_firm_user
):
    foreign = factories.SupportProviderFactory(agency=outsider_officer.agency)
    assert list(support_selectors.catalogue(firm_user)) == [provider]
    assert list(support_selectors.catalogue(outsider_firm_user)) == [foreign]


# --- take-up records ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["facilitator", "officer"])
def test_facilitator_and_agency_record_take_up(request, network, member_firm, service, persona):
    actor = request.getfixturevalue(persona)
    uptake = record(network, actor, member_firm, service, result="  Loan approved ")
    assert (uptake.network, uptake.firm, uptake.service, uptake.recorded_by) == (
        network, member_firm, service, actor,
    )  # fmt: skip
    assert uptake.result == "Loan approved" and uptake.referred_by_facilitator


@pytest.mark.parametrize("persona", ["firm_user", "outsider_officer", "outsider_facilitator"])
def test_others_cannot_record_take_up(request, network, member_firm, service, persona):
    with pytest.raises(PermissionDenied):
        record(network, request.getfixturevalue(persona), member_firm, service)
    assert not ServiceUptake.objects.exists()


def test_take_up_rules(network, facilitator, member_firm, service, outsider_officer):
    stranger = factories.FirmFactory()
    foreign = factories.SupportServiceFactory(provider__agency=outsider_officer.agency)
    cases = [
        ({"firm": stranger}, "firm", S.UPTAKE_FIRM_NOT_MEMBER),
        ({"service": foreign}, "service", S.UPTAKE_SERVICE_NOT_IN_CATALOGUE),
        ({"service": None}, "service", S.UPTAKE_SERVICE_NOT_IN_CATALOGUE),
        ({"status": "maybe"}, "status", S.UPTAKE_STATUS_UNKNOWN),
        ({"date": None}, "date", S.UPTAKE_DATE_REQUIRED),
        (
            {"date": timezone.localdate() + datetime.timedelta(days=1)},
            "date",
            S.UPTAKE_DATE_IN_FUTURE,
        ),
    ]
    for overrides, field, message in cases:
        kwargs = {"firm": member_firm, "service": service, **overrides}
        firm, svc = kwargs.pop("firm"), kwargs.pop("service")
        with pytest.raises(ValidationError) as excinfo:
            record(network, facilitator, firm, svc, **kwargs)
        assert excinfo.value.message_dict[field] == [message], overrides
    assert not ServiceUptake.objects.exists()


def test_no_take_up_changes_once_dissolved(network, facilitator, member_firm, service):
    uptake = record(network, facilitator, member_firm, service)
    Network.objects.filter(pk=network.pk).update(phase=Network.Phase.DISSOLVED)
    network.refresh_from_db()
    with pytest.raises(ConflictError):
        record(network, facilitator, member_firm, service)
    uptake = ServiceUptake.objects.select_related("network").get(pk=uptake.pk)
    with pytest.raises(ConflictError):
        S.uptake_update(uptake=uptake, actor=facilitator, status="completed")


def test_status_updates(network, facilitator, officer, firm_user, member_firm, service):
    uptake = record(network, facilitator, member_firm, service)
    S.uptake_update(uptake=uptake, actor=facilitator, status="taken_up")
    S.uptake_update(uptake=uptake, actor=officer, status="completed", result="Certified.")
    uptake.refresh_from_db()
    assert (uptake.status, uptake.result) == ("completed", "Certified.")
    with pytest.raises(PermissionDenied):
        S.uptake_update(uptake=uptake, actor=firm_user, status="referred")
    with pytest.raises(ValidationError):
        S.uptake_update(uptake=uptake, actor=facilitator, status="lost")
    uptake.refresh_from_db()
    assert uptake.status == "completed"


def test_a_firm_that_left_keeps_its_records_editable(network, facilitator, member_firm, service):
    uptake = record(network, facilitator, member_firm, service)
    network.memberships.filter(firm=member_firm).update(left_on=network.created_on)
    S.uptake_update(uptake=uptake, actor=facilitator, status="taken_up")
    uptake.refresh_from_db()
    assert uptake.status == "taken_up"


def test_a_firm_member_sees_only_its_own_firms_take_up(
    network, facilitator, officer, firm_user, member_firm, service, outsider_firm_user
):
    other = factories.MembershipFactory(network=network).firm
    own = record(network, facilitator, member_firm, service)
    theirs = record(network, facilitator, other, service)
    assert list(support_selectors.uptakes_for(firm_user, network)) == [own]
    assert set(support_selectors.uptakes_for(facilitator, network)) == {own, theirs}
    assert set(support_selectors.uptakes_for(officer, network)) == {own, theirs}
    assert not access.visible_uptakes(outsider_firm_user).exists()


# --- the conversion rate --------------------------------------------------------------------


def test_conversion_rate_on_a_hand_built_case(network, agency):
    """Referred by the facilitator and reached taken up or completed ÷ referred by the facilitator.

    training:   referred→taken_up, referred→completed, referred (still), not referred→completed
    credit:     referred (still), referred→taken_up
    consulting: not referred→taken_up
    => referred 5, converted 3 (60 %), taken up or completed 5 (all rows that got there).
    """
    provider = factories.SupportProviderFactory(agency=agency)
    kinds = {
        c: factories.SupportServiceFactory(provider=provider, category=c)
        for c in ("training", "credit", "consulting")
    }
    rows = [
        ("training", True, "taken_up"),
        ("training", True, "completed"),
        ("training", True, "referred"),
        ("training", False, "completed"),
        ("credit", True, "referred"),
        ("credit", True, "taken_up"),
        ("consulting", False, "taken_up"),
    ]
    for category, referred, status in rows:
        factories.ServiceUptakeFactory(
            network=network, service=kinds[category], referred_by_facilitator=referred,
            status=status,
        )  # fmt: skip
    factories.ServiceUptakeFactory(network=factories.NetworkFactory(programme=network.programme))
    summary = support_selectors.uptake_summary(ServiceUptake.objects.filter(network=network))
    overall = summary.overall
    assert (overall.total, overall.referred, overall.taken_up, overall.converted) == (7, 5, 5, 3)
    assert overall.rate == Decimal("60.0")
    by_category = {
        f.category: (f.referred, f.taken_up, f.converted, f.rate) for f in summary.by_category
    }
    assert by_category == {
        "training": (3, 3, 2, Decimal("66.7")),
        "credit": (2, 1, 1, Decimal("50.0")),
        "consulting": (0, 1, 0, None),
    }


def test_no_referrals_no_rate(network):
    summary = support_selectors.uptake_summary(ServiceUptake.objects.filter(network=network))
    assert summary.overall.rate is None and summary.by_category == []
