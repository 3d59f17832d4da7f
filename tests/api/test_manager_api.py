"""appoint-manager/, replace-manager/, dissolve/ and transitions/ under /api/v1/networks/{id}/."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from networks import access
from networks.api.serializers.common import NO_SUCH_FACILITATOR
from networks.lib.dates import add_months, day
from networks.models import ManagerAppointment, Network, PhaseTransition
from networks.services import lifecycle as L
from tests import factories
from tests.builders import make_approved, make_consolidating

pytestmark = pytest.mark.django_db


def url(network, action: str) -> str:
    return f"/api/v1/networks/{network.pk}/{action}/"


def appointment_data(person, **overrides) -> dict:
    return {"manager": person.pk, "start_date": timezone.localdate().isoformat(),
            "monthly_salary": "1200000.50", **overrides}  # fmt: skip


# --- appoint --------------------------------------------------------------------------------


def test_officer_appoints_the_first_manager_and_the_term_starts(api, officer, network):
    make_approved(network, officer)
    manager = factories.FacilitatorFactory(agency=officer.agency)
    api.force_authenticate(officer)
    response = api.post(url(network, "appoint-manager"), appointment_data(manager), format="json")
    assert response.status_code == 201, response.json()
    appointment = ManagerAppointment.objects.get(network=network)
    assert (appointment.person, appointment.monthly_salary) == (manager, Decimal("1200000.50"))
    network.refresh_from_db()
    today = timezone.localdate()
    assert (network.phase, network.facilitator, network.term_start) == (
        "consolidation", manager, today
    )  # fmt: skip
    assert network.handover_due == add_months(today, 36)
    assert PhaseTransition.objects.filter(
        network=network, from_phase="preparation", to_phase="consolidation", actor=officer
    ).exists()
    assert response.json() == {
        "id": appointment.pk,
        "network": network.pk,
        "manager": manager.pk,
        "start_date": today.isoformat(),
        "end_date": None,
        "monthly_salary": "1200000.50",
        "end_reason": "",
        "appointed_by": officer.pk,
        "created_at": response.json()["created_at"],
    }


def test_appointing_twice_is_409(api, officer, network):
    make_consolidating(network, officer)
    api.force_authenticate(officer)
    response = api.post(
        url(network, "appoint-manager"), appointment_data(network.facilitator), format="json"
    )
    assert response.status_code == 409
    assert response.json() == {"detail": str(L.MANAGER_ALREADY_APPOINTED)}
    assert ManagerAppointment.objects.filter(network=network).count() == 1


def test_appointing_before_approval_is_400(api, officer, facilitator, network):
    api.force_authenticate(officer)
    response = api.post(
        url(network, "appoint-manager"), appointment_data(facilitator), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [str(L.APPLICATION_NOT_APPROVED)]}


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"monthly_salary": "0"}, "monthly_salary", L.MANAGER_SALARY_INVALID),
        ({"monthly_salary": "-5"}, "monthly_salary", L.MANAGER_SALARY_INVALID),
        ({"start_date": "2999-01-01"}, "start_date", L.MANAGER_START_TOO_FAR),
    ],
)
def test_appointment_rules_give_the_services_messages(
    api, officer, facilitator, network, overrides, field, message
):
    make_approved(network, officer)
    api.force_authenticate(officer)
    data = appointment_data(facilitator, **overrides)
    response = api.post(url(network, "appoint-manager"), data, format="json")
    assert response.status_code == 400
    assert response.json() == {field: [str(message)]}
    assert not ManagerAppointment.objects.exists()


@pytest.mark.parametrize("who", ["agency_admin", "outsider_facilitator", "nobody"])
def test_manager_must_be_a_facilitator_of_the_agency_and_no_other_answer_tells_more(
    api, request, officer, network, who
):
    """Someone who is no facilitator, another agency's facilitator and an id nobody has get
    one answer: the API does not tell which user ids exist or what they are."""
    make_approved(network, officer)
    api.force_authenticate(officer)
    person = None if who == "nobody" else request.getfixturevalue(who)
    data = appointment_data(person) if person else {**appointment_data(officer), "manager": 999999}
    response = api.post(url(network, "appoint-manager"), data, format="json")
    assert response.status_code == 400
    assert response.json() == {"manager": [str(NO_SUCH_FACILITATOR)]}


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"manager": 999999}, "manager"),
        ({"monthly_salary": "a lot"}, "monthly_salary"),
        ({"monthly_salary": "1.234"}, "monthly_salary"),
        ({"start_date": "tomorrow"}, "start_date"),
    ],
)
def test_bad_appointment_input_is_400_naming_the_field(
    api, officer, facilitator, network, overrides, field
):
    api.force_authenticate(officer)
    data = appointment_data(facilitator, **overrides)
    response = api.post(url(network, "appoint-manager"), data, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_missing_appointment_fields_are_named(api, officer, network):
    api.force_authenticate(officer)
    response = api.post(url(network, "appoint-manager"), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"manager", "start_date", "monthly_salary"}


@pytest.mark.parametrize("persona", ["firm_user", "facilitator"])
def test_only_agency_staff_appoint_403(api, request, officer, network, persona):
    make_approved(network, officer)
    api.force_authenticate(request.getfixturevalue(persona))
    response = api.post(
        url(network, "appoint-manager"), appointment_data(network.facilitator), format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": str(access.NOT_AGENCY_STAFF)}
    assert not ManagerAppointment.objects.exists()


@pytest.mark.parametrize("persona", ["outsider_officer", "outsider_facilitator"])
def test_appointing_in_another_network_is_404(api, request, officer, network, persona):
    make_approved(network, officer)
    api.force_authenticate(request.getfixturevalue(persona))
    data = appointment_data(network.facilitator)
    assert api.post(url(network, "appoint-manager"), data, format="json").status_code == 404


# --- replace --------------------------------------------------------------------------------


def test_replacing_the_manager_keeps_the_term(api, officer, network):
    make_consolidating(network, officer)
    term = (network.term_start, network.handover_due)
    first = network.facilitator
    successor = factories.FacilitatorFactory(agency=officer.agency)
    later = timezone.localdate() + datetime.timedelta(days=30)
    api.force_authenticate(officer)
    data = appointment_data(successor, start_date=later.isoformat(), reason="Moved to Santiago.")
    response = api.post(url(network, "replace-manager"), data, format="json")
    assert response.status_code == 201, response.json()
    old = ManagerAppointment.objects.get(network=network, person=first)
    assert (old.end_date, old.end_reason) == (later, "Moved to Santiago.")
    network.refresh_from_db()
    assert network.facilitator == successor
    assert (network.term_start, network.handover_due) == term
    assert response.json()["manager"] == successor.pk
    assert response.json()["start_date"] == later.isoformat()


def test_replacing_needs_a_reason(api, officer, network):
    make_consolidating(network, officer)
    api.force_authenticate(officer)
    data = appointment_data(factories.FacilitatorFactory(agency=officer.agency))
    response = api.post(url(network, "replace-manager"), data, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [str(L.MANAGER_REPLACE_REASON_REQUIRED)]}


def test_successor_cannot_start_before_the_current_manager(api, officer, network):
    make_consolidating(network, officer)
    api.force_authenticate(officer)
    earlier = network.term_start - datetime.timedelta(days=1)
    data = appointment_data(
        factories.FacilitatorFactory(agency=officer.agency),
        start_date=earlier.isoformat(),
        reason="R",
    )
    response = api.post(url(network, "replace-manager"), data, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "start_date": [L.MANAGER_START_BEFORE_CURRENT % {"date": day(network.term_start)}]
    }


def test_replacing_without_a_manager_is_409(api, officer, facilitator, network):
    api.force_authenticate(officer)
    data = appointment_data(facilitator, reason="R")
    response = api.post(url(network, "replace-manager"), data, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": str(L.MANAGER_NONE_YET)}


def test_firm_member_cannot_replace_the_manager_403(api, officer, firm_user, network):
    make_consolidating(network, officer)
    api.force_authenticate(firm_user)
    data = appointment_data(factories.FacilitatorFactory(), reason="R")
    assert api.post(url(network, "replace-manager"), data, format="json").status_code == 403


# --- dissolve -------------------------------------------------------------------------------


def test_officer_dissolves_a_network_and_the_manager_leaves(api, officer, network):
    make_consolidating(network, officer)
    api.force_authenticate(officer)
    response = api.post(url(network, "dissolve"), {"reason": "The firms gave up."}, format="json")
    assert response.status_code == 200, response.json()
    assert Network.objects.get(pk=network.pk).phase == "dissolved"
    assert ManagerAppointment.objects.get(network=network).end_reason == "The firms gave up."
    transition = PhaseTransition.objects.filter(network=network).last()
    assert (transition.to_phase, transition.reason, transition.actor) == (
        "dissolved", "The firms gave up.", officer
    )  # fmt: skip
    body = response.json()
    assert (body["id"], body["phase"], body["member_count"]) == (network.pk, "dissolved", 10)


def test_dissolving_needs_a_reason(api, officer, network):
    api.force_authenticate(officer)
    response = api.post(url(network, "dissolve"), {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [str(L.DISSOLVE_REASON_REQUIRED)]}
    assert Network.objects.get(pk=network.pk).phase == "preparation"


def test_dissolving_a_dissolved_network_is_409(api, officer, network):
    L.network_dissolve(network=network, actor=officer, reason="First time.")
    api.force_authenticate(officer)
    response = api.post(url(network, "dissolve"), {"reason": "Again."}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": str(L.ALREADY_DISSOLVED)}
    assert PhaseTransition.objects.filter(network=network).count() == 1


@pytest.mark.parametrize("persona", ["firm_user", "facilitator"])
def test_only_agency_staff_dissolve_403(api, request, network, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    response = api.post(url(network, "dissolve"), {"reason": "Mine."}, format="json")
    assert response.status_code == 403
    assert Network.objects.get(pk=network.pk).phase == "preparation"


@pytest.mark.parametrize(
    "persona", ["outsider_officer", "outsider_facilitator", "outsider_firm_user"]
)
def test_dissolving_another_network_is_404(api, request, network, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    response = api.post(url(network, "dissolve"), {"reason": "Theirs."}, format="json")
    assert response.status_code == 404


def test_dissolve_requires_login_401(api, network):
    assert api.post(url(network, "dissolve"), {"reason": "X"}, format="json").status_code == 401


# --- transitions ----------------------------------------------------------------------------


def test_transitions_list_every_change_of_phase(api, officer, firm_user, network):
    make_consolidating(network, officer)
    L.network_dissolve(network=network, actor=officer, reason="Ended.")
    api.force_authenticate(firm_user)
    body = api.get(url(network, "transitions")).json()
    assert set(body) == {"count", "next", "previous", "results"}
    rows = [(r["from_phase"], r["to_phase"], r["actor"], r["reason"]) for r in body["results"]]
    assert rows == [
        ("preparation", "consolidation", officer.pk, f"Manager appointed: {network.facilitator}"),
        ("consolidation", "dissolved", officer.pk, "Ended."),
    ]
    assert all(r["at"] for r in body["results"])


def test_transitions_of_another_network_are_404(api, outsider_officer, network):
    api.force_authenticate(outsider_officer)
    assert api.get(url(network, "transitions")).status_code == 404
