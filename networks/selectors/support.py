"""Support services: the agency's catalogue and the firms' take-up, as the pages and the API read them."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from networks import access
from networks.models import Firm, Network, ServiceUptake, SupportProvider, SupportService
from networks.rules import UPTAKE_REACHED
from networks.selectors import support as support_selectors

# --- support-service take-up ----------------------------------------------------------------


def uptakes_for(user, network: Network) -> QuerySet[ServiceUptake]:
    """The network's take-up rows the user may see (a firm member: their own firm's only)."""
    return (
        access.visible_uptakes(user)
        .filter(network=network)
        .select_related("firm", "service__provider")
        .order_by("-date", "-pk")
    )


def uptake_lookup(user, *, network: Network | None = None) -> QuerySet[ServiceUptake]:
    """The take-ups a user may look one up in (through `network` when given); callers take one
    with access.get_or_404."""
    uptakes = access.visible_uptakes(user).select_related(
        "network__programme", "firm", "service__provider"
    )
    if network is not None:
        uptakes = uptakes.filter(network=network)
    return uptakes


@dataclass
class UptakeFigures:
    """Referrals, take-ups and the conversion rate, for a network or one service category.

    - referred: rows the facilitator referred;
    - taken_up: rows that reached taken up or completed, whoever started them;
    - converted: rows the facilitator referred that reached taken up or completed;
    - rate: converted / referred, in percent (None when nothing was referred).
    """

    category: str = ""
    label: str = ""
    total: int = 0
    referred: int = 0
    taken_up: int = 0
    converted: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.referred:
            return None
        percent = Decimal(self.converted * 100) / Decimal(self.referred)
        return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class UptakeSummary:
    overall: UptakeFigures
    by_category: list[UptakeFigures] = field(default_factory=list)


def uptake_summary(uptakes: QuerySet[ServiceUptake]) -> UptakeSummary:
    """The referral, take-up and conversion figures of `uptakes`, by category (1 query)."""
    reached = Q(status__in=UPTAKE_REACHED)
    referred = Q(referred_by_facilitator=True)
    rows = (
        uptakes.order_by()
        .values("service__category")
        .annotate(
            total=Count("pk"),
            referred=Count("pk", filter=referred),
            taken_up=Count("pk", filter=reached),
            converted=Count("pk", filter=referred & reached),
        )
    )
    by_key = {row["service__category"]: row for row in rows}
    overall = UptakeFigures()
    by_category = []
    for category, label in SupportService.Category.choices:
        row = by_key.get(category)
        if row is None:
            continue
        figures = UptakeFigures(
            category=category, label=label, total=row["total"], referred=row["referred"],
            taken_up=row["taken_up"], converted=row["converted"],
        )  # fmt: skip
        by_category.append(figures)
        for name in ("total", "referred", "taken_up", "converted"):
            setattr(overall, name, getattr(overall, name) + getattr(figures, name))
    return UptakeSummary(overall=overall, by_category=by_category)


def catalogue(user) -> QuerySet[SupportProvider]:
    """The providers the user may read, each with its services (2 queries)."""
    services = SupportService.objects.order_by("name")
    return (
        SupportProvider.objects.filter(agency_id__in=access.catalogue_agency_ids(user))
        .select_related("agency")
        .prefetch_related(Prefetch("services", queryset=services))
        .order_by("agency__name", "name")
    )


def catalogue_services(network: Network) -> QuerySet[SupportService]:
    """The services a take-up in this network may name: its agency's catalogue."""
    return (
        SupportService.objects.filter(provider__agency_id=network.programme.agency_id)
        .select_related("provider")
        .order_by("provider__name", "name")
    )


def uptake_firm_choices(network: Network, uptake: ServiceUptake | None = None):
    """The active member firms, plus the uptake's own firm if it has since left."""
    condition = Q(memberships__network=network, memberships__left_on__isnull=True)
    if uptake is not None:
        condition |= Q(pk=uptake.firm_id)
    return Firm.objects.filter(condition).distinct().order_by("name")


def uptake_context(user, network: Network) -> dict:
    """The take-up summary of the network page and the take-up list, for this user."""
    uptakes = support_selectors.uptakes_for(user, network)
    return {
        "uptake_summary": support_selectors.uptake_summary(uptakes),
        # A firm member's figures are their own firm's rows only; the page says so.
        "uptakes_own_firm_only": user.is_firm_member,
        "can_record_uptake": access.can_change_network(user, network)
        and network.phase != Network.Phase.DISSOLVED,
    }
