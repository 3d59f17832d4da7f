"""Networks brought to a given point of their lifecycle: the data, then the real services."""

from decimal import Decimal

from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import Diagnosis, Goal, Membership
from networks.services import lifecycle as lifecycle_services
from tests import factories


def make_submittable(network, members: int = 10):
    """Top the network up to `members` active firms, complete its diagnosis, add two goals."""
    active = Membership.objects.filter(network=network, left_on__isnull=True).count()
    for firm in factories.FirmFactory.create_batch(max(members - active, 0)):
        factories.MembershipFactory(network=network, firm=firm, joined_on=network.created_on)
    Diagnosis.objects.update_or_create(
        network=network,
        defaults={
            "problems": "Isolated workshops, old machines.",
            "opportunities": "Regional demand for certified furniture.",
            "collaboration_basis": "The owners already share a supplier.",
        },
    )
    today = timezone.localdate()
    for horizon, months in (("short", 10), ("medium", 30)):
        Goal.objects.create(
            network=network, horizon=horizon, title=f"A {horizon}-term goal", indicator="Firms",
            unit="firms", baseline=Decimal("0"), target=Decimal("8"),
            due_date=add_months(today, months),
        )  # fmt: skip
    return network


def make_submitted(network):
    make_submittable(network)
    lifecycle_services.application_submit(network=network, actor=network.facilitator)
    return network


def make_approved(network, officer):
    make_submitted(network)
    lifecycle_services.application_decide(
        application=network.application, actor=officer, decision="approve", reason=""
    )
    return network


def make_consolidating(network, officer):
    make_approved(network, officer)
    lifecycle_services.manager_appoint(
        network=network, person=network.facilitator, actor=officer,
        start=timezone.localdate(), monthly_salary=Decimal("1200000"),
    )  # fmt: skip
    network.refresh_from_db()
    return network
