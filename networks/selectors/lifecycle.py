"""Reads for a network's life: lists, members, the timeline, the approvals queue, goals, the
diagnosis and application. Each selector starts from what the user may see, and runs a fixed
number of queries whatever the amount of data (the tests pin the counts)."""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Count, F, Q, QuerySet, Value
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
from networks.selectors.sql import active_member_count


def network_list(*, user, phase: str | None = None) -> QuerySet[Network]:
    """The user's visible networks with what a list row shows, in one query."""
    networks = (
        access.visible_networks(user)
        .select_related("programme__agency", "facilitator", "application")
        .annotate(member_count=active_member_count())
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


def _event_rows(events: QuerySet, rank: int, a, b) -> QuerySet:
    """Phase changes and application events in one shape, for one UNION."""
    return events.order_by().values(
        rank=Value(rank), when=F("at"), row=F("pk"), a=a, b=b, why=F("reason"),
        actor_pk=F("actor_id"), actor_first=F("actor__first_name"),
        actor_last=F("actor__last_name"), actor_username=F("actor__username"),
    )  # fmt: skip


def timeline(
    network: Network, *, appointments=None, term_changes=None, handovers=None
) -> list[TimelineEntry]:
    """Every phase change, application event, appointment, change of the term and the confirmed
    handover, oldest first.

    Four queries: the phase changes and application events as one UNION, and the appointments,
    the term changes and the handovers, unless the caller has read them already (the network
    page: appointments with their person and appointer, term changes with their actor, the open
    or confirmed handovers with the confirmer)."""
    transitions = _event_rows(
        PhaseTransition.objects.filter(network=network), 0, F("from_phase"), F("to_phase")
    )
    events = _event_rows(
        ApplicationEvent.objects.filter(application__network=network),
        1,
        F("action"),
        Value("", output_field=CharField()),
    )
    entries = []
    for row in transitions.union(events, all=True).order_by("rank", "when", "row"):
        # The name is all a timeline shows of its actor.
        actor = User(
            pk=row["actor_pk"], first_name=row["actor_first"], last_name=row["actor_last"],
            username=row["actor_username"],
        )  # fmt: skip
        if row["rank"] == 0:
            title = f"{Network.Phase(row['a']).label} → {Network.Phase(row['b']).label}"
            entries.append(TimelineEntry(row["when"], "transition", title, actor, row["why"]))
        else:
            title = ApplicationEvent.Action(row["a"]).label
            entries.append(TimelineEntry(row["when"], "application", title, actor, row["why"]))
    if appointments is None:
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
    if term_changes is None:
        term_changes = TermChange.objects.filter(network=network).select_related("actor")
    for c in term_changes:
        title = str(term_titles[c.kind] % {"date": date_format(c.new_due)})
        entries.append(TimelineEntry(c.at, "term_change", title, c.actor, c.reason))
    if handovers is None:
        handovers = Handover.objects.filter(
            network=network, status=Handover.Status.CONFIRMED
        ).select_related("confirmed_by")
    for h in handovers:
        if h.status != Handover.Status.CONFIRMED:
            continue
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


def goals(network: Network) -> QuerySet[Goal]:
    return Goal.objects.filter(network=network).order_by("horizon", "due_date", "pk")


# --- for the lifecycle pages ----------------------------------------------------------------


def diagnosis_for(network: Network) -> Diagnosis | None:
    """The diagnosis at application (the one the application shows and edits)."""
    return Diagnosis.objects.filter(
        network=network, occasion=Diagnosis.Occasion.APPLICATION
    ).first()


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


def agency_programmes(agency_id: int | None) -> QuerySet[Programme]:
    return Programme.objects.filter(agency_id=agency_id).order_by("name")


def agency_facilitators(agency_id: int | None) -> QuerySet[User]:
    """The facilitators of an agency who can be given a network or appointed its manager."""
    return User.objects.filter(
        role=User.Role.FACILITATOR, agency_id=agency_id, is_active=True
    ).order_by("last_name", "first_name", "username")


def network_firms(network: Network) -> QuerySet[Firm]:
    """Firms that are or were members: the only ones an activity of this network may name."""
    return Firm.objects.filter(
        pk__in=Membership.objects.filter(network=network).values("firm_id")
    ).order_by("name")
