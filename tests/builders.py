"""Builders for networks at a given point of their lifecycle, through the real services."""

import datetime
from decimal import Decimal

from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import Diagnosis, Goal, Membership
from networks.services import lifecycle as lifecycle_services
from tests import factories


def add_members(network, count: int) -> list:
    firms = factories.FirmFactory.create_batch(count)
    Membership.objects.bulk_create(
        Membership(network=network, firm=firm, joined_on=network.created_on) for firm in firms
    )
    return firms


def complete_diagnosis(network) -> Diagnosis:
    diagnosis, _ = Diagnosis.objects.get_or_create(network=network)
    diagnosis.problems = "Isolated workshops, old machines, no joint purchasing."
    diagnosis.opportunities = "Regional demand for certified furniture."
    diagnosis.collaboration_basis = "The owners already share a supplier and meet at the fair."
    diagnosis.save()
    return diagnosis


def add_goals(network, today: datetime.date | None = None) -> tuple[Goal, Goal]:
    today = today or timezone.localdate()
    short = Goal.objects.create(
        network=network, horizon="short", title="Joint purchase of timber",
        indicator="Firms buying together", unit="firms", baseline=Decimal("0"),
        target=Decimal("8"), due_date=add_months(today, 10),
    )  # fmt: skip
    medium = Goal.objects.create(
        network=network, horizon="medium", title="Exports to Argentina",
        indicator="Annual exports", unit="CLP", baseline=Decimal("0"),
        target=Decimal("50000000"), due_date=add_months(today, 30),
    )  # fmt: skip
    return short, medium


def submittable_network(network, members: int = 10):
    add_members(network, members)
    complete_diagnosis(network)
    add_goals(network)
    return network


def submitted_network(network, submitter=None):
    submittable_network(network)
    lifecycle_services.application_submit(network=network, actor=submitter or network.facilitator)
    return network


def approved_network(network, officer):
    submitted_network(network)
    lifecycle_services.application_decide(
        application=network.application, actor=officer, decision="approve", reason=""
    )
    return network


def consolidating_network(network, officer, start=None, salary=Decimal("1200000")):
    approved_network(network, officer)
    lifecycle_services.manager_appoint(
        network=network, person=network.facilitator, actor=officer,
        start=start or timezone.localdate(), monthly_salary=salary,
    )  # fmt: skip
    network.refresh_from_db()
    return network
