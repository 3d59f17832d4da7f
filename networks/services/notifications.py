"""What people are told, and the e-mails that carry it.

`notify` is the one entry point: it writes one in-app Notification per recipient and, for each
recipient whose preference asks for an e-mail at once, defers one mail job, all in the
caller's transaction. Nothing here sends an e-mail inside a request: a worker runs
`notification_mail_send`, `digest_mail_send`, `password_reset_mail_send` and
`invitation_mail_send` (networks/tasks.py),
one job per mail, so one recipient's failure never stops another's mail. Each mail is written
in its recipient's language and links straight to the page (settings.SITE_URL).

Below `notify`, one function per event picks its recipients (the callers are services).
"""

import datetime
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from networks.lib import links
from networks.lib.money import format_money
from networks.models import (
    Channel,
    DigestSent,
    EventNotified,
    Firm,
    Invitation,
    Kind,
    Network,
    Notification,
    NotificationPreference,
    User,
)
from networks.rules import MAIL_ATTEMPTS, NOTIFICATION_DEFAULT_CHANNEL
from networks.services import jobs
from networks.services import people as people_services

log = logging.getLogger(__name__)

MAIL_TASK = "notification_mail"
DIGEST_TASK = "digest_mail"
PASSWORD_RESET_TASK = "password_reset_mail"


# --- notify ---------------------------------------------------------------------------------


def channels_for(users: Iterable[User], kind: str) -> dict[int, str]:
    """Each user's channel for `kind`: their choice, or the kind's default (one query)."""
    ids = [user.pk for user in users]
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "channel"
        )
    )
    default = NOTIFICATION_DEFAULT_CHANNEL.get(kind, Channel.IMMEDIATE)
    return {pk: chosen.get(pk, default) for pk in ids}


def _plain(params: dict) -> dict:
    # Kept as JSON with the row and used as %-format values: strings, numbers and booleans.
    return {
        key: value if isinstance(value, bool | int) else str(value) for key, value in params.items()
    }


@transaction.atomic
def notify(
    *,
    kind: str,
    recipients: Iterable[User],
    network: Network | None = None,
    url: str = "",
    params: dict | None = None,
    exclude: User | None = None,
) -> list[Notification]:
    """Tell each recipient (once, however often they are listed; never `exclude`, the person
    who caused it; never an inactive account) about an event of kind `kind`.

    Writes the Notification rows and defers the immediate e-mails in the caller's transaction:
    if it rolls back, nobody is told anything.
    """
    people = {
        user.pk: user
        for user in recipients
        if user is not None and user.is_active and (exclude is None or user.pk != exclude.pk)
    }
    if not people:
        return []
    channels = channels_for(people.values(), kind)
    values = _plain({"network": network.name if network else "", **(params or {})})
    rows = []
    for pk, user in people.items():
        channel = channels[pk]
        if not user.email or channel == Channel.IN_APP:
            mail = Notification.Mail.NONE
        elif channel == Channel.DIGEST:
            mail = Notification.Mail.DIGEST
        else:
            mail = Notification.Mail.PENDING
        rows.append(
            Notification(
                recipient=user, kind=kind, network=network, url=url, params=values, mail=mail
            )
        )
    rows = Notification.objects.bulk_create(rows)
    for row in rows:
        if row.mail == Notification.Mail.PENDING:
            jobs.defer(MAIL_TASK, notification_id=row.pk)
    return rows


# --- the workers' side: rendering and sending ------------------------------------------------


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path.startswith("/") else path


LINK_KINDS = {
    Kind.JOINT_ACTION_TO_CONFIRM: links.JOINT_ACTION,
    Kind.ATTENDANCE_TO_CONFIRM: links.ATTENDANCE,
}


def answer_link(row: Notification, user: User) -> str:
    """The recipient's own signed link to answer without logging in ("" for other kinds).

    Made as the mail goes out, never stored: it names the row to answer, the firm and the
    recipient, and only for a recipient who is still a user of that firm."""
    kind, params = LINK_KINDS.get(row.kind), row.params
    ids = [params.get(key) for key in ("row", "parent", "firm_id")]
    if kind is None or not all(isinstance(i, int) for i in ids) or user.firm_id != ids[2]:
        return ""
    token = links.make(links.Link(kind, *ids, user.pk))
    return absolute(reverse("networks:confirmation-link", args=[token]))


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def _send(user: User, subject: str, body: str) -> None:
    # EMAIL_TIMEOUT bounds a server that accepts and never answers; an error goes up to the job.
    EmailMessage(" ".join(subject.split()), body, None, [user.email]).send()


def _record_failure(pks: list[int], error: BaseException) -> None:
    """Kept in its own transaction (the mail's one rolled back): the attempts and the error, and
    after the last attempt the failed state, which the agency's page and the admin show."""
    text = f"{type(error).__name__}: {error}"[:1000]
    with transaction.atomic():
        for row in Notification.objects.select_for_update().filter(pk__in=pks):
            row.mail_attempts += 1
            row.mail_error = text
            if row.mail_attempts >= MAIL_ATTEMPTS:
                row.mail = Notification.Mail.FAILED
            row.save(update_fields=["mail_attempts", "mail_error", "mail"])


def notification_mail_send(*, notification_id: int) -> bool:
    """Send one notification's e-mail (a worker's job). True when it went out now.

    The row is locked while the mail goes out and marked sent in the same transaction, so two
    runs of the same job (a retry racing a slow first try) send it once; a row already sent,
    or gone, sends nothing. On an error the row keeps the attempt and the error, and the error
    goes up so that the queue retries the job with backoff.
    """
    try:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("recipient")
                .filter(pk=notification_id, mail=Notification.Mail.PENDING)
                .first()
            )
            if row is None:
                return False
            user = row.recipient
            with translation.override(_language(user)):
                subject = row.headline
                context = {
                    "recipient": user, "notification": row, "headline": subject,
                    "link": absolute(row.url or reverse("networks:notification-list")),
                    "answer_link": answer_link(row, user),
                    "days": settings.CONFIRMATION_LINK_DAYS,
                    "preferences": absolute(reverse("networks:notification-preferences")),
                }  # fmt: skip
                body = render_to_string("emails/notification.txt", context)
            _send(user, f"PROFO: {subject}", body)
            row.mail, row.mailed_at, row.mail_error = Notification.Mail.SENT, timezone.now(), ""
            row.save(update_fields=["mail", "mailed_at", "mail_error"])
            return True
    except Exception as error:
        _record_failure([notification_id], error)
        raise


def digests_queue(*, today: datetime.date | None = None) -> int:
    """Queue today's digest of every user with notifications waiting for one (the periodic
    job). A DigestSent row per user and day, written with the job, makes it once a day however
    many workers run this at once; returns how many were queued."""
    today = today or timezone.localdate()
    waiting = (
        Notification.objects.filter(mail=Notification.Mail.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    queued = 0
    for user_id in waiting:
        try:
            with transaction.atomic():
                DigestSent.objects.create(user_id=user_id, day=today)
                jobs.defer(DIGEST_TASK, user_id=user_id)
        except IntegrityError:
            continue  # already queued today
        queued += 1
    return queued


def digest_mail_send(*, user_id: int) -> int:
    """Send a user's digest: every notification waiting for it, in one mail. Returns how many
    it listed (0: nothing waiting, nothing sent)."""
    pks: list[int] = []
    try:
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update()
                .filter(recipient_id=user_id, mail=Notification.Mail.DIGEST)
                .order_by("created_at", "pk")
            )
            pks = [row.pk for row in rows]
            user = User.objects.filter(pk=user_id, is_active=True).first()
            if not rows or user is None or not user.email:
                return 0
            with translation.override(_language(user)):
                items = [
                    (row.headline, answer_link(row, user) or absolute(row.url)) for row in rows
                ]
                context = {
                    "recipient": user, "items": items,
                    "inbox": absolute(reverse("networks:notification-list")),
                    "preferences": absolute(reverse("networks:notification-preferences")),
                }  # fmt: skip
                subject = render_to_string("emails/digest_subject.txt", context)
                body = render_to_string("emails/digest.txt", context)
            _send(user, subject, body)
            Notification.objects.filter(pk__in=pks).update(
                mail=Notification.Mail.SENT, mailed_at=timezone.now(), mail_error=""
            )
            return len(rows)
    except Exception as error:
        if pks:
            _record_failure(pks, error)
        raise


def password_reset_mail_send(*, email: str) -> int:
    """The password reset e-mails for an address, built by the worker: it finds the accounts
    (Django's rules: active, with a usable password) and makes each link's token here, so the
    request that asked did the same for a known address as for an unknown one. Returns how
    many went out."""
    sent = 0
    scheme, _sep, domain = settings.SITE_URL.partition("://")
    for user in PasswordResetForm().get_users(email):
        context = {
            "email": user.email, "domain": domain, "site_name": "PROFO", "protocol": scheme,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)), "user": user,
            "token": default_token_generator.make_token(user),
        }  # fmt: skip
        with translation.override(_language(user)):
            subject = render_to_string("registration/password_reset_subject.txt", context)
            body = render_to_string("registration/password_reset_email.html", context)
        _send(user, subject, body)
        sent += 1
    return sent


def invitation_mail_send(*, invitation_id: int) -> bool:
    """An invitation's e-mail (a worker's job), in the invitation's language, with a fresh link.

    The token is made here, as the mail goes out, so it waits in no table (the job's arguments
    included). The row is locked meanwhile: when the mail fails, the new digest rolls back with
    it and the retry makes another. An invitation accepted or withdrawn before the worker came
    is not sent. Returns True when the mail went out."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("agency", "firm", "invited_by")
            .get(pk=invitation_id)
        )
        if invitation.accepted_at or invitation.revoked_at:
            return False
        token = people_services.new_link(invitation)
        # The person who invited is in the audit already; the worker's new link is not news.
        invitation.skip_history_when_saving = True
        invitation.save(update_fields=["token_digest", "expires_at"])
        context = {"invitation": invitation, "url": people_services.invitation_url(token),
                   "days": settings.INVITATION_EXPIRY_DAYS}  # fmt: skip
        with translation.override(invitation.language or settings.LANGUAGE_CODE):
            subject = render_to_string("emails/invitation_subject.txt", context)
            body = render_to_string("emails/invitation.txt", context)
        EmailMessage(" ".join(subject.split()), body, None, [invitation.email]).send()
    return True


# --- who is told what -----------------------------------------------------------------------


def agency_reviewers(agency_id: int):
    return User.objects.filter(
        agency_id=agency_id,
        role__in=[User.Role.AGENCY_STAFF, User.Role.AGENCY_ADMIN],
        is_active=True,
    )


def firm_users(firm_ids: Iterable[int]):
    return User.objects.filter(firm_id__in=list(firm_ids), is_active=True)


def network_firm_users(network: Network):
    """The users of the network's active member firms."""
    return User.objects.filter(
        is_active=True,
        firm__memberships__network=network,
        firm__memberships__left_on__isnull=True,
    ).distinct()


def _network_url(network: Network, name: str = "networks:network-detail") -> str:
    return reverse(name, args=[network.pk])


def _who(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def application_submitted(application) -> None:
    network = application.network
    notify(
        kind=Kind.APPLICATION_SUBMITTED,
        recipients=agency_reviewers(network.programme.agency_id),
        exclude=application.submitted_by,
        network=network,
        url=reverse("networks:network-application", args=[network.pk]),
        params={"actor": _who(application.submitted_by)},
    )


def application_decided(application) -> None:
    network = application.network
    notify(
        kind=Kind.APPLICATION_DECIDED,
        recipients=[network.facilitator, application.submitted_by],
        network=network,
        url=_network_url(network),
        params={
            "decision": application.status,
            "reason": application.decision_reason,
            "actor": _who(application.decided_by),
        },
    )


def handover_proposed(handover) -> None:
    """Agency staff other than the proposer: the four-eyes rule needs one of them to confirm."""
    network = handover.network
    notify(
        kind=Kind.HANDOVER_PROPOSED,
        recipients=agency_reviewers(network.programme.agency_id),
        exclude=handover.proposed_by,
        network=network,
        url=reverse("networks:handover-propose", args=[network.pk]),
        params={"actor": _who(handover.proposed_by), "date": handover.date.isoformat()},
    )


def handover_reminder(network: Network, *, key: str, today: datetime.date) -> None:
    """The agency, the facilitator and every member firm's users: the firms are the ones who
    will pay the whole salary after the handover."""
    days = (network.handover_due - today).days
    recipients = [
        *agency_reviewers(network.programme.agency_id),
        network.facilitator,
        *network_firm_users(network),
    ]
    notify(
        kind=Kind.HANDOVER_REMINDER,
        recipients=recipients,
        network=network,
        url=reverse("networks:handover-propose", args=[network.pk]),
        params={
            "due": network.handover_due.isoformat(), "days": abs(days), "overdue": days < 0,
            "key": key,
        },
    )  # fmt: skip


def joint_action_to_confirm(joint_action, firm_ids: Iterable[int], *, actor: User) -> list:
    """Each firm's users whose confirmation a joint action waits for (one notification each,
    naming their own firm)."""
    network = joint_action.network
    firms = Firm.objects.filter(pk__in=list(firm_ids)).only("pk", "name")
    by_firm: dict[int, list[User]] = {}
    for user in firm_users([firm.pk for firm in firms]):
        by_firm.setdefault(user.firm_id, []).append(user)
    url = reverse("networks:joint-action-detail", args=[network.pk, joint_action.pk])
    rows = dict(joint_action.participants.filter(firm__in=firms).values_list("firm_id", "pk"))
    told = []
    for firm in firms:
        # The ids let the mail job sign each recipient's own answer link (links.make).
        told += notify(
            kind=Kind.JOINT_ACTION_TO_CONFIRM, recipients=by_firm.get(firm.pk, []),
            exclude=actor, network=network, url=url,
            params={
                "firm": firm.name, "action": joint_action.title, "row": rows.get(firm.pk),
                "parent": joint_action.pk, "firm_id": firm.pk,
            },
        )  # fmt: skip
    return told


def attendance_to_confirm(activity, firm_ids: Iterable[int], *, actor: User) -> list:
    """Each attending firm's users: confirm that the firm was there, or say it was not."""
    network = activity.network
    rows = dict(activity.attendance.filter(firm_id__in=list(firm_ids)).values_list("firm_id", "pk"))
    firms = Firm.objects.filter(pk__in=list(rows)).only("pk", "name")
    by_firm: dict[int, list[User]] = {}
    for user in firm_users(list(rows)):
        by_firm.setdefault(user.firm_id, []).append(user)
    url = reverse("networks:activity-detail", args=[network.pk, activity.pk])
    told = []
    for firm in firms:
        told += notify(
            kind=Kind.ATTENDANCE_TO_CONFIRM, recipients=by_firm.get(firm.pk, []),
            exclude=actor, network=network, url=url,
            params={
                "firm": firm.name, "activity": activity.title, "date": activity.date.isoformat(),
                "row": rows[firm.pk], "parent": activity.pk, "firm_id": firm.pk,
            },
        )  # fmt: skip
    return told


def joint_action_declined(joint_action, firm: Firm, *, actor: User) -> None:
    network = joint_action.network
    notify(
        kind=Kind.JOINT_ACTION_DECLINED,
        recipients=[network.facilitator, joint_action.logged_by],
        exclude=actor,
        network=network,
        url=reverse("networks:joint-action-detail", args=[network.pk, joint_action.pk]),
        params={"firm": firm.name, "action": joint_action.title},
    )


def dues_charged(network: Network, *, month: datetime.date, dues: dict) -> None:
    """Each firm's users: their own firm's dues of the month (one notification each)."""
    currency = network.programme.currency
    by_firm: dict[int, list[User]] = {}
    for user in firm_users(dues):
        by_firm.setdefault(user.firm_id, []).append(user)
    names = dict(Firm.objects.filter(pk__in=list(by_firm)).values_list("pk", "name"))
    for firm_id, users in by_firm.items():
        notify(
            kind=Kind.DUES_CHARGED, recipients=users, network=network,
            url=reverse("networks:firm-ledger", args=[network.pk, firm_id]),
            params={
                "firm": names.get(firm_id, ""), "month": f"{month:%Y-%m}",
                "amount": format_money(dues[firm_id], currency),
            },
        )  # fmt: skip


def arrears_began(network: Network, balance) -> None:
    """The facilitator and the firm's own users: a firm fell into arrears."""
    firm = balance.firm
    notify(
        kind=Kind.ARREARS_BEGAN,
        recipients=[network.facilitator, *firm_users([firm.pk])],
        network=network,
        url=reverse("networks:firm-ledger", args=[network.pk, firm.pk]),
        params={
            "firm": firm.name,
            "amount": format_money(balance.arrears, network.programme.currency),
        },
    )


def networks_at_risk(*, agency_id: int, at_risk: dict[Network, Callable[[], str]]) -> int:
    """Tell the agency's staff about each network newly at risk, once when it starts: an
    EventNotified row marks a network known to be at risk, and goes when it is no longer, so
    a later fall is told anew. `at_risk` maps each network at risk now to a function giving its
    reasons in the active language (each recipient reads them in theirs). Returns how many
    networks were newly at risk."""
    told = 0
    with transaction.atomic():
        EventNotified.objects.filter(
            kind=Kind.NETWORK_AT_RISK, network__programme__agency_id=agency_id
        ).exclude(network__in=list(at_risk)).delete()
        staff = list(agency_reviewers(agency_id))
        for network, reasons in at_risk.items():
            if not event_once(kind=Kind.NETWORK_AT_RISK, key=str(network.pk), network=network):
                continue
            for language, people in _by_language(staff).items():
                with translation.override(language):
                    notify(
                        kind=Kind.NETWORK_AT_RISK, recipients=people, network=network,
                        url=_network_url(network), params={"reason": reasons()},
                    )  # fmt: skip
            told += 1
    return told


def _by_language(users: Iterable[User]) -> dict[str, list[User]]:
    groups: dict[str, list[User]] = {}
    for user in users:
        groups.setdefault(_language(user), []).append(user)
    return groups


def event_once(*, kind: str, key: str, network: Network) -> bool:
    """True the first time (kind, key) is seen: the start of a state, told once. The row is
    written in the caller's transaction; a parallel check waits on it and gets False."""
    try:
        with transaction.atomic():
            EventNotified.objects.create(kind=kind, key=key, network=network)
    except IntegrityError:
        return False
    return True


# --- the inbox and the preferences -----------------------------------------------------------

PREFERENCES_SAVED = _("Your notification settings were saved.")
ALL_MARKED_READ = _("Every notification is marked as read.")
CHANNEL_UNKNOWN = _("Choose one of the ways to be told.")


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    """Mark one of the actor's own notifications read (again: no change)."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_set(*, user: User, channels: dict[str, str]) -> None:
    """Each kind's channel for the user; a kind not named keeps its current choice."""
    for kind, channel in channels.items():
        if kind not in Kind.values or channel not in Channel.values:
            raise ValidationError(CHANNEL_UNKNOWN)
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"channel": channel}
        )
