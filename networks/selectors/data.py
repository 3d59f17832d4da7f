"""Reads for the printable network report: one page for the agency's files.

A fixed number of queries whatever the number of firms, activities or dues (the tests pin it).
What a firm member reads is the same minus the other firms' confidential figures: their ledger
lines (only their own firm's balance) and the names of the firms in arrears.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone

from networks import access
from networks.lib.dates import add_months
from networks.models import (
    Activity,
    ActivityType,
    Evaluation,
    Goal,
    GoalActual,
    JointAction,
    Network,
)
from networks.selectors import lifecycle as lifecycle_selectors
from networks.selectors import term as term_selectors

# The geometry of the bar charts, in SVG user units (the drawing scales to the page width).
CHART_LABEL_WIDTH = 230
CHART_BAR_WIDTH = 330
CHART_ROW = 26


@dataclass(frozen=True)
class Bar:
    """One bar of a server-drawn chart; `percent` is its share of the longest bar."""

    label: str
    value: Decimal | int
    percent: int
    index: int = 0

    @property
    def y(self) -> int:
        return self.index * CHART_ROW

    @property
    def text_y(self) -> int:
        return self.y + 15

    @property
    def width(self) -> int:
        return round(self.percent * CHART_BAR_WIDTH / 100)

    @property
    def value_x(self) -> int:
        return CHART_LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * CHART_ROW

    @property
    def width(self) -> int:
        return CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 70

    @property
    def total(self):
        return sum(bar.value for bar in self.bars)


def chart(pairs: list[tuple[str, Decimal | int]], *, scale_to: int | None = None) -> Chart:
    """Bars for (label, value) pairs, scaled to the largest value (or to `scale_to`)."""
    top = scale_to or max((value for _label, value in pairs), default=0)
    return Chart(
        [
            Bar(label, value, min(100, round(value * 100 / top)) if top else 0, index)
            for index, (label, value) in enumerate(pairs)
        ]
    )


@dataclass(frozen=True)
class GoalLine:
    goal: Goal
    latest: Decimal | None
    latest_on: datetime.date | None
    percent: int | None  # of the way from baseline to target; None when not measurable


def _goal_percent(goal: Goal, latest: Decimal | None) -> int | None:
    if goal.baseline is None or goal.target is None:
        return None
    current = goal.baseline if latest is None else latest
    if goal.target == goal.baseline:
        return 100 if current == goal.target else 0
    share = (current - goal.baseline) / (goal.target - goal.baseline) * 100
    return int(max(Decimal(0), min(Decimal(100), share)))


def goal_lines(network: Network) -> list[GoalLine]:
    latest = GoalActual.objects.filter(goal=OuterRef("pk")).order_by("-period_end", "-pk")
    goals = (
        Goal.objects.filter(network=network)
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_on=Subquery(latest.values("period_end")[:1]),
        )
        .order_by("horizon", "due_date", "pk")
    )
    return [
        GoalLine(g, g.latest_value, g.latest_on, _goal_percent(g, g.latest_value)) for g in goals
    ]


def activities_by_type(network: Network, since: datetime.date, today: datetime.date) -> Chart:
    counts = (
        Activity.objects.filter(network=network, date__gt=since, date__lte=today)
        .values("type__slug", "type__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "type__name")
    )
    return chart(
        [
            (str(ActivityType.DEFAULT_LABELS.get(row["type__slug"], row["type__name"])), row["n"])
            for row in counts
        ]
    )


@dataclass(frozen=True)
class JointActionSummary:
    by_status: Chart
    done_value: Decimal
    total: int


def joint_actions_summary(network: Network) -> JointActionSummary:
    rows = {
        row["status"]: row
        for row in JointAction.objects.filter(network=network)
        .values("status")
        .annotate(n=Count("pk"), value=Sum("value"))
        .order_by()
    }
    pairs = [
        (str(label), rows[status]["n"] if status in rows else 0)
        for status, label in JointAction.Status.choices
    ]
    done = rows.get(JointAction.Status.DONE)
    return JointActionSummary(
        by_status=chart(pairs),
        done_value=(done["value"] or Decimal(0)) if done else Decimal(0),
        total=sum(row["n"] for row in rows.values()),
    )


def network_report(network: Network, user, today: datetime.date | None = None) -> dict:
    """Everything the printable report shows, as the user may read it."""
    today = today or timezone.localdate()
    sees_all = access.can_change_network(user, network)
    members = list(lifecycle_selectors.active_memberships(network))
    contributions = term_selectors.contributions_for(user, network)
    readiness = term_selectors.readiness(network, today=today)
    readiness_items = [
        {
            "label": item.label,
            "met": item.met,
            # The names of the firms in arrears are theirs and the facilitator's business.
            "detail": "" if item.key == "arrears" and not sees_all else item.detail,
        }
        for item in readiness.items
    ]
    year_ago = add_months(today, -12)
    goals = goal_lines(network)
    return {
        "today": today,
        "sees_all": sees_all,
        "appointment": lifecycle_selectors.current_appointment(network),
        "timeline": lifecycle_selectors.timeline(network),
        "members": members,
        "goals": goals,
        "goals_chart": chart(
            [(g.goal.title, g.percent) for g in goals if g.percent is not None], scale_to=100
        ),
        "activities_by_type": activities_by_type(network, year_ago, today),
        "year_ago": year_ago,
        "joint_actions": joint_actions_summary(network),
        "contributions": contributions,
        "contributions_totals": {
            "owed": sum((b.owed for b in contributions), Decimal(0)),
            "paid": sum((b.paid for b in contributions), Decimal(0)),
            "balance": sum((b.balance for b in contributions), Decimal(0)),
            "arrears": sum((b.arrears for b in contributions), Decimal(0)),
        },
        "readiness": {
            "items": readiness_items,
            "score": readiness.score,
            "total": readiness.total,
        },
        "evaluation": Evaluation.objects.filter(network=network)
        .select_related("evaluator")
        .order_by("-date", "-pk")
        .first(),
    }
