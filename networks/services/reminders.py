"""Handover reminders: 6, 3 and 1 month before the due date (programme settings), then weekly
while overdue. Each goes out once: a ReminderSent row is written in the same transaction as
the notifications and their mail jobs, so running this every hour (the periodic job, or the
command by hand, from any number of workers at once) never tells anyone twice."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import Network, ReminderSent
from networks.services import notifications


def due_reminder_key(network: Network, today: datetime.date) -> str | None:
    """The reminder that applies today, or None.

    Before the due date it is the nearest offset already reached ("before-3"); a network that
    came into the app late gets only that one, not every offset it skipped. After the due date
    it is the week of the overdue period ("overdue-week-2").
    """
    due = network.handover_due
    if due is None:
        return None
    if today > due:
        return f"overdue-week-{(today - due).days // 7}"
    reached = [
        months
        for months in network.programme.reminder_offsets_months or []
        if today >= add_months(due, -months)
    ]
    return f"before-{min(reached)}" if reached else None


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Notify every reminder that is due and not yet sent; return how many went out.

    Each network is its own transaction: a failure in one leaves the others' reminders done.
    """
    today = today or timezone.localdate()
    networks = Network.objects.filter(
        phase=Network.Phase.CONSOLIDATION, handover_due__isnull=False
    ).select_related("programme", "facilitator")
    sent = 0
    for network in networks:
        key = due_reminder_key(network, today)
        if key is None:
            continue
        try:
            with transaction.atomic():
                # The unique row is the lock: a parallel run fails here and sends nothing.
                ReminderSent.objects.create(network=network, key=key, due_date=network.handover_due)
                notifications.handover_reminder(network, key=key, today=today)
        except IntegrityError:
            continue
        sent += 1
    return sent
