"""The facts about each network that the home pages read: its steps, and the reasons it needs
attention or is at risk (one NetworkFacts per network, from one annotated query)."""

import datetime
import functools
import operator
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import DecimalField, Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from networks.lib import graph
from networks.lib.dates import add_months, months_between
from networks.models import (
    Application,
    Diagnosis,
    Evaluation,
    Goal,
    Handover,
    HandoverCommitment,
    Membership,
    Network,
)
from networks.rules import (
    DENSITY_FALL_POINTS,
    QUIET_DAYS,
    READINESS_WINDOW_MONTHS,
    RISK_QUIET_DAYS,
    arrears_cutoff,
    joint_actions_open,
)
from networks.selectors import lifecycle as lifecycle_selectors
from networks.selectors import term as term_selectors
from networks.selectors.sql import count_subquery, latest_subquery, window_start

READINESS_KEYS = ("members", "arrears", "activity", "joint_action", "evaluation", "commitments")


def old_dues(arrears_days, today: datetime.date) -> Q:
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
    # Distinct pairs of co-attending firms in the window before, and in the programme's
    # participation window (attended_6m, activities_6m: that window too, 6 months by default).
    pairs_before: int = 0
    pairs_recent: int = 0

    # -- the term --

    @property
    def clock(self) -> term_selectors.Clock:
        return term_selectors.clock(self.network, self.today)

    @property
    def warning(self) -> str:
        return term_selectors.warning(self.network, self.today)

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
        return lifecycle_selectors.waiting_days(application, self.today)

    # -- participation --

    @property
    def participation_rate(self) -> float | None:
        """Attended / (activities x active members) over the programme's participation window."""
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
        fall = (self.density_before - self.density_recent) * 100
        return self.pairs_before > 0 and fall >= DENSITY_FALL_POINTS

    # -- readiness (selectors.term.readiness's six items) --

    @property
    def readiness_months(self) -> int:
        six_months_ago = add_months(self.today, -READINESS_WINDOW_MONTHS)
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
            steps.append(Step("handover", text, self._url("network-money") + "#term-heading"))
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
        clock = self.clock
        if clock.overdue:
            # The agency pays only an extension's rate, or the programme's (0% by default).
            reasons.append(
                Reason(
                    "handover_overdue",
                    ngettext(
                        "Handover %(days)s day overdue (due %(date)s)",
                        "Handover %(days)s days overdue (due %(date)s)",
                        clock.days_overdue,
                    )
                    % {"days": clock.days_overdue, "date": date_format(clock.due)},
                )
            )
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
        rate, programme = self.participation_rate, self.network.programme
        months = programme.participation_window_months
        if rate is not None and rate * 100 < programme.participation_risk_percent:
            reasons.append(
                Reason(
                    "low_participation",
                    ngettext(
                        "Attendance %(percent)s%% over the last %(months)s month",
                        "Attendance %(percent)s%% over the last %(months)s months",
                        months,
                    )
                    % {"percent": self.participation_percent, "months": months},
                )
            )
        if self.density_falling:
            reasons.append(
                Reason(
                    "density_falling",
                    ngettext(
                        "Fewer ties between the firms: density %(recent)s%% in the last "
                        "%(months)s month, %(before)s%% in the %(months)s month before (a fall of "
                        "%(points)s points or more counts)",
                        "Fewer ties between the firms: density %(recent)s%% in the last "
                        "%(months)s months, %(before)s%% in the %(months)s months before (a fall "
                        "of %(points)s points or more counts)",
                        months,
                    )
                    % {
                        "months": months,
                        "recent": round(self.density_recent * 100),
                        "before": round(self.density_before * 100),
                        "points": DENSITY_FALL_POINTS,
                    },
                )
            )
        return reasons


# --- aggregate queries, each over every network of the scope at once --------------------------


def annotated_networks(networks: QuerySet[Network], today: datetime.date, *, checklist: bool):
    """The networks with what one correlated subquery per row gives: member counts, the latest
    evaluation, the handover commitments and, for the application, the checklist's facts."""
    net = OuterRef("pk")
    # The members at the start of the programme's participation window (the density before).
    window_from = OuterRef("window_from")  # computed once per network, below
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
        "member_count": count_subquery(memberships.filter(left_on__isnull=True)),
        "members_half_year_ago": count_subquery(
            memberships.filter(joined_on__lte=window_from).filter(
                Q(left_on__isnull=True) | Q(left_on__gt=window_from)
            )
        ),
        "last_evaluation": latest_subquery(Evaluation.objects.filter(network=net), "date"),
        "commitments": Subquery(
            commitments, output_field=DecimalField(max_digits=8, decimal_places=3)
        ),
    }
    if checklist:
        goal = Goal.objects.filter(
            network=net, indicator__regex=r"\S", baseline__isnull=False, target__isnull=False,
            due_date__gte=today,
        )  # fmt: skip
        # The first goal due of each horizon: within the programme's horizon or none is
        # (network_facts compares it, each network by its own programme's setting).
        annotations |= {
            f"first_{horizon}_due": Subquery(
                goal.filter(horizon=horizon).order_by("due_date").values("due_date")[:1]
            )
            for horizon in (Goal.Horizon.SHORT, Goal.Horizon.MEDIUM)
        } | {
            "diagnosis_complete": Exists(
                Diagnosis.objects.filter(
                    network=net,
                    occasion=Diagnosis.Occasion.APPLICATION,
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
    return (
        networks.select_related(*related)
        .alias(window_from=window_start(today, "programme__participation_window_months"))
        .annotate(**annotations)
    )


def network_facts(network: Network, today: datetime.date) -> NetworkFacts:
    facts = NetworkFacts(
        network=network,
        today=today,
        member_count=network.member_count,
        members_half_year_ago=network.members_half_year_ago,
        last_evaluation=network.last_evaluation,
        commitments=network.commitments,
    )
    if hasattr(network, "first_short_due"):
        programme = network.programme
        short, medium = network.first_short_due, network.first_medium_due
        facts.checklist_unmet = [
            programme.min_firms <= network.member_count <= programme.max_firms,
            network.diagnosis_complete,
            short is not None and short <= add_months(today, programme.goal_short_months),
            medium is not None and medium <= add_months(today, programme.goal_medium_months),
        ].count(False)
    return facts
