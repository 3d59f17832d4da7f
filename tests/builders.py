"""Networks at a given point of their life, and the rows tests set up around them.

The lifecycle goes through the real services (submitted, approved, consolidating, a term well
under way); the consolidation work is written directly where the test is about something else
(the services' own rules are tested in tests/services/). One `add_members` makes "a network
with N member firms" for every set-up that needs it."""

import datetime
from decimal import Decimal

from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import (
    Activity,
    ActivityType,
    Attendance,
    Criterion,
    Diagnosis,
    Evaluation,
    Goal,
    JointAction,
    JointActionParticipant,
    JointActionType,
    Membership,
    Network,
    Payment,
)
from networks.services import evaluation as evaluation_services
from networks.services import lifecycle as lifecycle_services
from networks.services import term as term_services
from tests import factories


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def add_members(network, count: int, *, joined_on: datetime.date | None = None) -> list:
    """`count` new firms, active members of `network` since `joined_on` (its creation day)."""
    firms = factories.FirmFactory.create_batch(count)
    Membership.objects.bulk_create(
        Membership(network=network, firm=firm, joined_on=joined_on or network.created_on)
        for firm in firms
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


# --- the lifecycle, as the API tests set it up ----------------------------------------------


def make_submittable(network, members: int = 10):
    """Top the network up to `members` active firms, complete its diagnosis, add two goals."""
    active = Membership.objects.filter(network=network, left_on__isnull=True).count()
    add_members(network, max(members - active, 0))
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


# --- activities -----------------------------------------------------------------------------

SINCE = datetime.date(2024, 1, 1)


def activity_type(network, slug: str = "group_workshop") -> ActivityType:
    return ActivityType.objects.get(programme_id=network.programme_id, slug=slug)


def working_network(network, members: int = 5, since: datetime.date = SINCE) -> list:
    """Put `network` in consolidation with `members` firms that joined on `since`."""
    Network.objects.filter(pk=network.pk).update(phase=Network.Phase.CONSOLIDATION)
    network.phase = Network.Phase.CONSOLIDATION
    return add_members(network, members, joined_on=since)


def activity(network, *firms, date: datetime.date | None = None, **kwargs) -> Activity:
    """An activity of `network` (of the programme's first type) attended by `firms`."""
    kwargs.setdefault("type", ActivityType.objects.filter(programme=network.programme).first())
    kwargs.setdefault("place", "")
    made = factories.ActivityFactory(network=network, date=date or timezone.localdate(), **kwargs)
    Attendance.objects.bulk_create(Attendance(activity=made, firm=firm) for firm in firms)
    return made


# --- joint actions --------------------------------------------------------------------------


def open_for_joint_actions(network, members: int = 0, phase=Network.Phase.CONSOLIDATION):
    """Put the network in a phase where joint actions are logged, with `members` more firms.

    Test data only: the phase is set directly. `consolidating_network` gets there through the
    real services when a test is about the lifecycle itself.
    """
    network.phase = phase
    network.save(update_fields=["phase"])
    return add_members(network, members)


def joint_action_type(network, slug: str = "joint_purchasing") -> JointActionType:
    return JointActionType.objects.get(programme=network.programme, slug=slug)


def participants(joint_action, firms, *, confirmed=()) -> list[JointActionParticipant]:
    """Add `firms` as participants; those in `confirmed` are confirmed by their first user."""
    rows = []
    now = timezone.now()
    for firm in firms:
        row = JointActionParticipant(joint_action=joint_action, firm=firm)
        if firm in confirmed:
            row.confirmed_at = now
            row.confirmed_by = firm.users.first()
        rows.append(row)
    return JointActionParticipant.objects.bulk_create(rows)


def joint_action(network, *firms, **kwargs) -> JointAction:
    """A joint action of `network` under way (of the programme's first type) with `firms`."""
    kwargs.setdefault("type", JointActionType.objects.filter(programme=network.programme).first())
    kwargs.setdefault("status", JointAction.Status.UNDER_WAY)
    kwargs.setdefault("start_date", timezone.localdate())
    made = factories.JointActionFactory(network=network, **kwargs)
    JointActionParticipant.objects.bulk_create(
        JointActionParticipant(joint_action=made, firm=firm) for firm in firms
    )
    return made


def members(network, count: int, *, joined_on: datetime.date | None = None) -> list:
    """`count` new firms, active members of `network` since `joined_on` (a year ago)."""
    return add_members(network, count, joined_on=joined_on or days_ago(365))


# --- the term -------------------------------------------------------------------------------

SALARY = Decimal("1200000")


def term_network(network, officer, *, months: int = 31, extra_firms: int = 0, pay: bool = True):
    """A network whose term started `months - 1` months ago (so `months` months are charged),
    with its dues charged and, when `pay`, one payment per firm covering its first month."""
    today = timezone.localdate()
    start = add_months(today.replace(day=1), -(months - 1))
    consolidating_network(network, officer, start=start, salary=SALARY)
    if extra_firms:
        add_members(network, extra_firms)
    # Members from before the term, so that every month charges every firm.
    Membership.objects.filter(network=network).update(joined_on=add_months(start, -1))
    term_services.dues_catch_up(network=network)
    if pay:
        firms = [m.firm for m in Membership.objects.filter(network=network).select_related("firm")]
        due = term_services.month_split(network, start)["dues"]
        Payment.objects.bulk_create(
            Payment(network=network, firm=firm, date=today, amount=due[firm.pk],
                    reference=f"TRF {firm.pk}", recorded_by=network.facilitator)
            for firm in firms
        )  # fmt: skip
    network.refresh_from_db()
    return network


# --- evaluation -----------------------------------------------------------------------------

# The 1993 evaluation: ten networks aged 20 to 30 months; seven met at least four of the
# twelve criteria and four met at least six.
SAMPLE_1993 = [8, 7, 6, 6, 5, 4, 4, 3, 2, 1]


def evaluation_day() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=30)


def running_network(
    agency=None, *, start: datetime.date | None = None, programme=None, **kwargs
) -> Network:
    """A network in consolidation whose term started on `start` (24 months before the
    evaluation day by default). The phase is set directly (fast)."""
    if programme is None:
        programme = factories.ProgrammeFactory(agency=agency) if agency else None
    extra = {"programme": programme} if programme else {}
    network = factories.NetworkFactory(**extra, **kwargs)
    start = start or add_months(evaluation_day(), -24)
    Network.objects.filter(pk=network.pk).update(
        phase=Network.Phase.CONSOLIDATION, term_start=start, handover_due=add_months(start, 36)
    )
    network.refresh_from_db()
    return network


def evaluate(network, actor, met: int, date: datetime.date | None = None) -> Evaluation:
    """Record an evaluation (through the service) with the first `met` active criteria met."""
    criteria = list(Criterion.objects.filter(programme=network.programme_id, is_active=True))
    results = [(c, index < met, f"evidence {index}") for index, c in enumerate(criteria)]
    return evaluation_services.evaluation_record(
        network=network, actor=actor, date=date or evaluation_day(), results=results
    )


def sample_1993(officer, programme, **kwargs) -> list[Network]:
    """Ten networks of `programme`, 24 months old, evaluated like the 1993 sample."""
    networks = []
    for index, met in enumerate(SAMPLE_1993):
        network = running_network(programme=programme, name=f"Red {index:02d}", **kwargs)
        evaluate(network, officer, met)
        networks.append(network)
    return networks
