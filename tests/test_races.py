"""Races run for real on PostgreSQL: two threads, two connections, one winner."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from networks import services
from networks.models import Application, ApplicationEvent, ManagerAppointment, PhaseTransition
from networks.services import lifecycle as L
from tests import builders, factories

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run each call in its own thread and database connection, released at the same moment."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_officers_approve_at_once_exactly_one_wins(network, officer):
    assert connection.vendor == "postgresql"
    second = factories.AgencyStaffFactory(agency=officer.agency)
    builders.submitted_network(network)
    application = Application.objects.get(network=network)

    def decide(actor, decision, reason):
        return lambda: services.application_decide(
            application=application, actor=actor, decision=decision, reason=reason
        )

    outcomes = race(decide(officer, "approve", ""), decide(second, "reject", "Too small"))
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.ConflictError)
    assert error.messages == [str(L.APPLICATION_ALREADY_DECIDED)]
    decisions = ApplicationEvent.objects.exclude(action="submitted")
    assert decisions.count() == 1
    application.refresh_from_db()
    assert application.status == decisions.get().action


def test_two_first_appointments_at_once_exactly_one_wins(network, officer):
    second = factories.AgencyStaffFactory(agency=officer.agency)
    other_manager = factories.FacilitatorFactory(agency=officer.agency)
    builders.approved_network(network, officer)

    def appoint(actor, person):
        return lambda: services.manager_appoint(
            network=network, person=person, actor=actor, start=timezone.localdate(),
            monthly_salary=Decimal("1000000"),
        )  # fmt: skip

    outcomes = race(appoint(officer, network.facilitator), appoint(second, other_manager))
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.ConflictError)
    assert error.messages == [str(L.MANAGER_ALREADY_APPOINTED)]
    assert ManagerAppointment.objects.filter(network=network).count() == 1
    assert PhaseTransition.objects.filter(network=network).count() == 1
