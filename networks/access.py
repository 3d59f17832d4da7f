"""Who may see and change what. Every page, API endpoint, export and download asks here.

Two kinds of answer:
- querysets of what a user may *see* (`visible_networks`, ...), used for lists and lookups so that
  an object outside them is simply "not found" (404), never "forbidden";
- predicates for what a user may *change* (`can_change_network`, ...), which turn into 403 for
  someone who can see the object but not act on it.

`get_network_or_404` combines both for views. `require` turns a predicate's "no" into 403, and
`get_or_404` / `found_or_404` turn a row missing from a visible set into 404; views, the API
and the services use them rather than raising on their own.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from networks.models import (
    Agency,
    ApiToken,
    Attachment,
    Certification,
    Firm,
    FirmIndicator,
    GoalActual,
    Invitation,
    JointAction,
    JointProject,
    Membership,
    Network,
    Notification,
    Payment,
    Programme,
    ServiceUptake,
    User,
)

NOT_AGENCY_STAFF = _("Only staff of the network's agency can do this.")
AGENCY_ROLES = (User.Role.AGENCY_ADMIN, User.Role.AGENCY_STAFF, User.Role.FACILITATOR)


# --- 403 and 404 ----------------------------------------------------------------------------


def require(allowed: bool, message=None) -> None:
    """403 unless `allowed` (an access predicate's answer), with the service's message if any."""
    if not allowed:
        # A bare PermissionDenied: the API answers DRF's own default detail for it.
        raise PermissionDenied(message) if message is not None else PermissionDenied


def require_role(user, *roles) -> None:
    """403 unless the user has one of `roles` (the home pages and the approvals queue)."""
    if user.role not in roles:
        raise PermissionDenied


def require_change(user, network: Network) -> None:
    """403 unless the user may change the network (its facilitator or its agency)."""
    require(can_change_network(user, network))


def require_agency(user, network: Network) -> None:
    """403 unless the user is staff of the network's agency."""
    require(is_agency_of(user, network), NOT_AGENCY_STAFF)


def get_or_404(queryset: QuerySet, pk, message: str):
    """Row `pk` of `queryset` (built from a visible_* set), or 404 whose text is `message`.

    Callers pass a selector's queryset, so the row comes with the selector's related rows."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None


def found_or_404(obj, message: str):
    """`obj`, or 404 whose text is `message` when a lookup through a visible set found none."""
    if obj is None:
        raise Http404(message)
    return obj


def is_operator(user) -> bool:
    """A platform operator: a superuser with no PROFO role (the Django admin is theirs)."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser and not _role(user))


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
    networks = visible_networks(user).select_related("programme__agency", "facilitator")
    network = get_or_404(networks, pk, "No such network.")
    if change and not can_change_network(user, network):
        raise PermissionDenied
    return network


def get_agency_network_or_404(user, pk) -> Network:
    """The network for an agency-only action: 404 to outsiders, 403 to everyone but its agency."""
    network = get_network_or_404(user, pk)
    if not is_agency_of(user, network):
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
    if role in AGENCY_ROLES:
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


# --- consolidation work --------------------------------------------------------------------


def user_firm_is_active_member(user, network: Network) -> bool:
    return (
        _role(user) == User.Role.FIRM_MEMBER
        and user.firm_id is not None
        and Membership.objects.filter(
            network=network, firm_id=user.firm_id, left_on__isnull=True
        ).exists()
    )


def can_log_joint_action(user, network: Network) -> bool:
    """The facilitator, or a user of a firm that is an active member."""
    return is_facilitator_of(user, network) or user_firm_is_active_member(user, network)


def can_edit_joint_action(user, joint_action) -> bool:
    """Only the firm that logged it, or the network's facilitator."""
    network = joint_action.network
    if is_facilitator_of(user, network):
        return True
    return (
        _role(user) == User.Role.FIRM_MEMBER
        and joint_action.logged_by_firm_id is not None
        and joint_action.logged_by_firm_id == user.firm_id
    )


def can_confirm_participation(user, joint_action) -> bool:
    """Only a user of the participating firm speaks for that firm."""
    return (
        _role(user) == User.Role.FIRM_MEMBER
        and user.firm_id is not None
        and joint_action.participants.filter(firm_id=user.firm_id).exists()
    )


# --- a firm's figures -----------------------------------------------------------------------
#
# The rule, in one place (docs/security.md quotes it):
# 1. A firm's users read every row of its figures.
# 2. A row recorded for a network is read by that network's facilitator and by the staff of
#    that network's agency (who see all of their agency's networks).
# 3. A firm's own records, and rows recorded for other networks (another agency's, or from
#    before it joined), are read by a network's facilitator and agency only when the firm
#    shares its figures with that network; it may take that back at any time.
# 4. Nobody else reads any row: not other member firms (network aggregates only), not other
#    networks or agencies, even when the firm is their member too.
# 5. A network's aggregates use only the rows that network may read (2 and 3).


def firms_with_visible_figures(user) -> QuerySet[Firm]:
    """Firms whose figures pages (indicators, ledger) this user may open.

    - a firm member: their own firm only, never another member's;
    - a facilitator: the firms that are or were members of the networks they manage;
    - agency staff: the firms that are or were members of their agency's networks.

    Which rows of figures they then read is `readable_indicators`, not this.
    """
    role = _role(user)
    if role == User.Role.FIRM_MEMBER:
        return Firm.objects.filter(pk=user.firm_id) if user.firm_id else Firm.objects.none()
    if role in AGENCY_ROLES:
        return Firm.objects.filter(
            pk__in=Membership.objects.filter(network__in=visible_networks(user)).values("firm_id")
        )
    return Firm.objects.none()


def _sharing_firm_ids(networks) -> QuerySet:
    """Firms that share all their figures with one of `networks` (a queryset or a network)."""
    if isinstance(networks, Network):
        memberships = Membership.objects.filter(network=networks)
    else:
        memberships = Membership.objects.filter(network__in=networks)
    return memberships.filter(shares_figures=True).values("firm_id")


def _readable_figure_rows(model, user) -> QuerySet:
    """Rows of a firm's figures (`model`: FirmIndicator, Certification) that this user may
    read, by rules 1 to 4 above."""
    role = _role(user)
    if role == User.Role.FIRM_MEMBER:
        return model.objects.filter(firm_id=user.firm_id) if user.firm_id else model.objects.none()
    if role in AGENCY_ROLES:
        networks = visible_networks(user)
        return model.objects.filter(
            Q(network__in=networks) | Q(firm_id__in=_sharing_firm_ids(networks))
        )
    return model.objects.none()


def readable_indicators(user) -> QuerySet[FirmIndicator]:
    """The indicator rows this user may read. Every page, endpoint and export that shows a
    firm's figures reads them through this."""
    return _readable_figure_rows(FirmIndicator, user)


def network_readable_indicators(network: Network) -> QuerySet[FirmIndicator]:
    """The rows a network may read (rules 2 and 3): those recorded for it, and every row of a
    firm that shares its figures with it. A network's aggregates use these only."""
    return FirmIndicator.objects.filter(
        Q(network=network) | Q(firm_id__in=_sharing_firm_ids(network))
    )


def can_see_firm_figures(user, firm: Firm) -> bool:
    return firms_with_visible_figures(user).filter(pk=firm.pk).exists()


def can_record_firm_figures(user, firm: Firm) -> bool:
    """The firm itself, its networks' facilitators and its agency may record its figures (and
    change its details); for which network, `figure_networks` says."""
    return can_see_firm_figures(user, firm)


def is_user_of_firm(user, firm: Firm) -> bool:
    return _role(user) == User.Role.FIRM_MEMBER and firm.pk is not None and user.firm_id == firm.pk


def figure_networks(user, firm: Firm) -> QuerySet[Network]:
    """The networks this user may record the firm's figures for.

    - the firm's own users: the networks it is an active member of (or none: its own record);
    - a facilitator or agency staff: those of their networks the firm is or was a member of.
    """
    in_firm = Membership.objects.filter(firm=firm)
    if is_user_of_firm(user, firm):
        return Network.objects.filter(
            pk__in=in_firm.filter(left_on__isnull=True).values("network_id")
        )
    if _role(user) in AGENCY_ROLES:
        return visible_networks(user).filter(pk__in=in_firm.values("network_id"))
    return Network.objects.none()


def can_keep_figures_private(user, firm: Firm) -> bool:
    """Only the firm itself records figures for no network (its own, private until shared)."""
    return is_user_of_firm(user, firm)


def can_share_figures(user, firm: Firm) -> bool:
    """Only the firm itself decides to share its figures with a network's facilitator and
    agency; neither of them may decide it for the firm."""
    return is_user_of_firm(user, firm)


def get_firm_figures_or_404(user, pk) -> Firm:
    """A firm whose figures the user may see; 404 otherwise (also for other member firms)."""
    return get_or_404(firms_with_visible_figures(user), pk, "No such firm.")


def can_register_firm(user) -> bool:
    """Agency people and facilitators register firms when they build networks."""
    return _role(user) in AGENCY_ROLES


def can_create_network(user) -> bool:
    """Agency people and facilitators build networks (in their own agency's programmes: the
    service checks the programme)."""
    return can_register_firm(user)


def can_export(user) -> bool:
    """Everyone with a role exports what they may see (the exports filter by access)."""
    return _role(user) in User.Role.values  # every role; a user without one exports nothing


# --- joint actions and support-service take-up ------------------------------------------------


def visible_joint_actions(user) -> QuerySet:
    """Joint actions of the networks this user may see; any other one is "not found"."""
    return JointAction.objects.filter(network__in=visible_networks(user))


def visible_uptakes(user) -> QuerySet:
    """Support-service take-ups this user may see.

    The facilitator and the agency see every row of their networks; a firm member sees only
    their own firm's rows (a firm's use of credit or consulting is its own business).
    """
    uptakes = ServiceUptake.objects.filter(network__in=visible_networks(user))
    if _role(user) == User.Role.FIRM_MEMBER:
        return uptakes.filter(firm_id=user.firm_id)
    return uptakes


def catalogue_agency_ids(user) -> QuerySet:
    """Agencies whose support-service catalogue the user may read: their own agency (staff and
    facilitators) and the agencies of the networks they see (firm members)."""
    agencies = Q(pk__in=visible_networks(user).values("programme__agency_id"))
    if _role(user) and getattr(user, "agency_id", None):
        agencies |= Q(pk=user.agency_id)
    return Agency.objects.filter(agencies).values("pk")


def can_manage_catalogue(user) -> bool:
    """Agency staff and admins keep their agency's catalogue of providers and services."""
    return is_agency_user(user)


def visible_attachments(user) -> QuerySet:
    """Activity attachments of the networks this user may see: the only way to reach a file."""
    return Attachment.objects.filter(activity__network__in=visible_networks(user))


def can_confirm_attendance(user, activity) -> bool:
    """Only a user of an attending firm, and only for that firm (uses prefetched attendance)."""
    return (
        _role(user) == User.Role.FIRM_MEMBER
        and user.firm_id is not None
        and any(row.firm_id == user.firm_id for row in activity.attendance.all())
    )


# --- programmes: criteria sets and reports -----------------------------------------------------


def is_agency_user(user) -> bool:
    """Agency staff or admin with an agency: the people who evaluate and read reports."""
    return _role(user) in (User.Role.AGENCY_ADMIN, User.Role.AGENCY_STAFF) and bool(user.agency_id)


def visible_programmes(user) -> QuerySet:
    """Programmes a user may see: every programme of their own agency (agency people), the
    programmes of the networks they see (facilitators and firm members), nothing otherwise."""
    if is_agency_user(user):
        return Programme.objects.filter(agency_id=user.agency_id)
    return Programme.objects.filter(pk__in=visible_networks(user).values("programme_id"))


def can_admin_programme(user, programme) -> bool:
    """Only an admin of the agency that runs the programme changes its settings and criteria."""
    return (
        _role(user) == User.Role.AGENCY_ADMIN
        and user.agency_id is not None
        and user.agency_id == programme.agency_id
    )


def can_evaluate(user, network: Network) -> bool:
    """Staff of the network's agency evaluate it, in any phase: a network still in preparation
    too, so that a portfolio can count its age from approval (issue 18)."""
    return is_agency_of(user, network)


def get_programme_or_404(user, pk, *, agency_only: bool = True):
    """The programme `pk` as this user may reach it: 404 when they may not see it, 403 when
    `agency_only` and they are not agency people (a facilitator sees the programme's networks
    but not its settings pages)."""
    programme = get_or_404(
        visible_programmes(user).select_related("agency"), pk, "No such programme."
    )
    if agency_only and not is_agency_user(user):
        raise PermissionDenied
    return programme


def get_admin_programme_or_404(user, pk):
    """A programme to change: 404 to other agencies, 403 to everyone but the agency's admins."""
    programme = get_programme_or_404(user, pk)
    if not can_admin_programme(user, programme):
        raise PermissionDenied
    return programme


# --- the agency console: the agency's people and invitations ---------------------------------


def is_agency_admin(user) -> bool:
    """An admin of an agency: the console's pages are theirs (403 for everyone else)."""
    return _role(user) == User.Role.AGENCY_ADMIN and bool(user.agency_id)


def agency_people(user) -> QuerySet[User]:
    """The people of the user's agency, as its staff and admins see them: its staff, admins
    and facilitators, and the users of the firms in its networks. Anybody else (facilitators
    and firms included) finds none of them: "not found" on the console's pages."""
    if not is_agency_user(user):
        return User.objects.none()
    firms = Membership.objects.filter(network__programme__agency_id=user.agency_id)
    return User.objects.filter(
        Q(agency_id=user.agency_id)
        | Q(role=User.Role.FIRM_MEMBER, firm_id__in=firms.values("firm_id"))
    )


def get_agency_person_or_404(user, pk) -> User:
    """A person of the user's agency to manage: 404 outside it, 403 to all but its admins."""
    person = get_or_404(agency_people(user).select_related("agency", "firm"), pk, "No such person.")
    require(is_agency_admin(user))
    return person


def agency_invitations(user) -> QuerySet:
    if not is_agency_user(user):
        return Invitation.objects.none()
    return Invitation.objects.filter(agency_id=user.agency_id)


def get_agency_invitation_or_404(user, pk):
    """An invitation of the user's agency: 404 outside it, 403 to all but its admins."""
    invitation = get_or_404(agency_invitations(user), pk, "No such invitation.")
    require(is_agency_admin(user))
    return invitation


def can_invite(user, *, role: str, firm: Firm | None) -> bool:
    """Agency admins invite anyone to their agency; agency staff and facilitators invite the
    contacts of the firms they work with (a firm's page), not staff."""
    if role != User.Role.FIRM_MEMBER:
        return is_agency_admin(user)
    if _role(user) not in AGENCY_ROLES or not user.agency_id:
        return False
    # No firm named yet: the service asks for one.
    return firm is None or firms_with_visible_figures(user).filter(pk=firm.pk).exists()


def own_tokens(user) -> QuerySet:
    """The API tokens a user may see and revoke: their own, while they have not expired."""
    from django.utils import timezone

    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    )


def get_own_token_or_404(user, pk):
    """One of the user's own tokens; anybody else's reads as "no such token" (404)."""
    return get_or_404(own_tokens(user), pk, "No such token.")


# --- corrections: one payment, goal value or set of figures --------------------------------


def get_payment_or_404(user, pk, *, change: bool = False):
    """A payment as this user may reach it: of a network they see, by a firm whose figures they
    see (another member firm's payments are 404, as its ledger is); 403 for a change by someone
    who may only look (the paying firm itself)."""
    payments = Payment.objects.filter(
        network__in=visible_networks(user), firm__in=firms_with_visible_figures(user)
    ).select_related("network__programme", "firm")
    payment = get_or_404(payments, pk, "No such payment.")
    if change and not can_change_network(user, payment.network):
        raise PermissionDenied
    return payment


def get_goal_actual_or_404(user, pk, *, change: bool = False):
    """A goal's period value in a network the user sees; 403 for a change by whoever may not
    change that network."""
    actuals = GoalActual.objects.filter(goal__network__in=visible_networks(user))
    actual = get_or_404(actuals.select_related("goal__network__programme"), pk, "No such value.")
    if change and not can_change_network(user, actual.goal.network):
        raise PermissionDenied
    return actual


def can_correct_figures(user, report) -> bool:
    """A report of figures is corrected where it could be recorded: a row recorded for a network
    by those who record for that network (`figure_networks`), the firm's own row by the firm
    only. A row that reaches a reader because the firm shares it is read-only to them."""
    if report.network_id is None:
        return can_keep_figures_private(user, report.firm)
    return figure_networks(user, report.firm).filter(pk=report.network_id).exists()


def get_firm_indicator_or_404(user, pk, *, change: bool = False):
    """One report of a firm's figures that this user may read (`readable_indicators`; 404
    otherwise); 403 for a change by someone who may read it but not correct it."""
    report = get_or_404(
        readable_indicators(user).select_related("firm", "network"), pk, "No such figures."
    )
    if change and not can_correct_figures(user, report):
        raise PermissionDenied
    return report


# --- notifications --------------------------------------------------------------------------


def own_notifications(user):
    """A user's own notifications: the inbox shows no one else's."""
    return Notification.objects.filter(recipient=user)


def get_own_notification_or_404(user, pk):
    """One of the user's own notifications; anybody else's reads as "no such notification"."""
    return get_or_404(own_notifications(user), pk, "No such notification.")


def can_see_failed_mails(user) -> bool:
    """Agency admins see the e-mails that could not be sent to their agency's people."""
    return bool(user.is_authenticated and user.role == "agency_admin" and user.agency_id)


# --- certifications: a firm's figure, read as its indicators are ----------------------------


def readable_certifications(user) -> QuerySet[Certification]:
    """The certification rows this user may read: the rule of `readable_indicators`."""
    return _readable_figure_rows(Certification, user)


def network_readable_certifications(network: Network) -> QuerySet[Certification]:
    """The rows a network counts: recorded for it, or of a firm that shares with it."""
    return Certification.objects.filter(
        Q(network=network) | Q(firm_id__in=_sharing_firm_ids(network))
    )


def get_certification_or_404(user, pk, *, change: bool = False) -> Certification:
    """A certification this user may read (404 otherwise); 403 for a change by a reader who
    may not correct it (where it was recorded: `can_correct_figures`)."""
    rows = readable_certifications(user).select_related("firm", "network")
    row = get_or_404(rows, pk, "No such certification.")
    if change and not can_correct_figures(user, row):
        raise PermissionDenied
    return row


# --- joint strategic projects ----------------------------------------------------------------


def visible_projects(user) -> QuerySet[JointProject]:
    """The projects of the networks this user may see (outsiders: none, so 404)."""
    return JointProject.objects.filter(network__in=visible_networks(user))


def can_manage_project(user, network: Network) -> bool:
    """Projects are planned by the network's facilitator and its agency."""
    return can_change_network(user, network)
