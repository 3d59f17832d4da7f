"""Reads for evaluations: the automatic suggestions, the portfolio report (the 1993 question) and
the programme indicators beside it."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DateTimeField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.lib.dates import add_months, months_between
from networks.lib.money import format_money
from networks.models import (
    Activity,
    Application,
    Attendance,
    Criterion,
    Evaluation,
    JointAction,
    Membership,
    MonthlyCharge,
    Network,
    PhaseTransition,
    ServiceUptake,
)
from networks.rules import (
    COMMERCIAL_JOINT_ACTIONS,
    JOINT_FINANCE,
    PROCESS_DEVELOPMENT,
    PRODUCT_DEVELOPMENT,
)
from networks.selectors import independence as independence_selectors


@dataclass(frozen=True)
class Suggestion:
    met: bool
    why: str


def suggestions(network: Network, today: datetime.date | None = None) -> dict[str, Suggestion]:
    """What the data suggest for each automatic criterion (keyed by Criterion.Suggestion).

    Only a suggestion: the evaluator decides. A fixed number of queries.
    """
    from networks.selectors.term import balances

    today = today or timezone.localdate()
    year_ago = add_months(today, -12)
    half_year_ago = add_months(today, -6)
    done = JointAction.objects.filter(network=network, status=JointAction.Status.DONE)
    done_counts = dict(
        done.order_by().values("type__slug").annotate(n=Count("pk")).values_list("type__slug", "n")
    )
    done_types = set(done_counts)
    recent = Activity.objects.filter(network=network, date__gt=half_year_ago, date__lte=today)
    activities = recent.count()
    members = Membership.objects.filter(network=network, left_on__isnull=True).count()
    attended = Attendance.objects.filter(activity__in=recent).count()
    rate = attended / (activities * members) if activities and members else 0
    training = (
        Activity.objects.filter(network=network, type__slug="training", date__gt=year_ago).exists()
        or "joint_training" in done_types
    )
    reached = ServiceUptake.objects.filter(
        network=network, date__gt=year_ago, status__in=["taken_up", "completed"]
    )
    uptakes_by_category = dict(
        reached.order_by()
        .values("service__category")
        .annotate(n=Count("pk"))
        .values_list("service__category", "n")
    )
    uptakes = sum(uptakes_by_category.values())
    in_arrears = sum(1 for b in balances(network, today=today) if b.in_arrears)
    left = Membership.objects.filter(network=network, left_on__gt=year_ago).count()

    def has(kinds):
        return bool(done_types & kinds)

    def from_records(rule, why) -> Suggestion:
        kinds, categories = rule
        services = sum(uptakes_by_category.get(c, 0) for c in categories)
        actions = sum(done_counts.get(kind, 0) for kind in kinds)
        return Suggestion(
            bool(actions or services),
            why % {"actions": actions, "services": services},
        )

    return {
        "regular_meetings": Suggestion(
            activities >= 6 and rate >= 0.5,
            _("%(n)s activities in 6 months, attendance %(rate)s%%")
            % {"n": activities, "rate": round(rate * 100)},
        ),
        "joint_commercial": Suggestion(
            has(COMMERCIAL_JOINT_ACTIONS), _("completed commercial joint actions")
        ),
        "joint_purchasing": Suggestion(has({"joint_purchasing"}), _("completed joint purchase")),
        "shared_equipment": Suggestion(has({"shared_equipment"}), _("completed shared equipment")),
        "quality": Suggestion(
            has({"certification", "lab_tests"}), _("completed certification or laboratory tests")
        ),  # fmt: skip
        "training": Suggestion(training, _("training in the last 12 months")),
        "service_uptake": Suggestion(
            uptakes > 0, _("%(n)s services taken up in 12 months") % {"n": uptakes}
        ),
        "dues_paid": Suggestion(in_arrears == 0, _("%(n)s firms in arrears") % {"n": in_arrears}),
        "stable_membership": Suggestion(
            left <= max(1, members // 10),
            _("%(n)s firms left in 12 months") % {"n": left},
        ),
        "product_development": from_records(
            PRODUCT_DEVELOPMENT,
            _(
                "%(actions)s completed laboratory or brand joint actions, %(services)s "
                "technology services taken up in 12 months"
            ),
        ),
        "process_development": from_records(
            PROCESS_DEVELOPMENT,
            _(
                "%(actions)s completed shared-equipment or certification joint actions, "
                "%(services)s consulting or certification services taken up in 12 months"
            ),
        ),
        "joint_finance": from_records(
            JOINT_FINANCE,
            _(
                "%(actions)s completed credit-sharing joint actions, %(services)s credit services "
                "taken up in 12 months"
            ),
        ),
    }


def criteria_with_suggestions(network: Network) -> list[tuple[Criterion, Suggestion | None]]:
    found = suggestions(network)
    criteria = Criterion.objects.filter(programme=network.programme_id, is_active=True)
    return [(c, found.get(c.suggestion)) for c in criteria]


def evaluations(network: Network) -> QuerySet[Evaluation]:
    return (
        Evaluation.objects.filter(network=network)
        .select_related("evaluator")
        .prefetch_related("results__criterion")
    )


def programme_criteria(programme) -> QuerySet[Criterion]:
    """Every criterion of the programme's set, active or not (the criteria pages look one up)."""
    return Criterion.objects.filter(programme=programme)


# --- the portfolio report ---------------------------------------------------------------------


# A network's age in the portfolio: from the manager's appointment (the start of its term) or
# from the approval of its application (the 1993 sample's "months in existence").
AGE_FROM_APPOINTMENT = "appointment"
AGE_FROM_APPROVAL = "approval"
AGE_FROM = (AGE_FROM_APPOINTMENT, AGE_FROM_APPROVAL)


def age_began(network: Network, age_from: str) -> datetime.date:
    """The day a network's age counts from: its approval or its term's start; one that has
    neither yet (still in preparation) counts from its creation."""
    if age_from == AGE_FROM_APPROVAL:
        return network.approved_on or network.created_on
    return network.term_start or network.created_on


@dataclass
class PortfolioRow:
    network: Network
    evaluation: Evaluation
    age_months: int


@dataclass
class Portfolio:
    rows: list[PortfolioRow]
    max_k: int
    age_from: str = AGE_FROM_APPOINTMENT

    @property
    def networks(self) -> int:
        return len(self.rows)

    @property
    def at_least(self) -> dict[int, int]:
        """For every k from 0 to the number of criteria: how many networks met at least k."""
        return {k: sum(1 for r in self.rows if r.evaluation.met_count >= k)
                for k in range(self.max_k + 1)}  # fmt: skip

    def behind(self, k: int) -> list[PortfolioRow]:
        return [r for r in self.rows if r.evaluation.met_count >= k]


def portfolio(
    *,
    user,
    programme=None,
    region: str = "",
    sector: str = "",
    min_age_months: int | None = None,
    max_age_months: int | None = None,
    age_from: str = AGE_FROM_APPOINTMENT,
) -> Portfolio:
    """The 1993 question for any filter: of the evaluated networks (aged between the bounds at
    their evaluation), how many met at least k criteria?

    A network's age is counted in months to the evaluation's date from the start of its term
    (the manager's appointment) or, with `age_from="approval"`, from its application's
    approval; from its creation when it has neither. Each network counts once, with its latest
    evaluation inside the age bounds.
    """
    networks = access.visible_networks(user).select_related("programme")
    if programme:
        networks = networks.filter(programme=programme)
    if region:
        networks = networks.filter(region=region)
    if sector:
        networks = networks.filter(sector=sector)
    evaluations_qs = (
        Evaluation.objects.filter(network__in=networks)
        .select_related("network__programme")
        .annotate(
            approved_at=Subquery(
                Application.objects.filter(
                    network=OuterRef("network"), status=Application.Status.APPROVED
                ).values("decided_at")[:1]
            )
        )
        .order_by("network_id", "-date", "-pk")
    )
    rows, seen = [], set()
    for evaluation in evaluations_qs:
        network = evaluation.network
        if network.pk in seen:
            continue
        approved_at = evaluation.approved_at
        network.approved_on = timezone.localdate(approved_at) if approved_at else None
        age = months_between(age_began(network, age_from), evaluation.date)
        if min_age_months is not None and age < min_age_months:
            continue
        if max_age_months is not None and age > max_age_months:
            continue
        seen.add(network.pk)
        rows.append(PortfolioRow(network, evaluation, age))
    max_k = max((r.evaluation.criteria_count for r in rows), default=12)
    rows.sort(key=lambda r: (-r.evaluation.met_count, r.network.name))
    return Portfolio(rows, max(max_k, 12), age_from)


# --- programme indicators: cost-effectiveness, sustainability, outreach ----------------------
#
# Every figure is a ratio of two aggregates over the networks of the user's agency that match the
# filter, for a period (by default the last 12 months). Each comes with the sentence that says how
# it is computed, and, when its denominator is 0, "—" with the reason instead of a number. A fixed
# number of aggregate queries, whatever the number of networks.

ZERO = Decimal(0)


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    value: Decimal | None  # None: the denominator is 0 (or the currencies differ); see `reason`
    display: str  # the value as the reader reads it, or "—"
    how: str  # the sentence that says how it is computed, with the figures used
    reason: str = ""  # why there is no value


@dataclass(frozen=True)
class ProgrammeIndicators:
    date_from: datetime.date
    date_to: datetime.date
    currency: str
    items: list[Indicator]

    def __getitem__(self, key: str) -> Indicator:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)  # templates then fall back to attributes (date_from, items...)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last 12 months: from the first of the month 11 months back to today (12 monthly
    charges, this month's included)."""
    today = today or timezone.localdate()
    return add_months(today.replace(day=1), -11), today


def scope(*, user, programme=None, region: str = "", sector: str = "") -> QuerySet[Network]:
    """The networks the figures are about: the user's agency's, narrowed by the filter."""
    networks = access.visible_networks(user)
    if programme:
        networks = networks.filter(programme=programme)
    if region:
        networks = networks.filter(region=region)
    if sector:
        networks = networks.filter(sector=sector)
    return networks


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _day_number(field: str):
    # yyyymmdd as a number: the same date a year later is that number plus 10000. It keeps the
    # "12 months after" comparison inside the database on every backend, which has no
    # portable month arithmetic.
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def _first_transition(to_phase: str) -> Subquery:
    return Subquery(
        PhaseTransition.objects.filter(network=OuterRef("pk"), to_phase=to_phase)
        .order_by("at")
        .values("at")[:1],
        output_field=DateTimeField(),
    )


def programme_indicators(
    *,
    user,
    programme=None,
    region: str = "",
    sector: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> ProgrammeIndicators:
    """The five indicators for the networks of the user's agency that match the filter.

    A month's agency money counts when the month (its first day) falls in the period.
    """
    default_from, default_to = default_period()
    date_from, date_to = date_from or default_from, date_to or default_to
    networks = scope(user=user, programme=programme, region=region, sector=sector)

    currencies = sorted(
        networks.order_by().values_list("programme__currency", flat=True).distinct()
    )
    currency = currencies[0] if len(currencies) == 1 else ""
    mixed = len(currencies) > 1
    money = MonthlyCharge.objects.filter(
        network__in=networks, month__gte=date_from, month__lte=date_to
    ).aggregate(total=Coalesce(Sum("agency_amount"), ZERO))["total"]
    firms = (
        Membership.objects.filter(network__in=networks, joined_on__lte=date_to)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=date_from))
        .aggregate(n=Count("firm", distinct=True))["n"]
    )
    phases = PhaseTransition.objects.filter(network__in=networks, at__date__lte=date_to).aggregate(
        consolidation=Count(
            "network", distinct=True, filter=Q(to_phase=Network.Phase.CONSOLIDATION)
        ),
        independence=Count("network", distinct=True, filter=Q(to_phase=Network.Phase.INDEPENDENCE)),
    )
    cutoff = add_months(date_to, -12)
    survival = (
        networks.annotate(
            independent_at=_first_transition(Network.Phase.INDEPENDENCE),
            dissolved_at=_first_transition(Network.Phase.DISSOLVED),
        )
        .filter(independent_at__date__lte=cutoff)
        .annotate(
            independent_day=_day_number("independent_at"), dissolved_day=_day_number("dissolved_at")
        )
        .aggregate(
            total=Count("pk"),
            active=Count(
                "pk",
                filter=Q(dissolved_at__isnull=True)
                | Q(dissolved_day__gte=F("independent_day") + 10000),
            ),
        )
    )
    value = (
        JointAction.objects.filter(network__in=networks, status=JointAction.Status.DONE)
        .annotate(done_on=Coalesce("end_date", "start_date", TruncDate("created_at")))
        .filter(done_on__gte=date_from, done_on__lte=date_to)
        .aggregate(total=Coalesce(Sum("value"), ZERO))["total"]
    )

    period = {"from": _day(date_from), "to": _day(date_to)}
    mixed_reason = gettext(
        "The selected networks' programmes use different currencies (%(currencies)s): choose "
        "one programme."
    ) % {"currencies": ", ".join(currencies)}
    items = [
        _cost_per_firm(money, firms, currency, period, mixed_reason if mixed else ""),
        _independence(phases["independence"], phases["consolidation"], period),
        _still_active(survival["active"], survival["total"], cutoff, period),
        _value_per_money(value, money, currency, period, mixed_reason if mixed else ""),
        _still_running(independence_selectors.still_running(networks, date_to), period),
    ]
    return ProgrammeIndicators(date_from, date_to, currency, items)


def _cost_per_firm(money, firms, currency, period, mixed_reason) -> Indicator:
    how = gettext(
        "The agency's share of the managers' salaries for the months from %(from)s to %(to)s "
        "(%(money)s), divided by the %(firms)s distinct firms that were members of the selected "
        "networks at some time in that period."
    ) % {**period, "money": format_money(money, currency), "firms": firms}
    title = gettext("Cost per firm reached")
    if mixed_reason:
        return Indicator("cost_per_firm", title, None, "—", how, mixed_reason)
    if not firms:
        reason = gettext("No firm was a member of the selected networks in the period.")
        return Indicator("cost_per_firm", title, None, "—", how, reason)
    cost = money / firms
    return Indicator("cost_per_firm", title, cost, format_money(cost, currency), how)


def _independence(independent, consolidating, period) -> Indicator:
    how = gettext(
        "Networks that had reached independence by %(to)s (%(part)s), divided by the networks "
        "that had entered consolidation by then (%(whole)s)."
    ) % {**period, "part": independent, "whole": consolidating}
    title = gettext("Networks that reached independence")
    if not consolidating:
        reason = gettext("No selected network had entered consolidation by %(to)s.") % period
        return Indicator("independence", title, None, "—", how, reason)
    share = _percent(independent, consolidating)
    return Indicator("independence", title, share, f"{number_format(share)}%", how)


def _still_active(active, total, cutoff, period) -> Indicator:
    how = gettext(
        "Of the networks that reached independence by %(cutoff)s, 12 months or more before "
        "%(to)s (%(whole)s), those not dissolved within 12 months of it (%(part)s)."
    ) % {**period, "cutoff": _day(cutoff), "part": active, "whole": total}
    title = gettext("Still active 12 months after independence")
    if not total:
        reason = (
            gettext("No selected network reached independence 12 months or more before %(to)s.")
            % period
        )
        return Indicator("still_active", title, None, "—", how, reason)
    share = _percent(active, total)
    return Indicator("still_active", title, share, f"{number_format(share)}%", how)


def _still_running(figures, period) -> Indicator:
    how = gettext(
        "Of the networks handed over %(years)s years or more before %(to)s (%(whole)s), those "
        "whose check-in of year %(years)s says they still run (%(part)s). %(stopped)s stopped "
        "or were dissolved; %(unknown)s have no check-in of that year."
    ) % {
        **period,
        "years": figures.years,
        "whole": figures.handed_over,
        "part": figures.running,
        "stopped": figures.stopped,
        "unknown": figures.unknown,
    }
    title = gettext("Still running %(years)s years after handover") % {"years": figures.years}
    if not figures.handed_over:
        reason = gettext(
            "No selected network was handed over %(years)s years or more before %(to)s."
        ) % {**period, "years": figures.years}
        return Indicator("still_running", title, None, "—", how, reason)
    share = _percent(figures.running, figures.handed_over)
    return Indicator("still_running", title, share, f"{number_format(share)}%", how)


def _value_per_money(value, money, currency, period, mixed_reason) -> Indicator:
    how = gettext(
        "The money value of the joint actions done from %(from)s to %(to)s (%(value)s), divided "
        "by the agency's share of the managers' salaries for the same months (%(money)s)."
    ) % {
        **period,
        "value": format_money(value, currency),
        "money": format_money(money, currency),
    }
    title = gettext("Joint-action value per unit of agency money")
    if mixed_reason:
        return Indicator("value_per_money", title, None, "—", how, mixed_reason)
    if not money:
        reason = gettext(
            "The agency paid nothing towards the selected networks' managers in the period."
        )
        return Indicator("value_per_money", title, None, "—", how, reason)
    ratio = (value / money).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    display = number_format(ratio, 2, use_l10n=True, force_grouping=True)
    return Indicator("value_per_money", title, ratio, display, how)
