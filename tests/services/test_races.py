"""Races run for real on PostgreSQL: two threads, two connections, one winner."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from networks.models import Application, ApplicationEvent, ManagerAppointment, PhaseTransition
from networks.services import lifecycle as L
from networks.services import lifecycle as lifecycle_services
from networks.services.common import ConflictError
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
        return lambda: lifecycle_services.application_decide(
            application=application, actor=actor, decision=decision, reason=reason
        )

    outcomes = race(decide(officer, "approve", ""), decide(second, "reject", "Too small"))
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ConflictError)
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
        return lambda: lifecycle_services.manager_appoint(
            network=network, person=person, actor=actor, start=timezone.localdate(),
            monthly_salary=Decimal("1000000"),
        )  # fmt: skip

    outcomes = race(appoint(officer, network.facilitator), appoint(second, other_manager))
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ConflictError)
    assert error.messages == [str(L.MANAGER_ALREADY_APPOINTED)]
    assert ManagerAppointment.objects.filter(network=network).count() == 1
    assert PhaseTransition.objects.filter(network=network).count() == 1


def test_two_handover_confirmations_at_once_give_one_result(network, officer):
    import datetime

    from networks.models import Handover
    from networks.services import term

    second = factories.AgencyStaffFactory(agency=officer.agency)
    builders.consolidating_network(network, officer, start=datetime.date(2023, 1, 1))
    firms = [m.firm for m in network.memberships.all()]
    term.handover_propose(
        network=network, actor=network.facilitator, date=network.handover_due,
        manager=network.facilitator, monthly_salary=Decimal("1100000"),
        commitments={firm: Decimal(10) for firm in firms},
    )  # fmt: skip

    def confirm(actor):
        return lambda: term.handover_confirm(network=network, actor=actor)

    outcomes = race(confirm(officer), confirm(second))
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ConflictError)
    assert error.messages == [str(term.HANDOVER_ALREADY_CONFIRMED)]
    assert Handover.objects.filter(status="confirmed").count() == 1
    assert PhaseTransition.objects.filter(network=network, to_phase="independence").count() == 1
    # The new salary opens one new appointment, not two.
    assert ManagerAppointment.objects.filter(network=network).count() == 2
    assert ManagerAppointment.objects.filter(network=network, end_date__isnull=True).count() == 1


def test_twenty_payments_each_posted_twice_at_once_with_a_key_are_written_once(network, officer):
    """The probe's case: 20 bodies, each sent twice in parallel with the same Idempotency-Key.
    The second of each pair waits on the key's unique index, then answers the first's answer."""
    from rest_framework.test import APIClient

    from networks.models import Membership, Payment
    from tests.builders import term_network

    term_network(network, officer, months=2, pay=False)
    firms = [m.firm for m in Membership.objects.filter(network=network).order_by("firm_id")]
    today = timezone.localdate().isoformat()
    url = f"/api/v1/networks/{network.pk}/payments/"

    def send(n):
        def call():
            client = APIClient()
            client.force_authenticate(network.facilitator)
            body = {"firm": firms[n % len(firms)].pk, "date": today, "amount": f"{1000 + n}",
                    "reference": f"TRF {n}"}  # fmt: skip
            response = client.post(
                url, body, format="json", headers={"Idempotency-Key": f"payment-{n}"}
            )
            return response.status_code, response.json()

        return call

    outcomes = race(*[send(n) for n in range(20) for _twice in range(2)])
    assert [kind for kind, _ in outcomes] == ["ok"] * 40, outcomes
    assert Payment.objects.filter(network=network).count() == 20
    answers = [value for _kind, value in outcomes]
    for n in range(20):
        first, second = answers[2 * n], answers[2 * n + 1]
        assert first[0] == second[0] == 201
        assert first[1] == second[1]
