"""The product's rules that are not programme settings, in one place.

The programme settings and their defaults (minimum and maximum firms 10/30, a term of 36 months,
arrears after 60 days, the agency's share 70/50/30%, reminders 6/3/1 months before the
handover) stay on the `Programme` model: the migrations name its default callables, and this
module imports the models, so the models cannot import it.

Services, selectors, views and the API read these names; none keeps a copy of its own.
Translated messages that quote a number ("12 months") keep their literal text.
"""

import datetime
from decimal import Decimal

from networks.lib.dates import add_months, first_of_month, months_between
from networks.models import Application, Goal, Handover, Network, ServiceUptake

# --- the lifecycle --------------------------------------------------------------------------

# The only moves a network's phase can make: forward one step, or dissolution from any phase.
ALLOWED_MOVES = {
    (Network.Phase.PREPARATION, Network.Phase.CONSOLIDATION),
    (Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE),
    (Network.Phase.PREPARATION, Network.Phase.DISSOLVED),
    (Network.Phase.CONSOLIDATION, Network.Phase.DISSOLVED),
    (Network.Phase.INDEPENDENCE, Network.Phase.DISSOLVED),
}

# How far ahead a goal of each horizon may fall due.
GOAL_HORIZON_MONTHS = {Goal.Horizon.SHORT: 12, Goal.Horizon.MEDIUM: 36}
SHORT_MONTHS = GOAL_HORIZON_MONTHS[Goal.Horizon.SHORT]
MEDIUM_MONTHS = GOAL_HORIZON_MONTHS[Goal.Horizon.MEDIUM]

# A new manager starts at most this far ahead.
MANAGER_START_MONTHS_AHEAD = 12


def leaving_needs_reason(network: Network, application: Application | None) -> bool:
    """Before approval the group is still being put together: firms are simply removed."""
    approved = application is not None and application.status == Application.Status.APPROVED
    return not (network.phase == Network.Phase.PREPARATION and not approved)


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
MAX_MONEY = Decimal(10) ** 14  # JointAction.value: max_digits=16, decimal_places=2


def joint_actions_open(network: Network) -> bool:
    return network.phase in JOINT_ACTION_PHASES


# The largest value PostgreSQL's integer column holds; a bigger one would be a 500, not a 400.
MAX_INTEGER = 2_147_483_647

# A support service reached the firm.
UPTAKE_REACHED = [ServiceUptake.Status.TAKEN_UP, ServiceUptake.Status.COMPLETED]
# Joint actions that count as commercial cooperation in the evaluation's suggestions.
COMMERCIAL_JOINT_ACTIONS = {"shared_order", "trade_fair", "group_export", "joint_marketing"}

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
PARTICIPATION_WINDOW_MONTHS = 6
DRIFT_DAYS = 90

# --- the term -------------------------------------------------------------------------------

HUNDRED = Decimal(100)
OPEN_OR_CONFIRMED = (Handover.Status.PROPOSED, Handover.Status.CONFIRMED)
READINESS_WINDOW_MONTHS = 6
READINESS_EVALUATION_MONTHS = 12


def agency_percent(network: Network, month: datetime.date) -> Decimal:
    """The agency's share of the salary for `month`, from the programme's schedule.

    Year 1 is the first twelve months from the term start. After the last year of the schedule
    (an extended term) the last rate goes on until the handover; from the month after the
    handover the agency pays nothing.
    """
    month = first_of_month(month)
    if network.handed_over_on and month > first_of_month(network.handed_over_on):
        return Decimal(0)
    schedule = network.programme.agency_share_schedule or [0]
    year = max(0, months_between(first_of_month(network.term_start), month)) // 12
    return Decimal(str(schedule[min(year, len(schedule) - 1)]))


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
RISK_PARTICIPATION = 0.5  # a six-month attendance rate under this: a network at risk
HANDOVER_AHEAD_MONTHS = 6  # the agency's "handovers due" look this far ahead

# --- evaluation -----------------------------------------------------------------------------


def default_thresholds(max_k: int) -> list[int]:
    # A third and a half of the criteria: 4 and 6 of twelve, the thresholds the 1993
    # evaluation reported.
    return sorted({round(max_k / 3), round(max_k / 2)})
