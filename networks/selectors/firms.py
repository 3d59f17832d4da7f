"""Firms: finding one to add to a network, by name or by tax id."""

import contextlib

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q

from networks import access
from networks.lib.taxid import normalize_rut
from networks.models import Firm, Membership, Network


def firm_search(
    *, user, query: str, exclude_network: Network | None = None, limit: int | None = 20
):
    """Firms the user may find whose name or tax id contains `query`.

    A complete tax id always finds its firm: a RUT is a public identifier, and a facilitator
    must be able to add a firm that another network already registered. Each firm is marked
    `findable`: False for a firm found only by its complete tax id, of which the pages and the
    API then show the name and tax id and nothing else.
    """
    # A NUL byte cannot reach PostgreSQL (it refuses it in a string literal): a search for one
    # finds what the rest of the query finds.
    query = (query or "").replace("\x00", "").strip()
    if len(query) < 2:
        return Firm.objects.none()
    compact = query.replace(".", "").replace(" ", "").upper()
    with contextlib.suppress(ValidationError):
        compact = normalize_rut(compact)  # "761234567" finds "76123456-7"
    findable = Q(pk__in=access.findable_firms(user).values("pk"))
    firms = Firm.objects.filter(
        findable & (Q(name__icontains=query) | Q(tax_id__icontains=compact)) | Q(tax_id=compact)
    ).annotate(findable=ExpressionWrapper(findable, output_field=BooleanField()))
    if exclude_network is not None:
        firms = firms.exclude(
            memberships__in=Membership.objects.filter(network=exclude_network, left_on__isnull=True)
        )
    return firms.order_by("name")[:limit]


def firm_by_tax_id(tax_id: str) -> Firm | None:
    """The firm with exactly this (stored) tax id. A complete tax id is a public identifier,
    so it finds its firm whoever asks (as in `firm_search`)."""
    return Firm.objects.filter(tax_id=(tax_id or "").strip().upper()).first()
