"""Reads for life after independence (domain.md section 4b): which year after the handover a
day falls in, the check-ins due, the networks that stopped, and the programme indicator
"still running N years after handover"."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from networks.lib.dates import add_months, months_between
from networks.models import CheckIn, Network


def year_after_handover(network: Network, day: datetime.date) -> int:
    """1 for the first twelve months after the handover, 2 for the next twelve, and so on."""
    return max(0, months_between(network.handed_over_on, day)) // 12 + 1


def check_in_due_on(network: Network, year: int) -> datetime.date:
    """Year `year`'s check-in is due on the handover's anniversary that ends that year."""
    return add_months(network.handed_over_on, 12 * year)


def check_in_years(network: Network) -> range:
    return range(1, network.programme.check_in_years + 1)


@dataclass(frozen=True)
class CheckInYear:
    year: int
    due: datetime.date
    check_in: CheckIn | None

    @property
    def stopped(self) -> bool:
        return bool(self.check_in and self.check_in.stopped)


@dataclass(frozen=True)
class AfterIndependence:
    """What the network page and the check-in page show: one row per year the programme
    asks about, the one open now, and whether the network stopped."""

    years: list[CheckInYear]
    current_year: int | None  # the year a check-in recorded today belongs to (None: past N)
    stopped: CheckIn | None  # the check-in that said so
    missing: list[CheckInYear]  # years whose due date passed without a check-in

    @property
    def open_year(self) -> int | None:
        """This year, while its check-in is not recorded: the one a check-in today records."""
        recorded = {row.year for row in self.years if row.check_in}
        return self.current_year if self.current_year not in recorded else None


def after_independence(network: Network, today: datetime.date | None = None) -> AfterIndependence:
    """One query: the network's check-ins."""
    today = today or timezone.localdate()
    by_year = {c.year: c for c in network.check_ins.select_related("recorded_by")}
    years = [CheckInYear(y, check_in_due_on(network, y), by_year.get(y)) for y in
             check_in_years(network)]  # fmt: skip
    current = year_after_handover(network, today)
    stopped = next((c for y, c in sorted(by_year.items()) if c.stopped), None)
    return AfterIndependence(
        years=years,
        current_year=current if current in check_in_years(network) else None,
        stopped=stopped,
        missing=[y for y in years if y.check_in is None and y.due < today],
    )


# --- the programme indicator ----------------------------------------------------------------


@dataclass(frozen=True)
class StillRunning:
    years: int  # N: the programme's check-in years (the largest among the selected networks)
    handed_over: int  # networks handed over N years or more before the date
    running: int  # of them, those whose year-N check-in says they still run
    stopped: int  # those a check-in (any year) says stopped, or that were dissolved
    unknown: int  # those without a year-N check-in that did not stop


def still_running(networks: QuerySet[Network], on: datetime.date) -> StillRunning:
    """Of the networks handed over N years or more before `on` (N: each programme's setting),
    how many still run by their year-N check-in. One query."""
    check_ins = CheckIn.objects.filter(network=OuterRef("pk"), date__lte=on)
    handed = list(
        networks.filter(handed_over_on__isnull=False)
        .annotate(
            said_running=Exists(
                check_ins.filter(year=OuterRef("programme__check_in_years"), stopped=False)
            ),
            said_stopped=Exists(check_ins.filter(stopped=True)),
        )
        .select_related("programme")
        .only("pk", "phase", "handed_over_on", "programme__check_in_years")
        .order_by()
    )
    old_enough = [
        n for n in handed if add_months(n.handed_over_on, 12 * n.programme.check_in_years) <= on
    ]
    years = max((n.programme.check_in_years for n in handed), default=3)
    stopped = [n for n in old_enough if n.phase == Network.Phase.DISSOLVED or n.said_stopped]
    running = [n for n in old_enough if n not in stopped and n.said_running]
    unknown = len(old_enough) - len(stopped) - len(running)
    return StillRunning(years, len(old_enough), len(running), len(stopped), unknown)


# --- the events of the product's rules (the hook for notifications) -------------------------


@dataclass(frozen=True)
class RuleEvent:
    """Something the rules of issue 18 found that someone should hear about."""

    code: str  # "handover_overdue", "below_minimum", "stopped", "check_in_missing"
    network: Network
    since: datetime.date  # when it began: the due date passed, the check-in said so...


def rule_events(networks: QuerySet[Network], today: datetime.date | None = None) -> list[RuleEvent]:
    """Every event the rules find among `networks` today, oldest first: overdue handovers
    (consolidation past its due date), networks in consolidation below the programme's
    minimum, networks in independence that stopped or whose yearly check-in is missing.

    The dashboards show these as risk reasons; a notification job may call this and tell the
    agency (and the facilitator) about the events it has not told yet. Three queries.
    (A member refused at the cap is not an event of this list: `services.lifecycle
    .membership_add` refuses it with MEMBER_CAP_REACHED at the moment it is asked.)
    """
    from networks.selectors.sql import active_member_count

    today = today or timezone.localdate()
    events = []
    consolidating = (
        networks.filter(phase=Network.Phase.CONSOLIDATION)
        .select_related("programme")
        .annotate(active=active_member_count())
    )
    for network in consolidating:
        if network.handover_due and network.handover_due < today:
            events.append(RuleEvent("handover_overdue", network, network.handover_due))
        if network.active < network.programme.min_firms:
            # When the last firm left is not what counts: the network is below it today.
            events.append(RuleEvent("below_minimum", network, today))
    events += independence_events(networks, today)
    return sorted(events, key=lambda e: (e.since, e.network.pk, e.code))


def independence_events(networks: QuerySet[Network], today: datetime.date) -> list[RuleEvent]:
    """The networks in independence that stopped, or whose yearly check-in is overdue (the
    first missing year only). Two queries."""
    events = []
    independent = list(
        networks.filter(phase=Network.Phase.INDEPENDENCE, handed_over_on__isnull=False)
        .select_related("programme")
        .order_by("pk")
    )
    check_ins: dict[int, dict[int, CheckIn]] = {}
    for check_in in CheckIn.objects.filter(network__in=[n.pk for n in independent]):
        check_ins.setdefault(check_in.network_id, {})[check_in.year] = check_in
    for network in independent:
        rows = check_ins.get(network.pk, {})
        stopped = [c for _year, c in sorted(rows.items()) if c.stopped]
        if stopped:
            events.append(RuleEvent("stopped", network, stopped[0].date))
            continue
        for year in check_in_years(network):
            due = check_in_due_on(network, year)
            if due < today and year not in rows:
                events.append(RuleEvent("check_in_missing", network, due))
                break
    return events


def check_in_initial(network: Network, today: datetime.date) -> dict:
    """What the check-in form starts from: today, the active members, and the joint actions
    begun in the twelve months after the handover's last anniversary (two queries)."""
    from networks.models import JointAction, Membership

    year = year_after_handover(network, today)
    since = add_months(network.handed_over_on, 12 * (year - 1))
    return {
        "date": today,
        "members": Membership.objects.filter(network=network, left_on__isnull=True).count(),
        "joint_actions": JointAction.objects.filter(
            network=network, start_date__gte=since, start_date__lte=today
        ).count(),
        "still_meeting": True,
        "manager_paid": True,
    }
