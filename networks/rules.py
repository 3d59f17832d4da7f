"""The product's rules that are not programme settings, in one place.

The programme settings and their defaults (minimum and maximum firms 10/30, a term of 36 months,
arrears after 60 days, the agency's share 70/50/30%, reminders 6/3/1 months before the
handover, goal horizons 12/36 months, participation over 6 months with 50% as the risk line)
stay on the `Programme` model: the migrations name its default callables, and this
module imports the models, so the models cannot import it.

Services, selectors, views and the API read these names; none keeps a copy of its own.
Translated messages that quote a number ("12 months") keep their literal text.
"""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from networks.lib.dates import add_months, first_of_month, last_of_month, months_between
from networks.lib.money import round_money
from networks.models import (
    Application,
    Channel,
    Goal,
    Handover,
    Kind,
    Network,
    Programme,
    ServiceUptake,
    TermChange,
)

# --- the lifecycle --------------------------------------------------------------------------

# The only moves a network's phase can make: forward one step, or dissolution from any phase.
ALLOWED_MOVES = {
    (Network.Phase.PREPARATION, Network.Phase.CONSOLIDATION),
    (Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE),
    (Network.Phase.PREPARATION, Network.Phase.DISSOLVED),
    (Network.Phase.CONSOLIDATION, Network.Phase.DISSOLVED),
    (Network.Phase.INDEPENDENCE, Network.Phase.DISSOLVED),
}

# How far ahead a goal of each horizon may fall due: a programme setting; these are the
# defaults a new programme gets (the model's, named once).
GOAL_HORIZON_MONTHS = {
    Goal.Horizon.SHORT: Programme._meta.get_field("goal_short_months").default,
    Goal.Horizon.MEDIUM: Programme._meta.get_field("goal_medium_months").default,
}
SHORT_MONTHS = GOAL_HORIZON_MONTHS[Goal.Horizon.SHORT]
MEDIUM_MONTHS = GOAL_HORIZON_MONTHS[Goal.Horizon.MEDIUM]


def goal_horizon_months(programme: Programme) -> dict[str, int]:
    """How far ahead from the submission a goal of each horizon may fall due."""
    return {
        Goal.Horizon.SHORT: programme.goal_short_months,
        Goal.Horizon.MEDIUM: programme.goal_medium_months,
    }


# The horizons as forms and messages name them (the model's labels keep the default months).
HORIZON_LABELS = {
    Goal.Horizon.SHORT: _("short term (within %(months)s months)"),
    Goal.Horizon.MEDIUM: _("medium term (within %(months)s months)"),
}


def horizon_label(programme: Programme, horizon: str) -> str:
    return HORIZON_LABELS[horizon] % {"months": goal_horizon_months(programme)[horizon]}


# A new manager starts at most this far ahead.
MANAGER_START_MONTHS_AHEAD = 12


def leaving_needs_reason(network: Network, application: Application | None) -> bool:
    """Before approval the group is still being put together: firms are simply removed."""
    approved = application is not None and application.status == Application.Status.APPROVED
    return not (network.phase == Network.Phase.PREPARATION and not approved)


def member_cap_holds(network: Network, application: Application | None) -> bool:
    """The programme's maximum holds from approval on, not only at it (domain.md section 3):
    before approval the group is still being put together and the checklist watches it."""
    return leaving_needs_reason(network, application)


# --- consolidation work ---------------------------------------------------------------------

# The phases in which the manager runs activities (domain.md section 2).
ACTIVITY_PHASES = (Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE)
# The activity type that needs a host firm.
HOST_REQUIRED_ACTIVITY = "factory_visit"
# An activity may be dated at most this far ahead.
ACTIVITY_MONTHS_AHEAD = 12


def activities_open(network: Network) -> bool:
    return network.phase in ACTIVITY_PHASES


# The phases in which the firms log joint actions.
JOINT_ACTION_PHASES = (Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE)
# A joint action is done by two firms at least.
JOINT_ACTION_MIN_FIRMS = 2
# A firm asked to answer (a joint action, its attendance) that has not answered after this many
# days is sent its link once more, once (services/confirmations.answer_reminders_send).
ANSWER_REMINDER_DAYS = 7
MAX_MONEY = Decimal(10) ** 14  # JointAction.value: max_digits=16, decimal_places=2


def joint_actions_open(network: Network) -> bool:
    return network.phase in JOINT_ACTION_PHASES


# The largest value PostgreSQL's integer column holds; a bigger one would be a 500, not a 400.
MAX_INTEGER = 2_147_483_647

# A support service reached the firm.
UPTAKE_REACHED = [ServiceUptake.Status.TAKEN_UP, ServiceUptake.Status.COMPLETED]
# Joint actions that count as commercial cooperation in the evaluation's suggestions.
COMMERCIAL_JOINT_ACTIONS = {"shared_order", "trade_fair", "group_export", "joint_marketing"}
# Criteria 6, 7 and 9 (domain.md section 6): the joint actions done and the support services
# taken up (categories) that suggest product development, process development, joint finance.
PRODUCT_DEVELOPMENT = ({"lab_tests", "joint_marketing"}, {"technology"})
PROCESS_DEVELOPMENT = ({"shared_equipment", "certification"}, {"consulting", "certification"})
JOINT_FINANCE = ({"sharing_credits"}, {"credit"})

# --- progress -------------------------------------------------------------------------------

# The panel's figures, in the order the pages show them.
FIGURES = (
    "employees", "annual_sales", "exports", "average_wage", "people_trained", "certifications",
    "technologies",
)  # fmt: skip
# What each figure counts, for its heading: money in the programme's currency, or people, or
# things (certificates, technologies).
FIGURE_UNITS = {
    "employees": "people", "annual_sales": "money", "exports": "money", "average_wage": "money",
    "people_trained": "people", "certifications": "number", "technologies": "number",
}  # fmt: skip
# An average per firm: the firms' averages added up mean nothing; their median says it.
NOT_ADDED_UP = frozenset({"average_wage"})
MIN_FIRMS_FOR_AGGREGATE = 3
# "Fewer ties between the firms" is a risk only when the density of ties fell by this many
# percentage points or more from one half-year to the next: 100% to 97% is one lost tie in 14
# firms, not a network drifting apart.
DENSITY_FALL_POINTS = 15  # fewer, and a total would give away another firm's figures
# The window participation (attendance, ties) is measured over: a programme setting
# (Programme.participation_window_months); this is the default.
PARTICIPATION_WINDOW_MONTHS = Programme._meta.get_field("participation_window_months").default
DRIFT_DAYS = 90

# --- the term -------------------------------------------------------------------------------

HUNDRED = Decimal(100)
OPEN_OR_CONFIRMED = (Handover.Status.PROPOSED, Handover.Status.CONFIRMED)
READINESS_WINDOW_MONTHS = 6
READINESS_EVALUATION_MONTHS = 12


@dataclass(frozen=True)
class MonthTerms:
    """How one month is charged: the part of the month inside the term, and the agency's rate
    over those days (each day at its own rate, weighted by days)."""

    fraction: Fraction  # of the month's salary: 1, or the days from the term's start
    percent: Fraction  # the agency's share of what is charged, exact

    @property
    def rounded_percent(self) -> Decimal:
        return (Decimal(self.percent.numerator) / Decimal(self.percent.denominator)).quantize(
            PERCENT_PLACES
        )


PERCENT_PLACES = Decimal("0.001")  # MonthlyCharge.agency_percent: decimal_places=3


def term_end(network: Network) -> datetime.date:
    """The due date the term had before any extension: the start plus the programme's term."""
    return add_months(network.term_start, network.programme.term_months)


def extension_rates(network: Network) -> list[tuple[datetime.date, datetime.date, Decimal]]:
    """(from, until, rate) of each extension the agency granted, the latest last."""
    return [
        (change.previous_due, change.new_due, change.agency_percent)
        for change in TermChange.objects.filter(
            network=network, kind=TermChange.Kind.EXTENSION
        ).order_by("at", "pk")
        if change.agency_percent is not None
    ]


def day_rate(network: Network, day: datetime.date, extensions) -> Decimal:
    """The agency's share of the salary on one day of the term (domain.md section 3).

    Years of the term count from its first day; from the handover on the agency pays nothing.
    After the term's end the agency pays what an extension granted (its own rate, until its new
    due date) or, without one, the programme's rate after the due date (0% by default).
    """
    if network.handed_over_on and day >= network.handed_over_on:
        return Decimal(0)
    if day < term_end(network):
        schedule = network.programme.agency_share_schedule or [0]
        year = max(0, months_between(network.term_start, day)) // 12
        return Decimal(str(schedule[min(year, len(schedule) - 1)]))
    if network.handover_due and day < network.handover_due:
        for start, until, rate in reversed(extensions or []):
            if start <= day < until:
                return Decimal(rate)
    return Decimal(network.programme.overdue_agency_percent)


def month_terms(network: Network, month: datetime.date, extensions=None) -> MonthTerms:
    """The exact charge of `month`: the days from the term's start only, each at its rate.

    A term that starts on 15 January charges 17/31 of January's salary; the month in which
    the term ends, the handover or an extension falls is charged at each day's rate.
    `extensions` (from `extension_rates`) saves its query when a caller charges many months.
    """
    first, last = first_of_month(month), last_of_month(month)
    start = max(first, network.term_start)
    if start > last:
        return MonthTerms(Fraction(0), Fraction(0))
    days_in_month = (last - first).days + 1
    boundaries = {start, last + datetime.timedelta(days=1)}
    end = term_end(network)
    # Each year of the term starts on its anniversary; at most one falls in a month.
    year = max(0, months_between(network.term_start, start)) // 12 + 1
    ends = [add_months(network.term_start, 12 * year), end]
    ends += [network.handover_due, network.handed_over_on]
    extended = network.handover_due and network.handover_due > end
    if extensions is None and extended and end <= last:
        extensions = extension_rates(network)
    for _from, until, _rate in extensions or []:
        ends += [_from, until]
    boundaries |= {day for day in ends if day and start < day <= last}
    edges = sorted(boundaries)
    weighted = Fraction(0)
    for begin, end in itertools.pairwise(edges):
        rate = day_rate(network, begin, extensions)
        weighted += Fraction(rate) * (end - begin).days
    charged_days = (last - start).days + 1
    return MonthTerms(Fraction(charged_days, days_in_month), weighted / charged_days)


def agency_percent(network: Network, month: datetime.date) -> Decimal:
    """The agency's share of `month`'s charge, as MonthlyCharge stores it (3 places)."""
    return month_terms(network, month).rounded_percent


def month_amounts(salary: Decimal, terms: MonthTerms, currency: str) -> tuple[Decimal, Decimal]:
    """(salary charged, agency's part) of a month: the salary of the days in the term, and
    the agency's exact share of it, each rounded to the currency's unit."""
    charged = round_money(
        salary * Decimal(terms.fraction.numerator) / terms.fraction.denominator, currency
    )
    exact = charged * Decimal(terms.percent.numerator) / Decimal(terms.percent.denominator)
    return charged, round_money(exact / HUNDRED, currency)


def arrears_cutoff(arrears_days: int, today: datetime.date) -> datetime.date:
    """Dues of months up to this one (inclusive) are older than the arrears limit.

    A month's dues fall due on its last day, and become arrears `arrears_days` later.
    """
    limit = today - datetime.timedelta(days=arrears_days)
    # Month M is old enough when its last day <= limit, i.e. M + 1 month <= first of (limit + 1).
    return add_months(first_of_month(limit + datetime.timedelta(days=1)), -1)


# --- the dashboards -------------------------------------------------------------------------

RECENT_DAYS = 90  # "activities in the last 90 days" on a facilitator's card
QUIET_DAYS = 30  # no activity for this long: "log this month's activity"
RISK_QUIET_DAYS = 60  # no activity for this long: a network at risk
# An attendance rate under this is a risk: a programme setting (participation_risk_percent,
# in percent as people type it); this is the default, as a rate.
RISK_PARTICIPATION = Programme._meta.get_field("participation_risk_percent").default / 100
HANDOVER_AHEAD_MONTHS = 6  # the agency's "handovers due" look this far ahead

# --- notifications --------------------------------------------------------------------------

# How each kind reaches a user who has not chosen (NotificationPreference): what needs someone
# to act goes by e-mail at once; news that can wait goes in the daily digest.
NOTIFICATION_DEFAULT_CHANNEL = {
    Kind.APPLICATION_SUBMITTED: Channel.IMMEDIATE,
    Kind.APPLICATION_DECIDED: Channel.IMMEDIATE,
    Kind.HANDOVER_PROPOSED: Channel.IMMEDIATE,
    Kind.HANDOVER_REMINDER: Channel.IMMEDIATE,
    Kind.JOINT_ACTION_TO_CONFIRM: Channel.IMMEDIATE,
    Kind.JOINT_ACTION_DECLINED: Channel.DIGEST,
    Kind.ATTENDANCE_TO_CONFIRM: Channel.IMMEDIATE,
    Kind.DUES_CHARGED: Channel.DIGEST,
    Kind.ARREARS_BEGAN: Channel.IMMEDIATE,
    Kind.NETWORK_AT_RISK: Channel.DIGEST,
}
# The kinds each role can be told about: the settings page offers these only.
_AGENCY_KINDS = [
    Kind.APPLICATION_SUBMITTED, Kind.APPLICATION_DECIDED, Kind.HANDOVER_PROPOSED,
    Kind.HANDOVER_REMINDER, Kind.NETWORK_AT_RISK,
]  # fmt: skip
NOTIFICATION_KINDS_BY_ROLE = {
    "agency_admin": _AGENCY_KINDS,
    "agency_staff": _AGENCY_KINDS,
    "facilitator": [
        Kind.APPLICATION_DECIDED, Kind.JOINT_ACTION_DECLINED, Kind.ARREARS_BEGAN,
        Kind.HANDOVER_REMINDER,
    ],
    "firm_member": [
        Kind.JOINT_ACTION_TO_CONFIRM, Kind.ATTENDANCE_TO_CONFIRM, Kind.JOINT_ACTION_DECLINED,
        Kind.DUES_CHARGED, Kind.ARREARS_BEGAN, Kind.HANDOVER_REMINDER,
    ],
}  # fmt: skip
# A mail job is tried this many times, waiting 2, 4, 8… seconds between tries (2**17 s is
# 36 hours: the last try comes about three days after the first), then marked failed.
MAIL_ATTEMPTS = 17
MAIL_RETRY_EXPONENT = 2
NOTIFICATIONS_PER_PAGE = 25

# --- evaluation -----------------------------------------------------------------------------


def default_thresholds(max_k: int) -> list[int]:
    # A third and a half of the criteria: 4 and 6 of twelve, the thresholds the 1993
    # evaluation reported.
    return sorted({round(max_k / 3), round(max_k / 2)})
