"""Reads of notifications: the inbox, the unread count of the bell, a user's preferences, and
the e-mails that could not be sent."""

from django.db.models import Q, QuerySet

from networks import access
from networks.models import Kind, Notification, NotificationPreference, User
from networks.rules import NOTIFICATION_DEFAULT_CHANNEL, NOTIFICATION_KINDS_BY_ROLE


def inbox(user: User) -> QuerySet[Notification]:
    """Newest first. The line is made from the row's own values: no join needed."""
    return access.own_notifications(user).order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    """The bell's number: one count on a partial index (unread rows only)."""
    return access.own_notifications(user).filter(read_at__isnull=True).count()


def preferences(user: User) -> list[tuple[str, str, str]]:
    """(kind, its label, the channel in force) for each kind the user's role is told about
    (every kind for a user without a role), in the order of Kind."""
    offered = set(NOTIFICATION_KINDS_BY_ROLE.get(user.role, Kind))
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return [
        (kind.value, kind.label, chosen.get(kind.value, NOTIFICATION_DEFAULT_CHANNEL[kind]))
        for kind in Kind
        if kind in offered
    ]


def failed_mails(agency_id: int) -> QuerySet[Notification]:
    """Notifications whose e-mail could not be sent after every retry, that concern an
    agency: to its own people, or about its networks (firm users and facilitators)."""
    return (
        Notification.objects.filter(mail=Notification.Mail.FAILED)
        .filter(Q(recipient__agency_id=agency_id) | Q(network__programme__agency_id=agency_id))
        .select_related("recipient")
        .order_by("-created_at", "-pk")
    )
