"""The broker's records across a portfolio (the portfolio report's last section): member firms
certified when they joined and now, networks that moved up a typology profile, the joint
strategic projects' money by source, and the sales won together. A fixed number of queries
(five) whatever the number of networks."""

from dataclasses import dataclass

from django.db.models import QuerySet

from networks.models import Network
from networks.selectors import certifications as certification_selectors
from networks.selectors import diagnoses as diagnosis_selectors
from networks.selectors import projects as project_selectors


@dataclass
class PortfolioRecords:
    certified: certification_selectors.CertifiedCounts
    moves: diagnosis_selectors.ProfileMoves
    moved_up: list  # (network, from profile, to profile), by name
    money: project_selectors.ProjectMoney
    sales: project_selectors.GroupSales
    currency: str | None  # None when the networks' programmes use different currencies


def portfolio_records(networks: QuerySet[Network]) -> PortfolioRecords:
    currencies = sorted(
        set(networks.order_by().values_list("programme__currency", flat=True).distinct())
    )
    moves = diagnosis_selectors.profile_moves(networks)
    names = dict(
        Network.objects.filter(pk__in=[pk for pk, _a, _b in moves.networks_up]).values_list(
            "pk", "name"
        )
    )
    moved_up = sorted(
        ((pk, names.get(pk, ""), before, after) for pk, before, after in moves.networks_up),
        key=lambda row: row[1],
    )
    return PortfolioRecords(
        certified=certification_selectors.portfolio_counts(networks),
        moves=moves,
        moved_up=moved_up,
        money=project_selectors.project_money(networks),
        sales=project_selectors.group_sales(networks),
        currency=currencies[0] if len(currencies) == 1 else None,
    )
