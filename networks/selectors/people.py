"""Reads for the console's people pages and a firm's users: a fixed number of queries each."""

import contextlib

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from networks import access
from networks.lib.taxid import normalize_tax_id
from networks.models import Firm, Invitation, Network, User

PEOPLE_PAGE_SIZE = 25
RUNNING_PHASES = (
    Network.Phase.PREPARATION,
    Network.Phase.CONSOLIDATION,
    Network.Phase.INDEPENDENCE,
)


def _word_filter(word: str) -> Q:
    found = (
        Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        | Q(username__icontains=word) | Q(firm__name__icontains=word)
        | Q(firm__tax_id__icontains=word)
    )  # fmt: skip
    # A tax id typed with dots or without them finds the firm as stored (76123456-0); a word
    # that is no tax id is matched as it is.
    with contextlib.suppress(ValidationError):
        found |= Q(firm__tax_id=normalize_tax_id(word))
    return found


def people(user, *, query: str = "", role: str = "", status: str = "") -> QuerySet[User]:
    """The agency's people (access.agency_people), found by name, e-mail, role, or their firm's
    name or tax id; every word of the query must match one of them."""
    found = access.agency_people(user).select_related("firm", "agency")
    for word in query.split():
        found = found.filter(_word_filter(word))
    if role:
        found = found.filter(role=role)
    if status == "active":
        found = found.filter(is_active=True)
    elif status == "inactive":
        found = found.filter(is_active=False)
    return found.order_by("last_name", "first_name", "username")


def people_page(user, page_number, **filters) -> Page:
    return Paginator(people(user, **filters), PEOPLE_PAGE_SIZE).get_page(page_number)


def open_invitations(user) -> list[Invitation]:
    """The agency's invitations not yet accepted or withdrawn, newest first (expired ones too:
    they can be sent again)."""
    return list(
        access.agency_invitations(user)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("firm", "invited_by")
        .order_by("-created_at")
    )


def running_networks(person: User) -> list[Network]:
    return list(
        Network.objects.filter(facilitator=person, phase__in=RUNNING_PHASES).order_by("name")
    )


def firm_people(firm: Firm) -> dict:
    """A firm's users and its open invitations (of any agency: the firm's own page)."""
    users = list(User.objects.filter(firm=firm).order_by("last_name", "first_name", "username"))
    invitations = [
        i
        for i in Invitation.objects.filter(
            firm=firm, accepted_at__isnull=True, revoked_at__isnull=True
        ).select_related("invited_by")
        if i.is_open
    ]
    return {"users": users, "invitations": invitations}


def invitable_firms(user) -> QuerySet[Firm]:
    """Firms the agency admin may invite a contact of: those of the agency's networks."""
    return access.firms_with_visible_figures(user).order_by("name")
