"""E-mails, written in each recipient's language and sent only after the change is committed."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from networks.models import User


def _send(recipients, template: str, context: dict) -> None:
    for user in recipients:
        if not user.email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
            body = render_to_string(f"emails/{template}.txt", {**context, "recipient": user})
        send_mail(subject, body, None, [user.email])


def _on_commit(recipients, template: str, context: dict) -> None:
    recipients = list(recipients)
    transaction.on_commit(lambda: _send(recipients, template, context))


def agency_reviewers(agency_id: int):
    return User.objects.filter(
        agency_id=agency_id,
        role__in=[User.Role.AGENCY_STAFF, User.Role.AGENCY_ADMIN],
        is_active=True,
    )


def application_submitted(application) -> None:
    network = application.network
    reviewers = agency_reviewers(network.programme.agency_id).exclude(
        pk=application.submitted_by_id
    )
    _on_commit(reviewers, "application_submitted", {"application": application, "network": network})


def application_decided(application) -> None:
    network = application.network
    recipients = {u.pk: u for u in (network.facilitator, application.submitted_by) if u}
    _on_commit(
        recipients.values(), "application_decided", {"application": application, "network": network}
    )


def handover_reminder(network, *, key: str, today) -> None:
    """Sent inside the reminder's transaction: if the mail fails, the reminder is not marked."""
    recipients = list(agency_reviewers(network.programme.agency_id))
    if network.facilitator:
        recipients.append(network.facilitator)
    days = (network.handover_due - today).days
    _send(
        recipients,
        "handover_reminder",
        {"network": network, "days_left": days, "days_overdue": -days, "overdue": days < 0},
    )
