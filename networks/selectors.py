"""Reads for pages, reports and the API. Each selector starts from what the user may see, and
runs a fixed number of queries whatever the amount of data (the tests pin the counts)."""

import contextlib
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.models import (
    Application,
    ApplicationEvent,
    Diagnosis,
    Firm,
    Goal,
    Handover,
    ManagerAppointment,
    Membership,
    Network,
    PhaseTransition,
    Programme,
    TermChange,
    User,
)
from networks.taxid import normalize_rut

ACTIVE_MEMBERS = Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True)


def network_list(*, user, phase: str | None = None) -> QuerySet[Network]:
    """The user's visible networks with what a list row shows, in one query."""
    networks = (
        access.visible_networks(user)
        .select_related("programme__agency", "facilitator", "application")
        .annotate(member_count=ACTIVE_MEMBERS)
        .order_by("name")
    )
    if phase:
        networks = networks.filter(phase=phase)
    return networks


def below_minimum(network: Network) -> bool:
    """A network in consolidation under the programme's minimum is flagged (not blocked)."""
    return (
        network.phase == Network.Phase.CONSOLIDATION
        and network.member_count < network.programme.min_firms
    )


def active_memberships(network: Network) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(network=network, left_on__isnull=True)
        .select_related("firm")
        .order_by("firm__name")
    )


def former_memberships(network: Network) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(network=network, left_on__isnull=False)
        .select_related("firm")
        .order_by("-left_on")
    )


def current_appointment(network: Network) -> ManagerAppointment | None:
    return (
        ManagerAppointment.objects.filter(network=network, end_date__isnull=True)
        .select_related("person")
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str  # "transition", "application", "appointment", "term_change", "handover"
    title: str
    actor: object
    reason: str


def timeline(network: Network) -> list[TimelineEntry]:
    """Every phase change, application event, appointment, change of the term and the confirmed
    handover, oldest first (five queries)."""
    entries = []
    for t in PhaseTransition.objects.filter(network=network).select_related("actor"):
        title = f"{Network.Phase(t.from_phase).label} → {Network.Phase(t.to_phase).label}"
        entries.append(TimelineEntry(t.at, "transition", title, t.actor, t.reason))
    events = ApplicationEvent.objects.filter(application__network=network).select_related("actor")
    for e in events:
        entries.append(
            TimelineEntry(e.at, "application", e.get_action_display(), e.actor, e.reason)
        )
    appointments = ManagerAppointment.objects.filter(network=network).select_related(
        "person", "appointed_by"
    )
    for a in appointments:
        name = a.person.get_full_name() or a.person.username
        entries.append(
            TimelineEntry(a.created_at, "appointment", name, a.appointed_by, a.end_reason)
        )
    term_titles = {
        TermChange.Kind.EXTENSION: _("Term extended to %(date)s"),
        TermChange.Kind.EARLY_HANDOVER: _("Early handover allowed from %(date)s"),
    }
    for c in TermChange.objects.filter(network=network).select_related("actor"):
        title = str(term_titles[c.kind] % {"date": date_format(c.new_due)})
        entries.append(TimelineEntry(c.at, "term_change", title, c.actor, c.reason))
    handovers = Handover.objects.filter(
        network=network, status=Handover.Status.CONFIRMED
    ).select_related("confirmed_by")
    for h in handovers:
        title = str(_("Handover confirmed (from %(date)s)") % {"date": date_format(h.date)})
        entries.append(TimelineEntry(h.confirmed_at, "handover", title, h.confirmed_by, ""))
    return sorted(entries, key=lambda e: e.at)


def approvals_queue(*, user) -> QuerySet[Application]:
    """Submitted applications of the user's agency, oldest first, with their member counts."""
    return (
        Application.objects.filter(
            status=Application.Status.SUBMITTED, network__in=access.visible_networks(user)
        )
        .select_related("network__programme", "network__facilitator", "submitted_by")
        .annotate(
            member_count=Count(
                "network__memberships",
                filter=Q(network__memberships__left_on__isnull=True),
            )
        )
        .order_by("submitted_at", "pk")
    )


def waiting_days(application: Application, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return (today - timezone.localdate(application.submitted_at)).days


def firm_search(
    *, user, query: str, exclude_network: Network | None = None, limit: int | None = 20
):
    """Firms the user may find whose name or tax id contains `query`.

    A complete tax id always finds its firm: a RUT is a public identifier, and a facilitator
    must be able to add a firm that another network already registered.
    """
    # A NUL byte cannot reach PostgreSQL (it refuses it in a string literal): a search for one
    # finds what the rest of the query finds.
    query = (query or "").replace("\x00", "").strip()
    if len(query) < 2:
        return Firm.objects.none()
    compact = query.replace(".", "").replace(" ", "").upper()
    with contextlib.suppress(ValidationError):
        compact = normalize_rut(compact)  # "761234567" finds "76123456-7"
    firms = Firm.objects.filter(
        Q(pk__in=access.findable_firms(user).values("pk"))
        & (Q(name__icontains=query) | Q(tax_id__icontains=compact))
        | Q(tax_id=compact)
    )
    if exclude_network is not None:
        firms = firms.exclude(
            memberships__in=Membership.objects.filter(network=exclude_network, left_on__isnull=True)
        )
    return firms.order_by("name")[:limit]


def goals(network: Network) -> QuerySet[Goal]:
    return Goal.objects.filter(network=network).order_by("horizon", "due_date", "pk")


# --- for the lifecycle pages ----------------------------------------------------------------


def diagnosis_for(network: Network) -> Diagnosis | None:
    return Diagnosis.objects.filter(network=network).first()


def application_for(network: Network) -> Application | None:
    """The network's application, or None for a network that never had one."""
    return (
        Application.objects.filter(network=network)
        .select_related("submitted_by", "decided_by")
        .first()
    )


def application_events(network: Network) -> QuerySet[ApplicationEvent]:
    return (
        ApplicationEvent.objects.filter(application__network=network)
        .select_related("actor")
        .order_by("at", "pk")
    )


def leaving_needs_reason(network: Network, application: Application | None) -> bool:
    """Whether a firm leaving needs a reason: services.membership_remove's own rule."""
    from networks.services.lifecycle import leaving_needs_reason as rule

    return rule(network, application)


def agency_programmes(agency_id: int | None) -> QuerySet[Programme]:
    return Programme.objects.filter(agency_id=agency_id).order_by("name")


def agency_facilitators(agency_id: int | None) -> QuerySet[User]:
    """The facilitators of an agency who can be given a network or appointed its manager."""
    return User.objects.filter(
        role=User.Role.FACILITATOR, agency_id=agency_id, is_active=True
    ).order_by("last_name", "first_name", "username")


def firm_by_tax_id(tax_id: str) -> Firm | None:
    """The firm with exactly this (stored) tax id. A complete tax id is a public identifier,
    so it finds its firm whoever asks (as in `firm_search`)."""
    return Firm.objects.filter(tax_id=(tax_id or "").strip().upper()).first()
