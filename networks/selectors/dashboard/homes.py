"""The three home pages: the facilitator's networks, the agency's portfolio and at-risk list,
and a member firm's networks and balances."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from networks import access
from networks.lib.dates import add_months
from networks.models import (
    Activity,
    Application,
    Attendance,
    Due,
    Handover,
    JointAction,
    JointActionParticipant,
    Membership,
    Network,
    Payment,
    User,
)
from networks.rules import HANDOVER_AHEAD_MONTHS, JOINT_ACTION_PHASES
from networks.selectors import independence as independence_selectors
from networks.selectors import lifecycle as lifecycle_selectors
from networks.selectors.dashboard.aggregates import (
    activity_figures,
    add_arrears,
    add_confirmations,
    add_drifting,
    agency_figures,
    apply_figures,
    attendance_figures,
    joint_action_figures,
    participation_windows,
)
from networks.selectors.dashboard.facts import (
    NetworkFacts,
    Reason,
    annotated_networks,
    network_facts,
    old_dues,
)
from networks.selectors.sql import ZERO_MONEY

APPROVALS_SHOWN = 5
FIRM_RECENT_DAYS = 60
FIRM_ROWS_SHOWN = 10


# --- the facilitator ------------------------------------------------------------------------


@dataclass
class FacilitatorDashboard:
    cards: list[NetworkFacts]
    closed: list[Network]  # dissolved networks: nothing to do, listed for reference


def facilitator_dashboard(*, user, today: datetime.date | None = None) -> FacilitatorDashboard:
    """A card per network the facilitator manages, with its figures and its next steps.

    Seven queries whatever the number of networks, firms, activities or dues."""
    today = today or timezone.localdate()
    networks = list(
        annotated_networks(access.visible_networks(user), today, checklist=True).order_by(
            "name", "pk"
        )
    )
    facts = {n.pk: network_facts(n, today) for n in networks if n.phase != Network.Phase.DISSOLVED}
    if facts:
        scope = list(facts)
        windows = participation_windows(facts)
        apply_figures(facts, activity_figures(scope, today, windows))
        apply_figures(facts, attendance_figures(scope, scope, today, windows))
        apply_figures(facts, _without_currency(joint_action_figures(scope)))
        add_confirmations(facts, scope)
        add_arrears(facts, scope, today)
        add_drifting(facts, scope, today)
    closed = [n for n in networks if n.phase == Network.Phase.DISSOLVED]
    return FacilitatorDashboard(cards=list(facts.values()), closed=closed)


def _without_currency(figures: dict[int, dict]) -> dict[int, dict]:
    return {
        pk: {name: value for name, value in values.items() if name != "currency"}
        for pk, values in figures.items()
    }


# --- agency staff ---------------------------------------------------------------------------


@dataclass
class Totals:
    networks: int = 0
    firms_reached: int = 0
    activities: int = 0
    joint_actions_done: int = 0
    joint_actions_value: dict[str, Decimal] = field(default_factory=dict)  # by currency
    uptakes_this_year: int = 0
    year: int = 0


@dataclass(frozen=True)
class AtRisk:
    facts: NetworkFacts
    reasons: list[Reason]

    @property
    def network(self) -> Network:
        return self.facts.network


@dataclass
class AgencyDashboard:
    by_phase: list[tuple[str, str, int]]  # (phase, label, count), every phase
    approvals: list[Application]  # the oldest few, with `waiting_days`
    approvals_count: int
    overdue: list[NetworkFacts]
    handovers_due: list[NetworkFacts]
    at_risk: list[AtRisk]  # the most reasons first
    totals: Totals
    running: list[NetworkFacts]  # every network in consolidation, by handover date
    handovers_to_confirm: list[Handover] = field(default_factory=list)  # proposed, oldest first
    figures_as_of: datetime.datetime | None = None  # when the cached aggregates were computed

    @property
    def handovers_ahead(self) -> list[NetworkFacts]:
        return self.overdue + self.handovers_due


def agency_dashboard(*, user, today: datetime.date | None = None) -> AgencyDashboard:
    """The agency's portfolio at a glance: networks by phase, the applications waiting, the
    handovers ahead, the networks at risk and why, and the totals.

    Twelve queries whatever the number of networks: each is an aggregate over all of them (the
    last two: the networks in independence and their check-ins, for the risks after it)."""
    today = today or timezone.localdate()
    agency_networks = access.visible_networks(user)
    every = agency_networks.values("pk")
    counts = dict(
        agency_networks.order_by().values("phase").annotate(n=Count("pk")).values_list("phase", "n")
    )
    by_phase = [(phase, label, counts.get(phase, 0)) for phase, label in Network.Phase.choices]

    queue = lifecycle_selectors.approvals_queue(user=user)
    approvals = list(queue[:APPROVALS_SHOWN])
    for application in approvals:
        application.waiting_days = lifecycle_selectors.waiting_days(application, today)
    approvals_count = queue.count()
    # The handovers the facilitators have proposed: only the agency confirms them.
    handovers_to_confirm = list(
        Handover.objects.filter(network__in=every, status=Handover.Status.PROPOSED)
        .select_related("network", "proposed_by")
        .order_by("proposed_at", "pk")
    )

    # At risk, handovers ahead: the networks in consolidation, which the agency pays for now.
    running = agency_networks.filter(phase=Network.Phase.CONSOLIDATION)
    facts = {
        n.pk: network_facts(n, today)
        for n in annotated_networks(running, today, checklist=False).order_by(
            "handover_due", "name"
        )
    }
    figures = agency_figures(user, every, facts, today)
    apply_figures(facts, figures.activities)
    apply_figures(facts, _without_currency(figures.joint_actions))
    apply_figures(facts, figures.attendance)
    for network_id, count in figures.arrears.items():
        if network_id in facts:
            facts[network_id].in_arrears = count

    totals = Totals(year=today.year, networks=sum(counts.values()))
    totals.firms_reached = figures.firms_reached
    totals.activities = sum(row["activities_total"] for row in figures.activities.values())
    for row in figures.joint_actions.values():
        totals.joint_actions_done += row["joint_actions_done"]
        value = totals.joint_actions_value.get(row["currency"], Decimal(0))
        totals.joint_actions_value[row["currency"]] = value + row["joint_actions_value"]
    totals.uptakes_this_year = figures.uptakes_this_year

    ahead = add_months(today, HANDOVER_AHEAD_MONTHS)
    with_due = [f for f in facts.values() if f.network.handover_due is not None]
    at_risk = [AtRisk(f, f.risk_reasons) for f in facts.values()]
    at_risk += _after_independence_at_risk(agency_networks, today)
    return AgencyDashboard(
        by_phase=by_phase,
        approvals=approvals,
        approvals_count=approvals_count,
        overdue=[f for f in with_due if f.network.handover_due < today],
        handovers_due=[f for f in with_due if today <= f.network.handover_due <= ahead],
        at_risk=sorted(
            (item for item in at_risk if item.reasons),
            key=lambda item: (-len(item.reasons), item.network.name.casefold(), item.network.pk),
        ),
        totals=totals,
        running=list(facts.values()),
        figures_as_of=figures.as_of,
        handovers_to_confirm=handovers_to_confirm,
    )


def _after_independence_at_risk(networks, today: datetime.date) -> list[AtRisk]:
    """Networks in independence the agency should look at: stopped, or a yearly check-in
    overdue (two queries)."""
    by_network: dict[int, AtRisk] = {}
    for event in independence_selectors.independence_events(networks, today):
        if event.code == "stopped":
            text = _("Stopped after independence (check-in of %(date)s)") % {
                "date": date_format(event.since)
            }
        else:
            text = _("Yearly check-in after independence overdue since %(date)s") % {
                "date": date_format(event.since)
            }
        item = by_network.setdefault(
            event.network.pk, AtRisk(NetworkFacts(network=event.network, today=today), [])
        )
        item.reasons.append(Reason(event.code, text))
    return list(by_network.values())


# --- a member firm's users ------------------------------------------------------------------


@dataclass
class FirmBalance:
    """The firm's own position in one network (selectors.term.Balance's rule)."""

    network: Network
    owed: Decimal
    paid: Decimal
    overdue_owed: Decimal

    @property
    def currency(self) -> str:
        return self.network.programme.currency

    @property
    def balance(self) -> Decimal:
        return self.owed - self.paid

    @property
    def arrears(self) -> Decimal:
        return max(Decimal(0), self.overdue_owed - self.paid)

    @property
    def in_arrears(self) -> bool:
        return self.arrears > 0


@dataclass
class FirmDashboard:
    firm_id: int | None
    networks: list[Network]  # with `is_member` (an active member today)
    upcoming: list[Activity]
    recent: list[Activity]  # with `attended` (the user's firm was there)
    waiting: list[JointActionParticipant]  # the firm's own unconfirmed rows
    waiting_attendance: list[Attendance]  # its attendance of the last 60 days, not answered
    joint_actions: list[JointActionParticipant]  # the firm's latest participations
    balances: list[FirmBalance]

    @property
    def can_log_joint_action(self) -> bool:
        """The firm is an active member of a network that takes joint actions now."""
        return any(n.is_member and n.phase in JOINT_ACTION_PHASES for n in self.networks)

    @property
    def waiting_count(self) -> int:
        return len(self.waiting) + len(self.waiting_attendance)


def firm_dashboard(*, user, today: datetime.date | None = None) -> FirmDashboard:
    """The firm's networks, their activities ahead and of the last 60 days, the joint actions
    that wait for the firm's confirmation, and what the firm owes: only the user's own firm's
    rows, never another firm's. Eight queries whatever the number of networks."""
    today = today or timezone.localdate()
    firm_id = user.firm_id if user.role == User.Role.FIRM_MEMBER else None
    own_active = Membership.objects.filter(
        network=OuterRef("pk"), firm_id=firm_id, left_on__isnull=True
    )
    networks = list(
        lifecycle_selectors.network_list(user=user).annotate(is_member=Exists(own_active))
    )
    member_of = [n.pk for n in networks if n.is_member]
    by_pk = {n.pk: n for n in networks}

    activities = Activity.objects.filter(network__in=member_of).select_related("type")
    upcoming = list(activities.filter(date__gte=today).order_by("date", "pk")[:FIRM_ROWS_SHOWN])
    since = today - datetime.timedelta(days=FIRM_RECENT_DAYS)
    own_attendance = Attendance.objects.filter(activity=OuterRef("pk"), firm_id=firm_id)
    recent = list(
        activities.filter(date__gte=since, date__lt=today)
        .annotate(
            attended=Exists(own_attendance),
            confirmed=Exists(own_attendance.filter(confirmed_at__isnull=False)),
        )
        .order_by("-date", "-pk")[:FIRM_ROWS_SHOWN]
    )
    for activity in upcoming + recent:
        activity.network = by_pk[activity.network_id]  # already read: no query per row

    participations = JointActionParticipant.objects.filter(
        firm_id=firm_id, joint_action__network__in=list(by_pk)
    ).select_related("joint_action__type")
    waiting = list(
        participations.filter(
            confirmed_at__isnull=True, joint_action__network__phase__in=JOINT_ACTION_PHASES
        )
        .exclude(joint_action__status=JointAction.Status.DROPPED)
        .order_by("joint_action__created_at", "pk")
    )
    latest = list(participations.order_by("-joint_action__created_at", "-pk")[:FIRM_ROWS_SHOWN])
    for row in waiting + latest:
        row.joint_action.network = by_pk[row.joint_action.network_id]
    # Activities held that recorded the firm as attending, and wait for its answer.
    waiting_attendance = list(
        Attendance.objects.filter(
            firm_id=firm_id, confirmed_at__isnull=True, activity__network__in=member_of,
            activity__date__lte=today, activity__date__gte=since,
        )
        .exclude(activity__network__phase=Network.Phase.DISSOLVED)
        .select_related("activity__type")
        .order_by("activity__date", "pk")
    )  # fmt: skip
    for row in waiting_attendance:
        row.activity.network = by_pk[row.activity.network_id]

    return FirmDashboard(
        firm_id=firm_id,
        networks=networks,
        upcoming=upcoming,
        recent=recent,
        waiting=waiting,
        waiting_attendance=waiting_attendance,
        joint_actions=latest,
        balances=_firm_balances(firm_id, networks, today),
    )


def _firm_balances(firm_id, networks: list[Network], today: datetime.date) -> list[FirmBalance]:
    """Owed, paid, balance and arrears of one firm in each of its networks (two queries)."""
    if firm_id is None or not networks:
        return []
    ids = [n.pk for n in networks]
    old = old_dues({n.programme.arrears_days for n in networks}, today)
    owed = {
        row["network_id"]: row
        for row in Due.objects.filter(firm_id=firm_id, network__in=ids)
        .values("network_id")
        .annotate(owed=Sum("amount"), old=Coalesce(Sum("amount", filter=old), ZERO_MONEY))
        .order_by()
    }
    paid = dict(
        Payment.objects.filter(firm_id=firm_id, network__in=ids)
        .values("network_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("network_id", "total")
    )
    return [
        FirmBalance(
            network=network,
            owed=owed.get(network.pk, {}).get("owed") or Decimal(0),
            paid=paid.get(network.pk) or Decimal(0),
            overdue_owed=owed.get(network.pk, {}).get("old") or Decimal(0),
        )
        for network in networks
        if network.term_start is not None or network.pk in owed or network.pk in paid
    ]
