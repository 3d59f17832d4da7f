"""Who may see and change what. Every page, API endpoint, export and download asks here.

Two kinds of answer:
- querysets of what a user may *see* (`visible_networks`, ...), used for lists and lookups so that
  an object outside them is simply "not found" (404), never "forbidden";
- predicates for what a user may *change* (`can_change_network`, ...), which turn into 403 for
  someone who can see the object but not act on it.

`get_network_or_404` combines both for views.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from networks.models import Firm, Membership, Network, User


def _role(user) -> str:
    return getattr(user, "role", "") if user.is_authenticated else ""


def visible_networks(user) -> QuerySet[Network]:
    """The networks this user may see.

    - agency admins and staff: every network of their own agency;
    - facilitators: the networks they manage;
    - firm members: the networks their firm is or was a member of (a firm that left still
      sees its own history and what it owes);
    - anybody else: nothing.
    """
    networks = Network.objects.all()
    role = _role(user)
    if role in (User.Role.AGENCY_ADMIN, User.Role.AGENCY_STAFF) and user.agency_id:
        return networks.filter(programme__agency_id=user.agency_id)
    if role == User.Role.FACILITATOR:
        return networks.filter(facilitator_id=user.pk)
    if role == User.Role.FIRM_MEMBER and user.firm_id:
        # A subquery, not a join: a join would narrow later member counts to this one firm.
        return networks.filter(
            pk__in=Membership.objects.filter(firm_id=user.firm_id).values("network_id")
        )
    return networks.none()


def can_see_network(user, network: Network) -> bool:
    return visible_networks(user).filter(pk=network.pk).exists()


def is_agency_of(user, network: Network) -> bool:
    """Agency staff or admin of the agency that runs this network."""
    return (
        _role(user) in (User.Role.AGENCY_ADMIN, User.Role.AGENCY_STAFF)
        and user.agency_id is not None
        and user.agency_id == network.programme.agency_id
    )


def is_facilitator_of(user, network: Network) -> bool:
    return _role(user) == User.Role.FACILITATOR and network.facilitator_id == user.pk


def can_change_network(user, network: Network) -> bool:
    """May edit the network itself: its facilitator, or staff of its agency."""
    return is_facilitator_of(user, network) or is_agency_of(user, network)


def get_network_or_404(user, pk, *, change: bool = False) -> Network:
    """The network `pk` as this user may reach it.

    Raises Http404 when the user may not see it (so that its existence is not revealed), and
    PermissionDenied (403) when `change` is asked and the user may only look.
    """
    try:
        network = (
            visible_networks(user).select_related("programme__agency", "facilitator").get(pk=pk)
        )
    except (Network.DoesNotExist, ValueError, TypeError):
        raise Http404("No such network.") from None
    if change and not can_change_network(user, network):
        raise PermissionDenied
    return network


def findable_firms(user) -> QuerySet[Firm]:
    """Firms a user may find by name when building a network.

    Agency people and facilitators find the firms of their agency's networks and the firms in
    no network yet; firm members find the firms of their own networks. Firms that belong only to
    another agency's networks stay hidden.
    """
    role = _role(user)
    unaffiliated = Q(memberships__isnull=True)
    if role in (User.Role.AGENCY_ADMIN, User.Role.AGENCY_STAFF, User.Role.FACILITATOR):
        if user.agency_id:
            agency_networks = Network.objects.filter(programme__agency_id=user.agency_id)
        else:
            agency_networks = visible_networks(user)
        in_agency = Q(
            pk__in=Membership.objects.filter(network__in=agency_networks).values("firm_id")
        )
        return Firm.objects.filter(in_agency | unaffiliated).distinct()
    if role == User.Role.FIRM_MEMBER:
        return Firm.objects.filter(
            pk__in=Membership.objects.filter(network__in=visible_networks(user)).values("firm_id")
        )
    return Firm.objects.none()
