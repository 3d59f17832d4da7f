"""Reads for goal progress, firm indicators, participation and the collaboration graph.

Each function runs a fixed number of queries whatever the number of firms, activities or
joint actions: counts and dates come from correlated subqueries and GROUP BY, not from a query
per firm or per pair (the tests pin the counts).
"""

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from networks import access
from networks.lib import graph
from networks.lib.dates import add_months
from networks.models import (
    Activity,
    Attachment,
    Attendance,
    Firm,
    FirmIndicator,
    Goal,
    GoalActual,
    JointAction,
    JointActionParticipant,
    Membership,
    Network,
)
from networks.rules import (
    DRIFT_DAYS,
    FIGURES,
    MIN_FIRMS_FOR_AGGREGATE,
    NOT_ADDED_UP,
)
from networks.selectors import progress as progress_selectors
from networks.selectors.sql import count_subquery, latest_subquery


def _joint_action_day():
    # A joint action counts from its start date, or from the day it was logged without one.
    return Coalesce("joint_action__start_date", TruncDate("joint_action__created_at"))


def _live_participations() -> QuerySet[JointActionParticipant]:
    # A dropped joint action did not happen: it ties nobody and counts for nobody.
    return JointActionParticipant.objects.exclude(joint_action__status=JointAction.Status.DROPPED)


# --- goal progress --------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    latest_value: Decimal | None
    latest_period_end: datetime.date | None
    percent: int | None  # of the way from baseline to target, 0..100; None when not measurable
    reached: bool
    missed: bool  # past its due date and not at the target


def goal_progress(
    goal: Goal,
    latest_value: Decimal | None,
    latest_period_end: datetime.date | None = None,
    today: datetime.date | None = None,
) -> GoalProgress:
    """How far a goal's latest value is from baseline to target (targets may lie below)."""
    today = today or timezone.localdate()
    baseline, target = goal.baseline, goal.target
    percent, reached = None, False
    if baseline is not None and target is not None:
        current = latest_value if latest_value is not None else baseline
        if target == baseline:
            reached = latest_value is not None and current == target
            percent = 100 if reached else 0
        else:
            share = (current - baseline) / (target - baseline) * 100
            percent = int(max(Decimal(0), min(Decimal(100), share)))
            reached = current >= target if target > baseline else current <= target
    missed = goal.due_date < today and not reached
    return GoalProgress(goal, latest_value, latest_period_end, percent, reached, missed)


def goals_with_progress(network: Network, today: datetime.date | None = None) -> list:
    """The network's goals with their latest actual, in one query."""
    latest = GoalActual.objects.filter(goal=OuterRef("pk")).order_by("-period_end", "-pk")
    goals = (
        Goal.objects.filter(network=network)
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_period_end=Subquery(latest.values("period_end")[:1]),
        )
        .order_by("horizon", "due_date", "pk")
    )
    return [goal_progress(g, g.latest_value, g.latest_period_end, today) for g in goals]


def goal_actuals(goal: Goal) -> list[GoalActual]:
    """The goal's actuals, newest first, with their evidence and who recorded them (2 queries)."""
    return list(
        GoalActual.objects.filter(goal=goal)
        .select_related("recorded_by")
        .prefetch_related("attachments")
        .order_by("-period_end", "-pk")
    )


def goal_for(user, pk) -> Goal | None:
    """A goal of a network the user may see, or None."""
    return (
        Goal.objects.filter(network__in=access.visible_networks(user))
        .select_related("network__programme__agency", "network__facilitator")
        .filter(pk=pk)
        .first()
    )


def goal_evidence(user, actual_pk, attachment_pk) -> Attachment | None:
    """An evidence file of a goal actual of a network the user may see, or None."""
    return (
        Attachment.objects.filter(
            pk=attachment_pk,
            goal_actual_id=actual_pk,
            goal_actual__goal__network__in=access.visible_networks(user),
        )
        .select_related("goal_actual")
        .first()
    )


# --- firm indicators ------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureChange:
    value: object
    change: object  # value minus the baseline's, or None
    name: str = ""


@dataclass(frozen=True)
class PanelRow:
    report: FirmIndicator
    figures: list[FigureChange]


@dataclass
class Series:
    """The reports recorded for one network, or the firm's own (network None): each series has
    its own baseline, and its changes are against that baseline."""

    network: Network | None
    baseline: FirmIndicator | None
    rows: list[PanelRow]
    # Networks whose facilitator and agency read this series (shown to the firm's own users).
    readers: list[Network] = field(default_factory=list)
    # Whether the reader may correct its rows (`access.can_correct_figures`), set by the view.
    correctable: bool = False


@dataclass(frozen=True)
class Sharing:
    """One network of the firm, for its own users: may it read all the firm's figures?"""

    network: Network
    active: bool
    shares_figures: bool


@dataclass
class FirmPanel:
    series: list[Series]
    networks: list[Network]  # the firm's active networks this user sees (aggregate links)
    sharing: list[Sharing]  # the firm's own users only; empty for anyone else

    @property
    def baselines(self) -> dict:
        """Network id (None: the firm's own) -> whether that series has its baseline."""
        return {s.network.pk if s.network else None: s.baseline is not None for s in self.series}


def _series(network: Network | None, reports: list[FirmIndicator]) -> Series:
    baseline = next((r for r in reports if r.is_baseline), None)
    rows = []
    for report in reports:
        cells = []
        for name in FIGURES:
            value = getattr(report, name)
            base = getattr(baseline, name) if baseline is not None else None
            change = None
            if report is not baseline and value is not None and base is not None:
                change = value - base
            cells.append(FigureChange(value, change, name))
        rows.append(PanelRow(report, cells))
    return Series(network, baseline, rows)


def firm_sharing(firm: Firm, user=None) -> list[Sharing]:
    """Each network the firm is or was in (only those `user` sees, when given), by name, with
    whether the firm is still a member and shares all its figures with it (one query)."""
    memberships = Membership.objects.filter(firm=firm).select_related(
        "network__programme__agency", "network__facilitator"
    )
    if user is not None:
        memberships = memberships.filter(network__in=access.visible_networks(user))
    latest: dict[int, Sharing] = {}
    for m in memberships.order_by("network__name", "network_id", "joined_on", "pk"):
        # The latest membership says whether it is active; sharing is the same on all of them.
        latest[m.network_id] = Sharing(m.network, m.left_on is None, m.shares_figures)
    return list(latest.values())


def firm_panel(firm: Firm, user) -> FirmPanel:
    """The firm's figures as this user may read them (`access.readable_indicators`), one series
    per network they were recorded for (the firm's own records last), and, for the firm's own
    users, who reads what and whether it shares its figures with each network.

    Two queries: the readable reports, and the firm's memberships. Callers must have checked
    that the user may open this firm's figures."""
    reports = list(
        access.readable_indicators(user)
        .filter(firm=firm)
        .select_related("recorded_by", "network__programme__agency")
        .order_by("date", "pk")
    )
    by_network: dict[int | None, list[FirmIndicator]] = {}
    networks_by_id: dict[int, Network] = {}
    for report in reports:
        by_network.setdefault(report.network_id, []).append(report)
        if report.network is not None:
            networks_by_id[report.network_id] = report.network
    order = sorted(
        (pk for pk in by_network if pk is not None), key=lambda pk: networks_by_id[pk].name
    )
    series = [_series(networks_by_id[pk], by_network[pk]) for pk in order]
    if None in by_network:
        series.append(_series(None, by_network[None]))

    owner = access.is_user_of_firm(user, firm)
    rows = firm_sharing(firm, None if owner else user)
    networks = [row.network for row in rows if row.active]
    sharing = rows if owner else []
    if owner:
        sharers = [row.network for row in sharing if row.shares_figures]
        for one in series:
            readers = [one.network] if one.network is not None else []
            one.readers = readers + [n for n in sharers if n not in readers]
    return FirmPanel(series, networks, sharing)


@dataclass(frozen=True)
class Aggregate:
    name: str
    reported: int  # firms whose latest report gives this figure
    total: object = None  # None when hidden (fewer than MIN_FIRMS_FOR_AGGREGATE reported)
    median: object = None

    @property
    def hidden(self) -> bool:
        return self.reported < MIN_FIRMS_FOR_AGGREGATE

    @property
    def added_up(self) -> bool:
        return self.name not in NOT_ADDED_UP


@dataclass
class NetworkIndicators:
    aggregates: list[Aggregate]
    firm_rows: list[tuple[Firm, FirmIndicator | None]] = field(default_factory=list)
    member_count: int = 0


def _latest_reports(network: Network, firm_ids) -> list[FirmIndicator]:
    """Each firm's latest report among those the network may read (never another network's)."""
    readable = access.network_readable_indicators(network)
    latest = readable.filter(firm=OuterRef("firm")).order_by("-date", "-pk")
    return list(readable.filter(firm_id__in=firm_ids, pk=Subquery(latest.values("pk")[:1])))


def aggregate_figures(reports: list[FirmIndicator]) -> list[Aggregate]:
    """Total and median per figure over the reports, hidden below the minimum of firms."""
    aggregates = []
    for name in FIGURES:
        values = [getattr(r, name) for r in reports if getattr(r, name) is not None]
        if len(values) < MIN_FIRMS_FOR_AGGREGATE:
            aggregates.append(Aggregate(name, len(values)))
        else:
            total = sum(values) if name not in NOT_ADDED_UP else None
            aggregates.append(
                Aggregate(name, len(values), total, statistics.median(sorted(values)))
            )
    return aggregates


def network_indicators(network: Network, user) -> NetworkIndicators:
    """The network's aggregates over its active members' latest reports, and the per-firm rows
    this user may see (all for the facilitator and agency, their own for a member firm). The
    reports are only those the network may read: recorded for it, or shared with it.

    Three queries: the members, their latest reports, the firms whose figures the user sees."""
    members = [m.firm for m in Membership.objects.filter(network=network, left_on__isnull=True)
               .select_related("firm").order_by("firm__name")]  # fmt: skip
    member_ids = [firm.pk for firm in members]
    reports = _latest_reports(network, member_ids)
    by_firm = {report.firm_id: report for report in reports}
    visible = set(
        access.firms_with_visible_figures(user)
        .filter(pk__in=member_ids)
        .values_list("pk", flat=True)
    )
    rows = [(firm, by_firm.get(firm.pk)) for firm in members if firm.pk in visible]
    return NetworkIndicators(aggregate_figures(reports), rows, len(members))


# --- participation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Participation:
    firm: Firm
    joined_on: datetime.date
    left_on: datetime.date | None
    attended_6m: int
    held_6m: int
    attended_since_joining: int
    held_since_joining: int
    joint_actions: int
    last_participation: datetime.date | None
    drifting: bool

    @property
    def rate_6m(self) -> float | None:
        return self.attended_6m / self.held_6m if self.held_6m else None

    @property
    def rate_since_joining(self) -> float | None:
        return (
            self.attended_since_joining / self.held_since_joining
            if self.held_since_joining
            else None
        )

    @property
    def percent_6m(self) -> int | None:
        return _percent(self.rate_6m)

    @property
    def percent_since_joining(self) -> int | None:
        return _percent(self.rate_since_joining)


def _percent(rate: float | None) -> int | None:
    return None if rate is None else round(rate * 100)


def participation_memberships(
    network: Network, today: datetime.date, *, active_only: bool = False
) -> QuerySet[Membership]:
    """The network's memberships (former ones too, unless `active_only`) with their firm and
    what `participation_from` needs, in one query."""
    window_start = add_months(today, -network.programme.participation_window_months)
    held = Activity.objects.filter(
        network=OuterRef("network"), date__lte=today, date__gte=OuterRef("joined_on")
    )
    attended = Attendance.objects.filter(
        firm=OuterRef("firm"), activity__network=OuterRef("network"),
        activity__date__lte=today, activity__date__gte=OuterRef("joined_on"),
    )  # fmt: skip
    joint = _live_participations().filter(
        firm=OuterRef("firm"), joint_action__network=OuterRef("network")
    )
    joint_days = joint.annotate(day=_joint_action_day()).filter(day__lte=today)
    any_attendance = Attendance.objects.filter(
        firm=OuterRef("firm"), activity__network=OuterRef("network"), activity__date__lte=today
    )
    memberships = Membership.objects.filter(network=network)
    if active_only:
        memberships = memberships.filter(left_on__isnull=True)
    return (
        memberships.select_related("firm")
        .annotate(
            held_6m=count_subquery(held.filter(date__gte=window_start)),
            held_all=count_subquery(held),
            attended_6m=count_subquery(attended.filter(activity__date__gte=window_start)),
            # Everything up to today minus what came before joining, rather than "since
            # joining": with the membership's own date as the only lower bound, PostgreSQL
            # probed every activity of the network for each firm (1.4 ms a firm at scale);
            # these two read the firm's attendance through its index (0.1 ms).
            attended_all=count_subquery(any_attendance)
            - count_subquery(any_attendance.filter(activity__date__lt=OuterRef("joined_on"))),
            joint_count=count_subquery(joint),
            last_attended=latest_subquery(any_attendance, "activity__date"),
            last_joint=latest_subquery(joint_days, "day"),
        )
        .order_by("firm__name", "firm_id", "joined_on")
    )


def participation_from(memberships, today: datetime.date) -> list[Participation]:
    """The participation rows of memberships read by `participation_memberships`."""
    drift_from = today - datetime.timedelta(days=DRIFT_DAYS)
    rows = []
    for m in memberships:
        last = max((d for d in (m.last_attended, m.last_joint) if d is not None), default=None)
        drifting = m.joined_on <= drift_from and (last is None or last < drift_from)
        rows.append(
            Participation(
                firm=m.firm, joined_on=m.joined_on, left_on=m.left_on,
                attended_6m=m.attended_6m, held_6m=m.held_6m,
                attended_since_joining=m.attended_all, held_since_joining=m.held_all,
                joint_actions=m.joint_count, last_participation=last, drifting=drifting,
            )
        )  # fmt: skip
    return rows


def participation(network: Network, today: datetime.date | None = None) -> list[Participation]:
    """Each active member's participation, in one query.

    - attendance rate over the programme's participation window (6 months by default):
      activities attended / activities the network held (up to today) while the firm was a
      member within the window, so a firm that joined mid-window is judged on the activities
      since it joined;
    - the same since joining;
    - the joint actions it takes part in (not dropped);
    - the last day it took part (an attended activity, or a joint action's start or logging day);
    - drifting: no participation in the last 90 days, for a firm that has been a member at
      least that long.
    """
    today = today or timezone.localdate()
    return participation_from(participation_memberships(network, today, active_only=True), today)


def average_rate(rows: list[Participation]) -> float | None:
    """The mean of the firms' six-month rates, over the firms that had activities to attend."""
    rates = [row.rate_6m for row in rows if row.rate_6m is not None]
    return sum(rates) / len(rates) if rates else None


def average_percent(rows: list[Participation]) -> int | None:
    return _percent(average_rate(rows))


# --- the collaboration graph ----------------------------------------------------------------


def tie_first_days(network: Network, today: datetime.date) -> tuple[dict, dict]:
    """Every pair of firms that shared an activity or a joint action up to today: the number of
    times (weight) and the first day. Two self-joins grouped by pair, sent as one UNION query."""
    by_activity = (
        Attendance.objects.filter(
            activity__network=network,
            activity__date__lte=today,
            activity__attendance__firm_id__gt=F("firm_id"),
        )
        .values("firm_id", other=F("activity__attendance__firm_id"))
        .annotate(weight=Count("activity_id"), first=Min("activity__date"))
        .order_by()
    )
    by_joint_action = (
        _live_participations()
        .filter(
            joint_action__network=network,
            joint_action__participants__firm_id__gt=F("firm_id"),
        )
        .annotate(day=_joint_action_day())
        .filter(day__lte=today)
        .values("firm_id", other=F("joint_action__participants__firm_id"))
        .annotate(weight=Count("joint_action_id"), first=Min("day"))
        .order_by()
    )
    weights: dict[graph.Pair, int] = {}
    first: dict[graph.Pair, datetime.date] = {}
    for row in by_activity.union(by_joint_action, all=True):
        key = graph.pair(row["firm_id"], row["other"])
        weights[key] = weights.get(key, 0) + row["weight"]
        first[key] = min(first.get(key, row["first"]), row["first"])
    return weights, first


@dataclass
class Collaboration:
    graph: graph.Graph
    layout: graph.SvgLayout
    quarters: list[graph.QuarterDensity]

    @property
    def isolated_names(self) -> list[str]:
        return [self.graph.names[pk] for pk in self.graph.isolated()]

    @property
    def drawn_as(self) -> str:
        return graph.drawn_as(self.graph)

    @property
    def matrix(self) -> list[graph.MatrixRow]:
        return graph.adjacency_matrix(self.graph)

    @property
    def quarter_bars(self) -> list[graph.Bar]:
        return graph.bar_chart([(q.quarter.label, q.density) for q in self.quarters])


def collaboration(
    network: Network,
    today: datetime.date | None = None,
    *,
    memberships: list[tuple[int, str, datetime.date, datetime.date | None]] | None = None,
) -> Collaboration:
    """The graph of the active members today and its density quarter by quarter.

    Two queries: every membership, former ones included (for the members at each quarter's
    end), unless the caller gives them as (firm id, name, joined on, left on); and the ties."""
    today = today or timezone.localdate()
    if memberships is None:
        memberships = list(
            Membership.objects.filter(network=network).values_list(
                "firm_id", "firm__name", "joined_on", "left_on"
            )
        )
    names = {
        firm_id: name
        for firm_id, name, joined_on, left_on in memberships
        if left_on is None and joined_on <= today
    }
    weights, first = tie_first_days(network, today)
    collab_graph = graph.Graph(names, weights)
    quarters = graph.density_by_quarter(
        start=network.term_start,
        today=today,
        memberships=[(f, j, left) for f, _n, j, left in memberships],
        first_tie=first,
    )
    return Collaboration(collab_graph, graph.circle_layout(collab_graph), quarters)


def network_progress(
    network: Network, today: datetime.date | None = None, *, memberships=None
) -> dict:
    """Participation and the graph for the network page: one membership query serves both
    (with the ties, two queries). The page may give the memberships it has read already with
    `participation_memberships` (former ones included)."""
    today = today or timezone.localdate()
    if memberships is None:
        memberships = participation_memberships(network, today)
    rows = participation_from(memberships, today)
    pairs = [(r.firm.pk, r.firm.name, r.joined_on, r.left_on) for r in rows]
    return {
        "participation": [row for row in rows if row.left_on is None],
        "collaboration": collaboration(network, today, memberships=pairs),
    }


def participation_summary(rows: list[progress_selectors.Participation]) -> dict:
    return {
        "participation": rows,
        "average_percent_6m": progress_selectors.average_percent(rows),
        "drifting": [row for row in rows if row.drifting],
    }
