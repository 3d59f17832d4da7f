"""Reads for the three home pages and GET /api/v1/dashboard/: what needs each user now.

Every figure comes from aggregate queries over all of the user's networks at once (GROUP BY
network, or one correlated subquery per network row), never from a query per network: a home
page runs the same number of queries for one network as for a thousand (the tests pin them).
The rules are those of the network pages (selectors_term's arrears and readiness,
selectors_progress's drifting firms, services.lifecycle.submit_checklist), restated as SQL; the
tests check that both give the same answers. One figure is the dashboards' own: the attendance
rate is the network's pooled rate, attended / (activities x active members) over the last six
months, where the participation page averages each firm's own rate.

Cached: the pairs of firms tied in the half-year before the last one (history, read once a day),
which the agency's "density falling" compares with the last half-year's; and the agency home's
aggregates over every activity, attendance, due and payment, for a few minutes
(agency_figures).
"""

import datetime
import functools
import hashlib
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from networks import access, selectors, selectors_term
from networks.lib import graph
from networks.lib.dates import add_months, months_between
from networks.models import (
    Activity,
    Application,
    Attendance,
    Diagnosis,
    Due,
    Evaluation,
    Goal,
    Handover,
    HandoverCommitment,
    JointAction,
    JointActionParticipant,
    Membership,
    Network,
    Payment,
    Programme,
    ServiceUptake,
    User,
)
from networks.rules import (
    DRIFT_DAYS,
    HANDOVER_AHEAD_MONTHS,
    JOINT_ACTION_PHASES,
    MEDIUM_MONTHS,
    PARTICIPATION_WINDOW_MONTHS,
    QUIET_DAYS,
    RECENT_DAYS,
    RISK_PARTICIPATION,
    RISK_QUIET_DAYS,
    SHORT_MONTHS,
    UPTAKE_REACHED,
    arrears_cutoff,
    joint_actions_open,
)

APPROVALS_SHOWN = 5
FIRM_RECENT_DAYS = 60
FIRM_ROWS_SHOWN = 10

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
READINESS_KEYS = ("members", "arrears", "activity", "joint_action", "evaluation", "commitments")


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated subquery: one number per outer row, no GROUP BY outside."""
    counted = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _latest(queryset: QuerySet, field_name: str) -> Subquery:
    """MAX(field) of a correlated subquery, or NULL."""
    latest = queryset.order_by().values(d=Func(F(field_name), function="MAX"))[:1]
    return Subquery(latest, output_field=DateField())


def _old_dues(arrears_days, today: datetime.date) -> Q:
    """Dues old enough to be arrears, each network by its own programme's limit (one condition
    per distinct limit: an agency has a handful of programmes, not one per network)."""
    conditions = [
        Q(network__programme__arrears_days=days, month__lte=arrears_cutoff(days, today))
        for days in sorted(set(arrears_days))
    ]
    return functools.reduce(operator.or_, conditions)


# --- the facts about each network -----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One thing to do (or to know) next, in words, with the page where it is done."""

    code: str
    text: str
    url: str


@dataclass(frozen=True)
class Reason:
    """Why a network is at risk."""

    code: str
    text: str


@dataclass
class NetworkFacts:
    """What the home pages show about one network, read in aggregate with its neighbours."""

    network: Network
    today: datetime.date
    member_count: int = 0
    members_half_year_ago: int = 0
    last_activity: datetime.date | None = None
    activities_total: int = 0
    activities_90d: int = 0
    activities_6m: int = 0
    readiness_activities: int = 0
    attended_6m: int = 0
    joint_actions_done: int = 0
    joint_actions_value: Decimal = Decimal(0)
    unconfirmed: int = 0  # participants who have not confirmed, in joint actions not dropped
    unconfirmed_actions: int = 0  # the joint actions they belong to
    last_evaluation: datetime.date | None = None
    commitments: Decimal | None = None
    in_arrears: int = 0
    drifting: int = 0
    drifting_since: datetime.date | None = None  # the latest participation of any of them
    checklist_unmet: int | None = None  # preparation only
    pairs_before: int = 0  # distinct pairs of co-attending firms, the previous 6 months
    pairs_recent: int = 0  # the same, the last 6 months

    # -- the term --

    @property
    def clock(self) -> selectors_term.Clock:
        return selectors_term.clock(self.network, self.today)

    @property
    def warning(self) -> str:
        return selectors_term.warning(self.network, self.today)

    @property
    def application(self) -> Application | None:
        try:
            return self.network.application
        except ObjectDoesNotExist:
            return None

    @property
    def waiting_days(self) -> int | None:
        application = self.application
        if application is None or application.status != Application.Status.SUBMITTED:
            return None
        return selectors.waiting_days(application, self.today)

    # -- participation --

    @property
    def participation_rate(self) -> float | None:
        """Attended / (activities x active members) over the last six months."""
        possible = self.activities_6m * self.member_count
        return self.attended_6m / possible if possible else None

    @property
    def participation_percent(self) -> int | None:
        rate = self.participation_rate
        return None if rate is None else round(rate * 100)

    @property
    def density_before(self) -> float:
        return graph.density(self.members_half_year_ago, self.pairs_before)

    @property
    def density_recent(self) -> float:
        return graph.density(self.member_count, self.pairs_recent)

    @property
    def density_falling(self) -> bool:
        return self.pairs_before > 0 and self.density_recent < self.density_before

    # -- readiness (selectors_term.readiness's six items) --

    @property
    def readiness_months(self) -> int:
        six_months_ago = add_months(self.today, -PARTICIPATION_WINDOW_MONTHS)
        start = max(six_months_ago, self.network.term_start or six_months_ago)
        return max(1, months_between(start, self.today) or 1)

    @property
    def readiness(self) -> dict[str, bool]:
        year_ago = add_months(self.today, -12)
        return {
            "members": self.member_count >= self.network.programme.min_firms,
            "arrears": self.in_arrears == 0,
            "activity": self.readiness_activities >= self.readiness_months,
            "joint_action": self.joint_actions_done > 0,
            "evaluation": bool(self.last_evaluation and self.last_evaluation >= year_ago),
            "commitments": self.commitments == Decimal(100),
        }

    @property
    def readiness_score(self) -> int:
        return sum(1 for met in self.readiness.values() if met)

    @property
    def readiness_total(self) -> int:
        return len(READINESS_KEYS)

    @property
    def shows_readiness(self) -> bool:
        return self.network.phase == Network.Phase.CONSOLIDATION

    @property
    def is_running(self) -> bool:
        """Activities, joint actions and dues happen in consolidation and independence."""
        return joint_actions_open(self.network)

    # -- what to do next --

    @property
    def next_steps(self) -> list[Step]:
        if self.network.phase == Network.Phase.PREPARATION:
            return self._preparation_steps()
        if self.is_running:
            return self._running_steps()
        return []

    def _url(self, name: str) -> str:
        return reverse(f"networks:{name}", args=[self.network.pk])

    def _preparation_steps(self) -> list[Step]:
        application = self.application
        status = application.status if application else Application.Status.DRAFT
        unmet = self.checklist_unmet or 0
        url = self._url("network-application")
        if status == Application.Status.SUBMITTED:
            days = self.waiting_days or 0
            text = ngettext(
                "Waiting for the agency's decision (%(days)s day)",
                "Waiting for the agency's decision (%(days)s days)",
                days,
            ) % {"days": days}
            return [Step("waiting_decision", text, url)]
        if status == Application.Status.APPROVED:
            return [Step("waiting_manager", _("Approved: the agency appoints the manager"), url)]
        if status == Application.Status.REJECTED:
            return [Step("rejected", _("The application was rejected"), url)]
        if unmet:
            text = ngettext(
                "Submit the application: %(count)s condition unmet",
                "Submit the application: %(count)s conditions unmet",
                unmet,
            ) % {"count": unmet}
        else:
            text = _("Submit the application: every condition is met")
        if status == Application.Status.RETURNED:
            text = _("Returned for changes. %(next)s") % {"next": text}
        return [Step("submit", text, url)]

    def _running_steps(self) -> list[Step]:
        steps = []
        clock = self.clock
        if self.network.phase == Network.Phase.CONSOLIDATION and self.warning:
            readiness = {"score": self.readiness_score, "total": self.readiness_total}
            if clock.overdue:
                text = ngettext(
                    "Handover %(days)s day overdue: readiness %(score)s/%(total)s",
                    "Handover %(days)s days overdue: readiness %(score)s/%(total)s",
                    clock.days_overdue,
                ) % {"days": clock.days_overdue, **readiness}
            else:
                text = ngettext(
                    "Handover due in %(days)s day: readiness %(score)s/%(total)s",
                    "Handover due in %(days)s days: readiness %(score)s/%(total)s",
                    clock.days_left,
                ) % {"days": clock.days_left, **readiness}
            steps.append(Step("handover", text, self._url("network-detail") + "#term-heading"))
        if self.in_arrears:
            text = ngettext(
                "%(count)s firm is in arrears", "%(count)s firms are in arrears", self.in_arrears
            ) % {"count": self.in_arrears}
            steps.append(Step("arrears", text, self._url("network-ledger")))
        if self.unconfirmed_actions:
            text = ngettext(
                "%(count)s joint action waits for confirmation",
                "%(count)s joint actions wait for confirmation",
                self.unconfirmed_actions,
            ) % {"count": self.unconfirmed_actions}
            steps.append(Step("confirmations", text, self._url("joint-action-list")))
        if self.drifting:
            steps.append(
                Step("drifting", self._drifting_text(), self._url("network-participation"))
            )
        quiet_since = self.today - datetime.timedelta(days=QUIET_DAYS)
        if self.last_activity is None or self.last_activity < quiet_since:
            steps.append(
                Step("log_activity", _("Log this month's activity"), self._url("activity-create"))
            )
        minimum = self.network.programme.min_firms
        if self.network.phase == Network.Phase.CONSOLIDATION and self.member_count < minimum:
            text = _("%(count)s active members: the programme asks for at least %(min)s") % {
                "count": self.member_count,
                "min": minimum,
            }
            steps.append(Step("members", text, self._url("network-members")))
        return steps

    def _drifting_text(self) -> str:
        since = self.drifting_since
        if since is None:
            return ngettext(
                "%(count)s firm has not taken part in anything yet",
                "%(count)s firms have not taken part in anything yet",
                self.drifting,
            ) % {"count": self.drifting}
        month = date_format(since, "F" if since.year == self.today.year else "YEAR_MONTH_FORMAT")
        return ngettext(
            "%(count)s firm has not taken part since %(month)s",
            "%(count)s firms have not taken part since %(month)s",
            self.drifting,
        ) % {"count": self.drifting, "month": month}

    # -- why the agency should look at it --

    @property
    def risk_reasons(self) -> list[Reason]:
        """Only for networks in consolidation: the agency is paying for them now."""
        if self.network.phase != Network.Phase.CONSOLIDATION:
            return []
        reasons = []
        quiet_since = self.today - datetime.timedelta(days=RISK_QUIET_DAYS)
        started = self.network.term_start
        # A network whose term began less than 60 days ago has not had the time to be quiet.
        if (started is None or started <= quiet_since) and (
            self.last_activity is None or self.last_activity < quiet_since
        ):
            if self.last_activity is None:
                text = _("No activity logged yet")
            else:
                text = _("No activity since %(date)s") % {"date": date_format(self.last_activity)}
            reasons.append(Reason("no_activity", text))
        minimum = self.network.programme.min_firms
        if self.member_count < minimum:
            reasons.append(
                Reason(
                    "below_minimum",
                    _("%(count)s active members, under the programme's minimum of %(min)s")
                    % {"count": self.member_count, "min": minimum},
                )
            )
        if self.in_arrears:
            reasons.append(
                Reason(
                    "arrears",
                    ngettext(
                        "%(count)s firm in arrears", "%(count)s firms in arrears", self.in_arrears
                    )
                    % {"count": self.in_arrears},
                )
            )
        rate = self.participation_rate
        if rate is not None and rate < RISK_PARTICIPATION:
            reasons.append(
                Reason(
                    "low_participation",
                    _("Attendance %(percent)s%% over the last 6 months")
                    % {"percent": self.participation_percent},
                )
            )
        if self.density_falling:
            reasons.append(
                Reason(
                    "density_falling",
                    _(
                        "Fewer ties between the firms: density %(recent)s%% in the last 6 months, "
                        "%(before)s%% in the 6 months before"
                    )
                    % {
                        "recent": round(self.density_recent * 100),
                        "before": round(self.density_before * 100),
                    },
                )
            )
        return reasons


# --- aggregate queries, each over every network of the scope at once --------------------------


def _annotated(networks: QuerySet[Network], today: datetime.date, *, checklist: bool):
    """The networks with what one correlated subquery per row gives: member counts, the latest
    evaluation, the handover commitments and, for the application, the checklist's facts."""
    net = OuterRef("pk")
    half_year_ago = add_months(today, -PARTICIPATION_WINDOW_MONTHS)
    memberships = Membership.objects.filter(network=net)
    handover = Handover.objects.filter(
        network=OuterRef(net), status__in=[Handover.Status.PROPOSED, Handover.Status.CONFIRMED]
    ).order_by("-proposed_at", "-pk")
    commitments = (
        HandoverCommitment.objects.filter(handover=Subquery(handover.values("pk")[:1]))
        .order_by()
        .values(total=Func(F("share_percent"), function="SUM"))[:1]
    )
    annotations = {
        "member_count": _count(memberships.filter(left_on__isnull=True)),
        "members_half_year_ago": _count(
            memberships.filter(joined_on__lte=half_year_ago).filter(
                Q(left_on__isnull=True) | Q(left_on__gt=half_year_ago)
            )
        ),
        "last_evaluation": _latest(Evaluation.objects.filter(network=net), "date"),
        "commitments": Subquery(
            commitments, output_field=DecimalField(max_digits=8, decimal_places=3)
        ),
    }
    if checklist:
        goal = Goal.objects.filter(
            network=net, indicator__regex=r"\S", baseline__isnull=False, target__isnull=False,
            due_date__gte=today,
        )  # fmt: skip
        annotations |= {
            "has_short_goal": Exists(
                goal.filter(
                    horizon=Goal.Horizon.SHORT, due_date__lte=add_months(today, SHORT_MONTHS)
                )
            ),
            "has_medium_goal": Exists(
                goal.filter(
                    horizon=Goal.Horizon.MEDIUM, due_date__lte=add_months(today, MEDIUM_MONTHS)
                )
            ),
            "diagnosis_complete": Exists(
                Diagnosis.objects.filter(
                    network=net,
                    problems__regex=r"\S",
                    opportunities__regex=r"\S",
                    collaboration_basis__regex=r"\S",
                )
            ),
        }
    # The application matters in preparation only (the checklist's networks).
    related = (
        ("programme", "facilitator", "application") if checklist else ("programme", "facilitator")
    )
    return networks.select_related(*related).annotate(**annotations)


def _facts(network: Network, today: datetime.date) -> NetworkFacts:
    facts = NetworkFacts(
        network=network,
        today=today,
        member_count=network.member_count,
        members_half_year_ago=network.members_half_year_ago,
        last_evaluation=network.last_evaluation,
        commitments=network.commitments,
    )
    if hasattr(network, "has_short_goal"):
        programme = network.programme
        facts.checklist_unmet = [
            programme.min_firms <= network.member_count <= programme.max_firms,
            network.diagnosis_complete,
            network.has_short_goal,
            network.has_medium_goal,
        ].count(False)
    return facts


def activity_figures(scope, today: datetime.date) -> dict[int, dict]:
    """Per network: the last activity held, how many in all, in 90 days, in six months, and
    since readiness's window began (six months ago, or the term's start when later)."""
    half_year_ago = add_months(today, -PARTICIPATION_WINDOW_MONTHS)
    readiness_from = Greatest(
        Coalesce("network__term_start", Value(half_year_ago)), Value(half_year_ago)
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
            activities_6m=Count("pk", filter=Q(date__gt=half_year_ago)),
            readiness_activities=Count("pk", filter=Q(date__gt=readiness_from)),
        )
        .order_by()
    )
    return {row.pop("network_id"): row for row in rows}


def _apply(facts: dict[int, NetworkFacts], figures: dict[int, dict]) -> None:
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


def _add_confirmations(facts: dict[int, NetworkFacts], scope) -> None:
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


def _scope_sql(scope) -> tuple[str, list]:
    """SQL (and its parameters) selecting the ids of the networks in `scope` (ids or a
    queryset), to put in a raw query's IN (...)."""
    sql, params = (
        Network.objects.filter(pk__in=scope).order_by().values("pk").query.sql_with_params()
    )
    return sql, list(params)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def arrears_counts(scope, arrears_days, today: datetime.date) -> Counter:
    """Firms in arrears per network: their old dues exceed all they paid (payments settle the
    oldest dues first: selectors_term.Balance's rule).

    One query for every network: dues and payments are each summed per (network, firm) first,
    then compared; each network's old dues by its own programme's limit."""
    days = sorted(set(arrears_days))
    if not days:
        return Counter()
    scope_sql, scope_params = _scope_sql(scope)
    old = " OR ".join("(p.arrears_days = %s AND d.month <= %s)" for _days in days)
    old_params = [value for d in days for value in (d, arrears_cutoff(d, today))]
    sql = f"""
        SELECT owed.network_id, COUNT(*)
        FROM (
            SELECT d.network_id, d.firm_id, SUM(CASE WHEN {old} THEN d.amount ELSE 0 END) AS old
            FROM {_table(Due)} d
            JOIN {_table(Network)} n ON n.id = d.network_id
            JOIN {_table(Programme)} p ON p.id = n.programme_id
            WHERE d.network_id IN ({scope_sql})
            GROUP BY d.network_id, d.firm_id
        ) owed
        LEFT JOIN (
            SELECT network_id, firm_id, SUM(amount) AS paid
            FROM {_table(Payment)}
            WHERE network_id IN ({scope_sql})
            GROUP BY network_id, firm_id
        ) paid ON paid.network_id = owed.network_id AND paid.firm_id = owed.firm_id
        WHERE owed.old > COALESCE(paid.paid, 0)
        GROUP BY owed.network_id
    """  # noqa: S608 -- table names come from the models; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*old_params, *scope_params, *scope_params])
        return Counter(dict(cursor.fetchall()))


def _add_arrears(facts: dict[int, NetworkFacts], scope, today: datetime.date) -> None:
    days = {item.network.programme.arrears_days for item in facts.values()}
    for network_id, count in arrears_counts(scope, days, today).items():
        if network_id in facts:
            facts[network_id].in_arrears = count


def _add_drifting(facts: dict[int, NetworkFacts], scope, today: datetime.date) -> None:
    """selectors_progress's drifting members (no attendance and no joint action in 90 days,
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
            last_attended=_latest(attended, "activity__date"), last_joint=_latest(joint, "day")
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


def _ties_before_key(network_ids: list[int], today: datetime.date) -> str:
    scope = hashlib.sha256(",".join(map(str, sorted(network_ids))).encode()).hexdigest()
    return TIES_BEFORE_CACHE.format(day=today.isoformat(), scope=scope)


def attendance_figures(
    network_ids: list[int], scope, today: datetime.date, *, ties_before: bool = False
) -> dict[int, dict]:
    """Per network, in one query: the attendance of today's active members over the last six
    months, the distinct pairs of firms that attended an activity together in those six months
    and, with `ties_before`, in the six months before.

    A self-join of attendance would make one row per pair of attendees of every activity
    (millions for an agency); instead each firm gets a bit mask of the activities it attended,
    numbered within its network and half-year, and two firms are tied when their masks share a
    bit. The database returns one row per firm, half-year and 62 activities; Python pairs them.
    The masks are sums of distinct powers of two (a firm attends an activity once), which keeps
    the query portable: no BIT_OR aggregate needed.

    The half-year before is history: its pairs are kept in the cache for the day, so that only
    the first reading of the day scans a whole year of attendance."""
    half_year_ago = add_months(today, -PARTICIPATION_WINDOW_MONTHS)
    figures = {pk: {"attended_6m": 0, "pairs_recent": 0} for pk in network_ids}
    key = _ties_before_key(network_ids, today) if ties_before else None
    cached = cache.get(key) if key else None
    start = (
        add_months(today, -2 * PARTICIPATION_WINDOW_MONTHS)
        if key and cached is None
        else half_year_ago
    )
    scope_sql, scope_params = _scope_sql(scope)
    half = "CASE WHEN act.date > %s THEN 1 ELSE 0 END"
    sql = f"""
        WITH acts AS (
            SELECT act.id AS activity_id, act.network_id AS network_id, {half} AS recent,
                   ROW_NUMBER() OVER (PARTITION BY act.network_id, {half} ORDER BY act.id) - 1
                       AS position
            FROM {_table(Activity)} act
            WHERE act.date > %s AND act.date <= %s AND act.network_id IN ({scope_sql})
        )
        SELECT acts.network_id, acts.recent, att.firm_id,
               CASE WHEN m.id IS NULL THEN 0 ELSE 1 END AS member,
               acts.position / {MASK_BITS} AS chunk,
               CAST(SUM(CAST(1 AS BIGINT) << CAST(acts.position %% {MASK_BITS} AS INTEGER))
                    AS BIGINT) AS mask
        FROM acts
        JOIN {_table(Attendance)} att ON att.activity_id = acts.activity_id
        LEFT JOIN {_table(Membership)} m
            ON m.network_id = acts.network_id AND m.firm_id = att.firm_id AND m.left_on IS NULL
        GROUP BY acts.network_id, acts.recent, att.firm_id, m.id, acts.position / {MASK_BITS}
    """  # noqa: S608 -- table names come from the models; every value is a parameter
    params = [half_year_ago, half_year_ago, start, today, *scope_params]
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
        _annotated(access.visible_networks(user), today, checklist=True).order_by("name", "pk")
    )
    facts = {n.pk: _facts(n, today) for n in networks if n.phase != Network.Phase.DISSOLVED}
    if facts:
        scope = list(facts)
        _apply(facts, activity_figures(scope, today))
        _apply(facts, attendance_figures(scope, scope, today))
        _apply(facts, _without_currency(joint_action_figures(scope)))
        _add_confirmations(facts, scope)
        _add_arrears(facts, scope, today)
        _add_drifting(facts, scope, today)
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
    figures_as_of: datetime.datetime | None = None  # when the cached aggregates were computed

    @property
    def handovers_ahead(self) -> list[NetworkFacts]:
        return self.overdue + self.handovers_due


def agency_dashboard(*, user, today: datetime.date | None = None) -> AgencyDashboard:
    """The agency's portfolio at a glance: networks by phase, the applications waiting, the
    handovers ahead, the networks at risk and why, and the totals.

    Ten queries whatever the number of networks: each is an aggregate over all of them."""
    today = today or timezone.localdate()
    agency_networks = access.visible_networks(user)
    every = agency_networks.values("pk")
    counts = dict(
        agency_networks.order_by().values("phase").annotate(n=Count("pk")).values_list("phase", "n")
    )
    by_phase = [(phase, label, counts.get(phase, 0)) for phase, label in Network.Phase.choices]

    queue = selectors.approvals_queue(user=user)
    approvals = list(queue[:APPROVALS_SHOWN])
    for application in approvals:
        application.waiting_days = selectors.waiting_days(application, today)
    approvals_count = queue.count()

    # At risk, handovers ahead: the networks in consolidation, which the agency pays for now.
    running = agency_networks.filter(phase=Network.Phase.CONSOLIDATION)
    facts = {
        n.pk: _facts(n, today)
        for n in _annotated(running, today, checklist=False).order_by("handover_due", "name")
    }
    figures = agency_figures(user, every, facts, today)
    _apply(facts, figures.activities)
    _apply(facts, _without_currency(figures.joint_actions))
    _apply(facts, figures.attendance)
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
    )


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


AGENCY_FIGURES_CACHE = "dashboard:agency-figures:v1:{agency}:{day}"


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
    figures = AgencyFigures(
        running=frozenset(running),
        activities=activity_figures(every, today),
        joint_actions=joint_action_figures(every),
        attendance=attendance_figures(running, running, today, ties_before=True) if running else {},
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


# --- a member firm's users ------------------------------------------------------------------


@dataclass
class FirmBalance:
    """The firm's own position in one network (selectors_term.Balance's rule)."""

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
    joint_actions: list[JointActionParticipant]  # the firm's latest participations
    balances: list[FirmBalance]


def firm_dashboard(*, user, today: datetime.date | None = None) -> FirmDashboard:
    """The firm's networks, their activities ahead and of the last 60 days, the joint actions
    that wait for the firm's confirmation, and what the firm owes: only the user's own firm's
    rows, never another firm's. Seven queries whatever the number of networks."""
    today = today or timezone.localdate()
    firm_id = user.firm_id if user.role == User.Role.FIRM_MEMBER else None
    own_active = Membership.objects.filter(
        network=OuterRef("pk"), firm_id=firm_id, left_on__isnull=True
    )
    networks = list(selectors.network_list(user=user).annotate(is_member=Exists(own_active)))
    member_of = [n.pk for n in networks if n.is_member]
    by_pk = {n.pk: n for n in networks}

    activities = Activity.objects.filter(network__in=member_of).select_related("type")
    upcoming = list(activities.filter(date__gte=today).order_by("date", "pk")[:FIRM_ROWS_SHOWN])
    since = today - datetime.timedelta(days=FIRM_RECENT_DAYS)
    recent = list(
        activities.filter(date__gte=since, date__lt=today)
        .annotate(
            attended=Exists(Attendance.objects.filter(activity=OuterRef("pk"), firm_id=firm_id))
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

    return FirmDashboard(
        firm_id=firm_id,
        networks=networks,
        upcoming=upcoming,
        recent=recent,
        waiting=waiting,
        joint_actions=latest,
        balances=_firm_balances(firm_id, networks, today),
    )


def _firm_balances(firm_id, networks: list[Network], today: datetime.date) -> list[FirmBalance]:
    """Owed, paid, balance and arrears of one firm in each of its networks (two queries)."""
    if firm_id is None or not networks:
        return []
    ids = [n.pk for n in networks]
    old = _old_dues({n.programme.arrears_days for n in networks}, today)
    owed = {
        row["network_id"]: row
        for row in Due.objects.filter(firm_id=firm_id, network__in=ids)
        .values("network_id")
        .annotate(owed=Sum("amount"), old=Coalesce(Sum("amount", filter=old), ZERO))
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
