"""What people are told: a notification row per recipient (the inbox), each user's choice of
how each kind reaches them, and the marks that make an event or a digest go out only once."""

import contextlib
import datetime

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from networks.models.agencies import User
from networks.models.lifecycle import Application, Network


class Channel(models.TextChoices):
    """How a kind of notification reaches a user, besides the inbox (which always has it)."""

    IMMEDIATE = "immediate", _("E-mail at once")
    DIGEST = "digest", _("Daily digest e-mail")
    IN_APP = "in_app", _("In the app only")


class Kind(models.TextChoices):
    APPLICATION_SUBMITTED = "application_submitted", _("An application was submitted")
    APPLICATION_DECIDED = "application_decided", _("The decision on an application")
    HANDOVER_PROPOSED = "handover_proposed", _("A handover waits for confirmation")
    HANDOVER_REMINDER = "handover_reminder", _("The handover is near or overdue")
    JOINT_ACTION_TO_CONFIRM = (
        "joint_action_to_confirm",
        _("A joint action waits for your firm's confirmation"),
    )
    JOINT_ACTION_DECLINED = "joint_action_declined", _("A firm declined a joint action")
    ATTENDANCE_TO_CONFIRM = (
        "attendance_to_confirm",
        _("An activity waits for your firm's confirmation of attendance"),
    )
    DUES_CHARGED = "dues_charged", _("Your firm's monthly dues")
    ARREARS_BEGAN = "arrears_began", _("A firm fell into arrears")
    NETWORK_AT_RISK = "network_at_risk", _("A network is newly at risk")


# The one line that names each notification, in the inbox and as the e-mail's subject. The
# values come from Notification.params (plain strings and numbers, kept with the row).
HEADLINES = {
    Kind.APPLICATION_SUBMITTED: _("%(network)s: application submitted for review by %(actor)s"),
    Kind.APPLICATION_DECIDED: _("%(network)s: the application was %(decision)s"),
    Kind.HANDOVER_PROPOSED: _(
        "%(network)s: handover proposed by %(actor)s, waiting for another officer to confirm"
    ),
    Kind.HANDOVER_REMINDER: _("The handover of %(network)s is due on %(due)s"),
    Kind.JOINT_ACTION_TO_CONFIRM: _("%(network)s: confirm that %(firm)s took part in “%(action)s”"),
    Kind.JOINT_ACTION_DECLINED: _("%(network)s: %(firm)s declined “%(action)s”"),
    Kind.ATTENDANCE_TO_CONFIRM: _(
        "%(network)s: confirm that %(firm)s attended “%(activity)s” on %(date)s"
    ),
    Kind.DUES_CHARGED: _("%(network)s: %(firm)s owes %(amount)s for %(month)s"),
    Kind.ARREARS_BEGAN: _("%(network)s: %(firm)s is in arrears (%(amount)s)"),
    Kind.NETWORK_AT_RISK: _("%(network)s is at risk: %(reason)s"),
}
OVERDUE_HEADLINE = _("The handover of %(network)s is overdue (due on %(due)s)")

# A second line for some kinds (the e-mail's body, under the headline in the inbox).
DETAILS = {
    Kind.APPLICATION_SUBMITTED: _("It is waiting in the approvals queue."),
    Kind.HANDOVER_PROPOSED: _(
        "The member firms take over the manager's whole salary from %(date)s. An officer other "
        "than the one who proposed it must confirm it."
    ),
    Kind.HANDOVER_REMINDER: _(
        "In %(days)s days the member firms take over the manager's whole salary. Check the "
        "handover readiness and agree each firm's share."
    ),
    Kind.JOINT_ACTION_TO_CONFIRM: _(
        "Open it to confirm that your firm took part, or to say that it did not."
    ),
    Kind.ATTENDANCE_TO_CONFIRM: _(
        "The facilitator recorded your firm as attending. Open it to confirm, or to say that "
        "your firm was not there."
    ),
    Kind.ARREARS_BEGAN: _("Its dues are unpaid past the programme's limit."),
}
OVERDUE_DETAIL = _(
    "It is %(days)s days overdue. The member firms should take over the manager's whole "
    "salary: record the handover, or ask the agency for an extension."
)
# Params holding an ISO date, shown as the reader's language writes dates; params holding a
# choice's value, shown as its label in the reader's language.
DATE_PARAMS = ("due", "date")
CHOICE_PARAMS = {"decision": Application.Status}


def _localized(params: dict) -> dict:
    values = dict(params)
    for key in DATE_PARAMS:
        if isinstance(values.get(key), str):
            with contextlib.suppress(ValueError):
                values[key] = date_format(datetime.date.fromisoformat(values[key]))
    for key, choices in CHOICE_PARAMS.items():
        if values.get(key) in choices.values:
            values[key] = choices(values[key]).label
    return values


class Notification(models.Model):
    """One thing one person is told. The e-mail (if their preference asks for one) is a job
    deferred in the same transaction; its state is kept here, so that a mail that could not be
    delivered is visible with its error."""

    class Mail(models.TextChoices):
        NONE = "none", _("no e-mail")
        PENDING = "pending", _("waiting to be sent")
        DIGEST = "digest", _("waiting for the daily digest")
        SENT = "sent", _("sent")
        FAILED = "failed", _("could not be sent")

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    url = models.CharField(_("link"), max_length=300, blank=True)  # a path on this site
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    mail = models.CharField(_("e-mail"), max_length=10, choices=Mail.choices, default=Mail.NONE)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    mail_error = models.TextField(blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["mail"],
                condition=models.Q(mail__in=["digest", "failed"]),
                name="notification_mail_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.kind}"

    def _text(self, template) -> str:
        try:
            return str(template) % _localized(self.params)
        except (KeyError, TypeError, ValueError):
            return ""

    @property
    def headline(self) -> str:
        """The line in the active language (the recipient's, for an e-mail)."""
        overdue = self.kind == Kind.HANDOVER_REMINDER and self.params.get("overdue")
        text = self._text(OVERDUE_HEADLINE if overdue else HEADLINES.get(self.kind, ""))
        return text or (str(Kind(self.kind).label) if self.kind in Kind.values else self.kind)

    @property
    def detail(self) -> str:
        overdue = self.kind == Kind.HANDOVER_REMINDER and self.params.get("overdue")
        return self._text(OVERDUE_DETAIL if overdue else DETAILS.get(self.kind, ""))


class NotificationPreference(models.Model):
    """A user's choice for one kind; without a row, the kind's default (rules.py) applies."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.channel}"


class EventNotified(models.Model):
    """An event that starts a state ("fell into arrears", "newly at risk") told once: the
    periodic check writes the key, and the unique key is the lock when two workers check at
    once. A key names the subject and the period, e.g. "arrears:firm-12:since-2026-03"."""

    kind = models.CharField(max_length=40, choices=Kind.choices)
    key = models.CharField(max_length=120)
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="event_notified_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class DigestSent(models.Model):
    """A user's daily digest went out (or is on its way): at most one per user and day."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
