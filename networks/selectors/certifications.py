"""Reads of the firms' certifications: a firm's register (the rows the user may read), and
how many member firms are certified, when they joined and now, for a network or a portfolio.

The counts use only the rows each network may read (`access.network_readable_certifications`:
recorded for it, or of a firm that shares its figures with it), as the indicators' aggregates
do; who sees which firm's rows is `access.readable_certifications`.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from networks import access
from networks.models import Certification, Firm, Membership, Network

HELD = (Certification.Status.CERTIFIED, Certification.Status.LAPSED)


def firm_register(firm: Firm, user) -> list[Certification]:
    """The firm's certifications this user may read, by standard (one query)."""
    return list(
        access.readable_certifications(user)
        .filter(firm=firm)
        .select_related("network")
        .order_by("standard", "pk")
    )


def network_rows(network: Network, user) -> list[Certification]:
    """The rows of the network's active member firms that this user may read itself (their
    facilitator and agency; a member firm its own only), by firm."""
    members = Membership.objects.filter(network=network, left_on__isnull=True).values("firm_id")
    return list(
        access.readable_certifications(user)
        .filter(firm_id__in=members)
        .select_related("firm", "network")
        .order_by("firm__name", "standard", "pk")
    )


@dataclass
class CertifiedCounts:
    members: int  # active member firms
    at_joining: int  # held a certificate on the day they joined
    now: int  # hold a current certificate today

    @property
    def gained(self) -> int:
        return max(self.now - self.at_joining, 0)


def _valid_on(on, statuses):
    """Exists, for the membership's firm: a certificate with one of `statuses` valid on the
    day `on` (an OuterRef or a date); first among the rows recorded for the membership's
    network, then among all of the firm's rows."""
    rows = Certification.objects.filter(
        firm_id=OuterRef("firm_id"), status__in=statuses, certified_on__lte=on
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=on))
    return Exists(rows.filter(network_id=OuterRef("network_id"))), Exists(rows)


def certified_counts(memberships: QuerySet[Membership], today=None) -> CertifiedCounts:
    """Of `memberships` (active ones), how many firms held a certificate on the day they
    joined (lapsed since or not) and how many hold a current one today. One query."""
    today = today or timezone.localdate()
    joined_for, joined_any = _valid_on(OuterRef("joined_on"), HELD)
    now_for, now_any = _valid_on(today, (Certification.Status.CERTIFIED,))
    # A firm that shares its figures with the network is counted on all its rows (rule 3).
    row = (
        memberships.filter(left_on__isnull=True)
        .annotate(j_for=joined_for, j_any=joined_any, n_for=now_for, n_any=now_any)
        .aggregate(
            members=Count("pk"),
            at_joining=Count("pk", filter=Q(j_for=True) | Q(shares_figures=True, j_any=True)),
            now=Count("pk", filter=Q(n_for=True) | Q(shares_figures=True, n_any=True)),
        )
    )
    return CertifiedCounts(row["members"], row["at_joining"], row["now"])


def network_counts(network: Network, today: datetime.date | None = None) -> CertifiedCounts:
    return certified_counts(Membership.objects.filter(network=network), today)


def portfolio_counts(networks: QuerySet[Network], today=None) -> CertifiedCounts:
    return certified_counts(Membership.objects.filter(network__in=networks), today)
