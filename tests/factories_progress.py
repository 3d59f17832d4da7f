"""Factories and helpers for the progress tests: activities, attendance and joint actions are
written straight to the database (their own services belong to other subjects)."""

import datetime
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from networks.models import (
    Activity,
    ActivityType,
    Attendance,
    FirmIndicator,
    Goal,
    GoalActual,
    JointAction,
    JointActionParticipant,
    JointActionType,
    Membership,
)
from tests import factories

PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def pdf(name: str = "minutes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    network = factory.SubFactory(factories.NetworkFactory)
    type = factory.LazyAttribute(
        lambda a: ActivityType.objects.filter(programme=a.network.programme).first()
    )
    title = factory.Sequence(lambda n: f"Workshop {n}")
    date = factory.LazyFunction(timezone.localdate)
    created_by = factory.LazyAttribute(lambda a: a.network.facilitator)


class JointActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointAction

    network = factory.SubFactory(factories.NetworkFactory)
    type = factory.LazyAttribute(
        lambda j: JointActionType.objects.filter(programme=j.network.programme).first()
    )
    title = factory.Sequence(lambda n: f"Joint purchase {n}")
    status = JointAction.Status.UNDER_WAY
    start_date = factory.LazyFunction(timezone.localdate)
    logged_by = factory.LazyAttribute(lambda j: j.network.facilitator)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    network = factory.SubFactory(factories.NetworkFactory)
    horizon = Goal.Horizon.SHORT
    title = factory.Sequence(lambda n: f"Goal {n}")
    indicator = "Firms buying together"
    unit = "firms"
    baseline = Decimal("0")
    target = Decimal("10")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))


class GoalActualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalActual

    goal = factory.SubFactory(GoalFactory)
    period_end = factory.LazyFunction(timezone.localdate)
    value = Decimal("1")
    recorded_by = factory.LazyAttribute(lambda a: a.goal.network.facilitator)


def _first_network(firm):
    membership = firm.memberships.select_related("network").order_by("joined_on", "pk").first()
    return membership.network if membership else None


class FirmIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FirmIndicator

    firm = factory.SubFactory(factories.FirmFactory)
    # Recorded for the firm's network, as its facilitator would; a firm in no network: its own.
    network = factory.LazyAttribute(lambda o: _first_network(o.firm))
    date = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(factories.FacilitatorFactory)


def activity(network, *firms, date: datetime.date | None = None, **kwargs) -> Activity:
    """An activity of `network` attended by `firms`."""
    made = ActivityFactory(network=network, date=date or timezone.localdate(), **kwargs)
    Attendance.objects.bulk_create(Attendance(activity=made, firm=firm) for firm in firms)
    return made


def joint_action(network, *firms, **kwargs) -> JointAction:
    """A joint action of `network` with `firms` taking part."""
    made = JointActionFactory(network=network, **kwargs)
    JointActionParticipant.objects.bulk_create(
        JointActionParticipant(joint_action=made, firm=firm) for firm in firms
    )
    return made


def members(network, count: int, *, joined_on: datetime.date | None = None) -> list:
    """`count` new firms, active members of `network` since `joined_on` (a year ago)."""
    firms = factories.FirmFactory.create_batch(count)
    joined_on = joined_on or days_ago(365)
    Membership.objects.bulk_create(
        Membership(network=network, firm=firm, joined_on=joined_on) for firm in firms
    )
    return firms
