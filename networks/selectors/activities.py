"""Reads for the activity pages and API. Each runs a fixed number of queries whatever the number
of activities, attendees or attachments (the tests pin the counts)."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet, Window

from networks import access
from networks.models import (
    Activity,
    ActivityType,
    Attachment,
    Attendance,
    AttendanceDecline,
    Firm,
    Membership,
    Network,
)

RECENT_ACTIVITIES = 5


def activity_types(network: Network, *, include_pk: int | None = None) -> QuerySet[ActivityType]:
    """The programme's active activity types (plus `include_pk`, an activity's retired type)."""
    wanted = Q(is_active=True)
    if include_pk is not None:
        wanted |= Q(pk=include_pk)
    return ActivityType.objects.filter(wanted, programme_id=network.programme_id)


def all_activity_types(network: Network) -> QuerySet[ActivityType]:
    """Every type of the programme, retired ones too: old activities still carry them."""
    return ActivityType.objects.filter(programme_id=network.programme_id)


def member_firms(network: Network, *, include: tuple[int, ...] = ()) -> QuerySet[Firm]:
    """The firms a form offers as attendees or host: today's active members, plus `include`
    (an activity's firms that have left since, so that editing does not drop them silently)."""
    active = Membership.objects.filter(network=network, left_on__isnull=True).values("firm_id")
    return Firm.objects.filter(Q(pk__in=active) | Q(pk__in=include)).order_by("name")


def activities(
    network: Network,
    *,
    type_slug: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Activity]:
    """The network's activities, newest first, with their type, host and attendee count."""
    rows = (
        Activity.objects.filter(network=network)
        .select_related("type", "host_firm")
        .annotate(attendee_count=Count("attendance"))
        .order_by("-date", "-pk")
    )
    if type_slug:
        rows = rows.filter(type__slug=type_slug)
    if date_from:
        rows = rows.filter(date__gte=date_from)
    if date_to:
        rows = rows.filter(date__lte=date_to)
    return rows


def activities_with_details(network: Network, **filters) -> QuerySet[Activity]:
    """`activities` with the attendance and attachments prefetched (the API's list)."""
    return _with_details(activities(network, **filters))


def recent_activities_and_count(
    network: Network, *, after: datetime.date, until: datetime.date, limit: int = RECENT_ACTIVITIES
) -> tuple[list[Activity], int]:
    """The latest activities, and how many the network held after `after` up to `until`, in
    one query: a window function counts over every activity before the limit applies."""
    held = Window(Count("pk", filter=Q(date__gt=after, date__lte=until)))
    rows = list(activities(network).annotate(held_in_window=held)[:limit])
    return rows, rows[0].held_in_window if rows else 0


def _with_details(rows: QuerySet[Activity]) -> QuerySet[Activity]:
    return rows.select_related("type", "host_firm", "created_by", "network").prefetch_related(
        Prefetch(
            "attendance",
            queryset=Attendance.objects.select_related("firm", "confirmed_by").order_by(
                "firm__name"
            ),
        ),
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        # Firms that said they were not there: their attendance no longer counts.
        Prefetch(
            "declines_made",
            queryset=AttendanceDecline.objects.select_related("firm", "declined_by").order_by(
                "at", "pk"
            ),
            to_attr="declines",
        ),
    )


def activity_detail(network: Network, pk) -> Activity | None:
    """One activity of this network with its attendance and attachments; None if not found."""
    try:
        return _with_details(Activity.objects.filter(network=network)).get(pk=pk)
    except (Activity.DoesNotExist, ValueError, TypeError):
        return None


def visible_activities(user) -> QuerySet[Activity]:
    """Activities of the networks this user may see, ready to show with their details."""
    rows = Activity.objects.filter(network__in=access.visible_networks(user))
    return _with_details(rows.select_related("network__programme__agency")).order_by("-date", "-pk")


def visible_attachments(user) -> QuerySet[Attachment]:
    """Activity attachments of the networks this user may see: the only way to reach a file."""
    return access.visible_attachments(user).select_related("activity__network__programme__agency")
