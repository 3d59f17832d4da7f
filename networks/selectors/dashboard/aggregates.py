"""The dashboards' figures, each over every network of the scope at once: activities, joint
actions, arrears, drift, attendance, and the agency's cached totals."""

import datetime
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, DateField, Exists, Max, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import (
    Activity,
    Attendance,
    Due,
    JointAction,
    JointActionParticipant,
    Membership,
    Network,
    Payment,
    Programme,
    ServiceUptake,
)
from networks.rules import (
    DRIFT_DAYS,
    PARTICIPATION_WINDOW_MONTHS,
    READINESS_WINDOW_MONTHS,
    RECENT_DAYS,
    UPTAKE_REACHED,
    arrears_cutoff,
)
from networks.selectors.dashboard.facts import NetworkFacts
from networks.selectors.sql import (
    latest_subquery,
    scope_sql,
    table_name,
)

# --- the participation window: each network's programme's, known from the facts ------------


def participation_windows(facts: dict[int, NetworkFacts]) -> dict[int, int]:
    """Network id -> the months of its programme's participation window."""
    return {pk: item.network.programme.participation_window_months for pk, item in facts.items()}


def window_starts(today, windows: dict[int, int], *, times: int = 1) -> dict:
    """The first day before each window (`times` windows back), with its networks. An agency
    runs a handful of programmes, most with the default window: usually one day for all."""
    starts = defaultdict(list)
    for network_id, months in windows.items():
        starts[add_months(today, -months * times)].append(network_id)
    return dict(starts) or {add_months(today, -PARTICIPATION_WINDOW_MONTHS * times): []}


def _window_expression(starts: dict):
    """`window_starts` for the ORM: the day itself when there is one (as before the setting)."""
    *others, (last, _ids) = sorted(starts.items())
    if not others:
        return Value(last)
    whens = [When(network_id__in=ids, then=Value(day)) for day, ids in others]
    return Case(*whens, default=Value(last), output_field=DateField())


def _window_sql(starts: dict, column: str = "act.network_id") -> tuple[str, list]:
    """`window_starts` for a raw query."""
    *others, (last, _ids) = sorted(starts.items())
    if not others:
        return "%s", [last]
    sql, params = "", []
    for day, ids in others:
        sql += f" WHEN {column} IN ({', '.join(['%s'] * len(ids))}) THEN %s"
        params += [*ids, day]
    return f"(CASE{sql} ELSE %s END)", [*params, last]


def activity_figures(scope, today: datetime.date, windows: dict[int, int]) -> dict[int, dict]:
    """Per network: the last activity held, how many in all, in 90 days, in its programme's
    participation window (`windows`: participation_windows), and since readiness's window
    began (six months ago, or the term's start when later: selectors.term.readiness's rule)."""
    window_from = _window_expression(window_starts(today, windows))
    six_months_ago = add_months(today, -READINESS_WINDOW_MONTHS)
    readiness_from = Greatest(
        Coalesce("network__term_start", Value(six_months_ago)), Value(six_months_ago)
    )
    rows = (
        Activity.objects.filter(network__in=scope, date__lte=today)
        .values("network_id")
        .annotate(
            last_activity=Max("date"),
            activities_total=Count("pk"),
            activities_90d=Count(
                "pk", filter=Q(date__gt=today - datetime.timedelta(days=RECENT_DAYS))
            ),
            activities_6m=Count("pk", filter=Q(date__gt=window_from)),
            readiness_activities=Count("pk", filter=Q(date__gt=readiness_from)),
        )
        .order_by()
    )
    return {row.pop("network_id"): row for row in rows}


def apply_figures(facts: dict[int, NetworkFacts], figures: dict[int, dict]) -> None:
    for network_id, values in figures.items():
        item = facts.get(network_id)
        if item is not None:
            for name, value in values.items():
                setattr(item, name, value)


def joint_action_figures(scope) -> dict[int, dict]:
    """Per network: the joint actions done and their money value (in the programme's currency)."""
    rows = (
        JointAction.objects.filter(network__in=scope, status=JointAction.Status.DONE)
        .values("network_id", "network__programme__currency")
        .annotate(joint_actions_done=Count("pk"), joint_actions_value=Sum("value"))
        .order_by()
    )
    return {
        row.pop("network_id"): {
            "currency": row["network__programme__currency"],
            "joint_actions_done": row["joint_actions_done"],
            "joint_actions_value": row["joint_actions_value"] or Decimal(0),
        }
        for row in rows
    }


def add_confirmations(facts: dict[int, NetworkFacts], scope) -> None:
    rows = (
        JointActionParticipant.objects.filter(
            joint_action__network__in=scope, confirmed_at__isnull=True
        )
        .exclude(joint_action__status=JointAction.Status.DROPPED)
        .values("joint_action__network_id")
        .annotate(n=Count("pk"), actions=Count("joint_action_id", distinct=True))
        .order_by()
    )
    for row in rows:
        item = facts.get(row["joint_action__network_id"])
        if item is not None:
            item.unconfirmed = row["n"]
            item.unconfirmed_actions = row["actions"]


def arrears_counts(scope, arrears_days, today: datetime.date) -> Counter:
    """Firms in arrears per network: their old dues exceed all they paid (payments settle the
    oldest dues first: selectors.term.Balance's rule).

    One query for every network: dues and payments are each summed per (network, firm) first,
    then compared; each network's old dues by its own programme's limit."""
    days = sorted(set(arrears_days))
    if not days:
        return Counter()
    scope_query, scope_params = scope_sql(scope)
    old = " OR ".join("(p.arrears_days = %s AND d.month <= %s)" for _days in days)
    old_params = [value for d in days for value in (d, arrears_cutoff(d, today))]
    sql = f"""
        SELECT owed.network_id, COUNT(*)
        FROM (
            SELECT d.network_id, d.firm_id, SUM(CASE WHEN {old} THEN d.amount ELSE 0 END) AS old
            FROM {table_name(Due)} d
            JOIN {table_name(Network)} n ON n.id = d.network_id
            JOIN {table_name(Programme)} p ON p.id = n.programme_id
            WHERE d.network_id IN ({scope_query})
            GROUP BY d.network_id, d.firm_id
        ) owed
        LEFT JOIN (
            SELECT network_id, firm_id, SUM(amount) AS paid
            FROM {table_name(Payment)}
            WHERE network_id IN ({scope_query})
            GROUP BY network_id, firm_id
        ) paid ON paid.network_id = owed.network_id AND paid.firm_id = owed.firm_id
        WHERE owed.old > COALESCE(paid.paid, 0)
        GROUP BY owed.network_id
    """  # noqa: S608 -- table names come from the models; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*old_params, *scope_params, *scope_params])
        return Counter(dict(cursor.fetchall()))


def add_arrears(facts: dict[int, NetworkFacts], scope, today: datetime.date) -> None:
    days = {item.network.programme.arrears_days for item in facts.values()}
    for network_id, count in arrears_counts(scope, days, today).items():
        if network_id in facts:
            facts[network_id].in_arrears = count


def add_drifting(facts: dict[int, NetworkFacts], scope, today: datetime.date) -> None:
    """selectors.progress's drifting members (no attendance and no joint action in 90 days,
    members for at least that long), with their last participation, in one query."""
    drift_from = today - datetime.timedelta(days=DRIFT_DAYS)
    attended = Attendance.objects.filter(
        firm=OuterRef("firm"), activity__network=OuterRef("network"), activity__date__lte=today
    )
    joint = (
        JointActionParticipant.objects.exclude(joint_action__status=JointAction.Status.DROPPED)
        .filter(firm=OuterRef("firm"), joint_action__network=OuterRef("network"))
        .annotate(day=Coalesce("joint_action__start_date", TruncDate("joint_action__created_at")))
        .filter(day__lte=today)
    )
    # NOT EXISTS picks the drifting members; the latest dates are then read for them only.
    rows = (
        Membership.objects.filter(
            network__in=scope, left_on__isnull=True, joined_on__lte=drift_from
        )
        .filter(~Exists(attended.filter(activity__date__gte=drift_from)))
        .filter(~Exists(joint.filter(day__gte=drift_from)))
        .annotate(
            last_attended=latest_subquery(attended, "activity__date"),
            last_joint=latest_subquery(joint, "day"),
        )
        .order_by()
        .values_list("network_id", "last_attended", "last_joint")
    )
    for network_id, last_attended, last_joint in rows:
        item = facts.get(network_id)
        if item is None:
            continue
        item.drifting += 1
        for day in (last_attended, last_joint):
            if day is not None and (item.drifting_since is None or day > item.drifting_since):
                item.drifting_since = day


MASK_BITS = 62  # activities per bigint: a sum of distinct powers of two below 2**62 fits
TIES_BEFORE_CACHE = "dashboard:ties-before:v1:{day}:{scope}"


def _ties_before_key(network_ids: list[int], today: datetime.date, windows: dict) -> str:
    # With the windows: a programme whose window changed today has other pairs before.
    scope = ",".join(f"{pk}:{windows.get(pk, '')}" for pk in sorted(network_ids))
    digest = hashlib.sha256(scope.encode()).hexdigest()
    return TIES_BEFORE_CACHE.format(day=today.isoformat(), scope=digest)


def attendance_figures(
    network_ids: list[int], scope, today: datetime.date, windows: dict[int, int], *,
    ties_before: bool = False,
) -> dict[int, dict]:  # fmt: skip
    """Per network, in one query: the attendance of today's active members over its programme's
    participation window (six months by default), the distinct pairs of firms that attended an
    activity together in that window and, with `ties_before`, in the window before.

    A self-join of attendance would make one row per pair of attendees of every activity
    (millions for an agency); instead each firm gets a bit mask of the activities it attended,
    numbered within its network and half-year, and two firms are tied when their masks share a
    bit. The database returns one row per firm, half-year and 62 activities; Python pairs them.
    The masks are sums of distinct powers of two (a firm attends an activity once), which keeps
    the query portable: no BIT_OR aggregate needed.

    The half-year before is history: its pairs are kept in the cache for the day, so that only
    the first reading of the day scans a whole year of attendance."""
    half_sql, half_params = _window_sql(window_starts(today, windows))
    figures = {pk: {"attended_6m": 0, "pairs_recent": 0} for pk in network_ids}
    key = _ties_before_key(network_ids, today, windows) if ties_before else None
    cached = cache.get(key) if key else None
    starts = window_starts(today, windows, times=2 if key and cached is None else 1)
    # With one window for the whole scope (the usual case) the query is a plain date range.
    start_sql, start_params = _window_sql(starts) if len(starts) > 1 else ("", [])
    per_network = f" AND act.date > {start_sql}" if start_sql else ""
    scope_query, scope_params = scope_sql(scope)
    half = f"CASE WHEN act.date > {half_sql} THEN 1 ELSE 0 END"
    sql = f"""
        WITH acts AS (
            SELECT act.id AS activity_id, act.network_id AS network_id, {half} AS recent,
                   ROW_NUMBER() OVER (PARTITION BY act.network_id, {half} ORDER BY act.id) - 1
                       AS position
            FROM {table_name(Activity)} act
            WHERE act.date > %s{per_network} AND act.date <= %s
                AND act.network_id IN ({scope_query})
        )
        SELECT acts.network_id, acts.recent, att.firm_id,
               CASE WHEN m.id IS NULL THEN 0 ELSE 1 END AS member,
               acts.position / {MASK_BITS} AS chunk,
               CAST(SUM(CAST(1 AS BIGINT) << CAST(acts.position %% {MASK_BITS} AS INTEGER))
                    AS BIGINT) AS mask
        FROM acts
        JOIN {table_name(Attendance)} att ON att.activity_id = acts.activity_id
        LEFT JOIN {table_name(Membership)} m
            ON m.network_id = acts.network_id AND m.firm_id = att.firm_id AND m.left_on IS NULL
        GROUP BY acts.network_id, acts.recent, att.firm_id, m.id, acts.position / {MASK_BITS}
    """  # noqa: S608 -- table names come from the models; every value is a parameter
    earliest = min(starts)  # a bound the date index can use, whatever the windows
    params = [*half_params, *half_params, earliest, *start_params, today, *scope_params]
    masks: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for network_id, recent, firm_id, member, chunk, mask in cursor.fetchall():
            masks[(network_id, recent)][firm_id] |= mask << (MASK_BITS * chunk)
            if network_id in figures and recent and member:
                figures[network_id]["attended_6m"] += mask.bit_count()
    before = {}
    for (network_id, recent), by_firm in masks.items():
        firms = list(by_firm.values())
        pairs = sum(
            1
            for index, first in enumerate(firms)
            for second in firms[index + 1 :]
            if first & second
        )
        if recent and network_id in figures:
            figures[network_id]["pairs_recent"] = pairs
        elif not recent:
            before[network_id] = pairs
    if key is None:
        return figures
    if cached is None:
        cache.set(key, before, timeout=24 * 60 * 60)
        cached = before
    for network_id, pairs in cached.items():
        if network_id in figures:
            figures[network_id]["pairs_before"] = pairs
    return figures


@dataclass
class AgencyFigures:
    """The agency home's heavy aggregates: every activity, attendance, joint action, due and
    payment of the agency's networks. Plain values, kept in the shared cache."""

    running: frozenset[int]  # the networks in consolidation they were computed for
    activities: dict[int, dict]
    joint_actions: dict[int, dict]
    attendance: dict[int, dict]
    arrears: Counter
    firms_reached: int
    uptakes_this_year: int
    as_of: datetime.datetime


# v2: AgencyFigures moved module (selectors.dashboard.aggregates), so v1 entries would not unpickle.
AGENCY_FIGURES_CACHE = "dashboard:agency-figures:v2:{agency}:{day}"


def agency_figures(user, every, facts: dict[int, NetworkFacts], today) -> AgencyFigures:
    """The aggregates of agency_dashboard, read from the cache when they are recent enough.

    Computing them reads a year of attendance and every due and payment of the agency (about a
    second for 500 networks: docs/performance.md), so they are kept in the shared cache for
    settings.DASHBOARD_FIGURES_SECONDS and the page says how old they are. What an officer
    acts on stays live: the phases, the applications waiting, which networks are running and
    their members. A network that started running since the figures were computed makes them
    be computed again at once."""
    key = AGENCY_FIGURES_CACHE.format(agency=user.agency_id, day=today.isoformat())
    figures = cache.get(key)
    if figures is not None and set(facts) <= figures.running:
        return figures
    running = list(facts)
    days = {item.network.programme.arrears_days for item in facts.values()}
    windows = participation_windows(facts)
    figures = AgencyFigures(
        running=frozenset(running),
        activities=activity_figures(every, today, windows),
        joint_actions=joint_action_figures(every),
        attendance=(
            attendance_figures(running, running, today, windows, ties_before=True)
            if running
            else {}
        ),
        arrears=arrears_counts(running, days, today) if running else Counter(),
        firms_reached=Membership.objects.filter(network__in=every).aggregate(
            n=Count("firm_id", distinct=True)
        )["n"],
        uptakes_this_year=ServiceUptake.objects.filter(
            network__in=every,
            status__in=UPTAKE_REACHED,
            date__gte=datetime.date(today.year, 1, 1),
            date__lte=datetime.date(today.year, 12, 31),
        ).count(),
        as_of=timezone.now(),
    )
    cache.set(key, figures, settings.DASHBOARD_FIGURES_SECONDS)
    return figures
