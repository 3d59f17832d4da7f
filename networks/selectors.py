"""Reads for pages, reports and the API. Each selector starts from what the user may see."""

from django.db.models import Count, Q, QuerySet

from networks import access
from networks.models import Network


def network_list(*, user) -> QuerySet[Network]:
    """The user's visible networks with what a list row shows, in a fixed number of queries."""
    return (
        access.visible_networks(user)
        .select_related("programme__agency", "facilitator")
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("name")
    )
