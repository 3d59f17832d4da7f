"""Reads for evaluations: the automatic suggestions and the portfolio report (the 1993 question)."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.lib.dates import add_months, months_between
from networks.models import (
    Activity,
    Attendance,
    Criterion,
    Evaluation,
    JointAction,
    Membership,
    Network,
    ServiceUptake,
)
from networks.rules import COMMERCIAL_JOINT_ACTIONS


@dataclass(frozen=True)
class Suggestion:
    met: bool
    why: str


def suggestions(network: Network, today: datetime.date | None = None) -> dict[str, Suggestion]:
    """What the data suggest for each automatic criterion (keyed by Criterion.Suggestion).

    Only a suggestion: the evaluator decides. A fixed number of queries.
    """
    from networks.selectors_term import balances

    today = today or timezone.localdate()
    year_ago = add_months(today, -12)
    half_year_ago = add_months(today, -6)
    done = JointAction.objects.filter(network=network, status=JointAction.Status.DONE)
    done_types = set(done.values_list("type__slug", flat=True))
    recent = Activity.objects.filter(network=network, date__gt=half_year_ago, date__lte=today)
    activities = recent.count()
    members = Membership.objects.filter(network=network, left_on__isnull=True).count()
    attended = Attendance.objects.filter(activity__in=recent).count()
    rate = attended / (activities * members) if activities and members else 0
    training = (
        Activity.objects.filter(network=network, type__slug="training", date__gt=year_ago).exists()
        or "joint_training" in done_types
    )
    uptakes = ServiceUptake.objects.filter(
        network=network, date__gt=year_ago, status__in=["taken_up", "completed"]
    ).count()
    in_arrears = sum(1 for b in balances(network, today=today) if b.in_arrears)
    left = Membership.objects.filter(network=network, left_on__gt=year_ago).count()

    def has(kinds):
        return bool(done_types & kinds)

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


@dataclass
class PortfolioRow:
    network: Network
    evaluation: Evaluation
    age_months: int


@dataclass
class Portfolio:
    rows: list[PortfolioRow]
    max_k: int

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
) -> Portfolio:
    """The 1993 question for any filter: of the evaluated networks (aged between the bounds at
    their evaluation), how many met at least k criteria?

    A network's age is counted in months from the start of its term (or from its creation when
    it has none) to the evaluation's date. Each network counts once, with its latest evaluation
    inside the age bounds.
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
        .order_by("network_id", "-date", "-pk")
    )
    rows, seen = [], set()
    for evaluation in evaluations_qs:
        network = evaluation.network
        if network.pk in seen:
            continue
        began = network.term_start or network.created_on
        age = months_between(began, evaluation.date)
        if min_age_months is not None and age < min_age_months:
            continue
        if max_age_months is not None and age > max_age_months:
            continue
        seen.add(network.pk)
        rows.append(PortfolioRow(network, evaluation, age))
    max_k = max((r.evaluation.criteria_count for r in rows), default=12)
    rows.sort(key=lambda r: (-r.evaluation.met_count, r.network.name))
    return Portfolio(rows, max(max_k, 12))
