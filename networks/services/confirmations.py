"""A firm's answer to "did you take part?", however it comes (docs/records.md):

- through the signed link of its notification e-mail, with no login (`link_answer`);
- recorded by the network's facilitator on the firm's behalf, with how it was obtained (phone,
  in person, signed paper, e-mail), a note and an optional scan (`participation_record`,
  `attendance_record`);
- by the firm's own user in PROFO (services.joint_actions, `attendance_confirm` and
  `attendance_decline` below).

One answer per row: a confirmation stays on the participant's or attendance row; a decline
removes the row (it no longer counts anywhere) and leaves a decline record. Every write locks
the joint action or the activity first, as its edits do, so two answers race one after the
other and the second finds the first.
"""

import datetime
import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.files.uploads import check_upload
from networks.lib import links
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.models import (
    ON_BEHALF_METHODS,
    Activity,
    Attendance,
    AttendanceDecline,
    ConfirmationMethod,
    JointAction,
    JointActionParticipant,
    Kind,
    Network,
    User,
)
from networks.rules import ANSWER_REMINDER_DAYS, JOINT_ACTION_PHASES, joint_actions_open
from networks.selectors import confirmations as confirmation_selectors
from networks.services import joint_actions as joint_action_services
from networks.services import notifications as notification_services
from networks.services.common import ConflictError
from networks.services.lifecycle import NETWORK_CLOSED

RECORD_NOT_ALLOWED = _("Only the network's facilitator can record a firm's answer on its behalf.")
RECORD_METHOD_REQUIRED = _(
    "Say how you obtained the firm's answer: by phone, in person, on signed paper or by e-mail."
)
RECORD_ANSWER_REQUIRED = _("Say whether the firm confirms or says it did not take part.")
RECORD_FIRM_NOT_LISTED = _("Choose one of the firms listed that have not answered yet.")
RECORD_NOTE_TOO_LONG = _("The note is too long: at most %(limit)s characters.")
ALREADY_ANSWERED = _("%(firm)s has already answered: it cannot be changed here.")
REMIND_NO_USERS = _(
    "%(firm)s has no user with an e-mail address in PROFO, so no link can reach it. Record its "
    "answer yourself once you have it, or invite a contact of the firm."
)
ATTENDANCE_NOT_ATTENDEE = _(
    "Your firm is not recorded as attending this activity, so there is nothing to answer."
)
ATTENDANCE_FIRMS_ONLY = _("Only a user of an attending firm can answer for its attendance.")


def _require_held(activity: Activity) -> None:
    """An activity ahead has no attendance to answer yet."""
    if activity.date > timezone.localdate():
        raise ConflictError(
            confirmation_selectors.LINK_NOT_YET
            % {"title": activity.title, "date": date_format(activity.date)}
        )


def _lock_subject(kind: str, pk: int):
    """The joint action or activity under a row lock, or None when it is gone."""
    model = JointAction if kind == links.JOINT_ACTION else Activity
    return model.objects.select_for_update(of=("self",)).filter(pk=pk).first()


def _confirm(row, *, by: User, method: str, note: str = "", evidence=None, checked=None) -> None:
    row.confirmed_by, row.confirmed_at = by, timezone.now()
    row.confirmation_method, row.confirmation_note = method, note
    fields = ["confirmed_by", "confirmed_at", "confirmation_method", "confirmation_note"]
    if checked is not None:
        _store(row, evidence, checked)
        fields += ["confirmation_evidence", "confirmation_evidence_name"]
        fields += ["confirmation_evidence_type"]
    row.save(update_fields=fields)


def _store(row, evidence, checked) -> None:
    row.confirmation_evidence_name = checked.name
    row.confirmation_evidence_type = checked.content_type
    evidence.seek(0)
    row.confirmation_evidence.save(checked.name, evidence, save=False)


def _decline_joint_action(locked: JointAction, row, *, by: User, method: str, **answer) -> None:
    if locked.logged_by_firm_id == row.firm_id:
        raise ConflictError(joint_action_services.LOGGER_CANNOT_DECLINE)
    firm = row.firm
    row.delete()
    joint_action_services.record_decline(
        joint_action=locked, firm=firm, actor=by, method=method, **answer
    )
    notification_services.joint_action_declined(locked, firm, actor=by)


def _decline_attendance(activity: Activity, row, *, by: User, method: str, **answer) -> None:
    firm = row.firm
    row.delete()
    decline = AttendanceDecline(
        activity=activity, firm=firm, declined_by=by, confirmation_method=method,
        confirmation_note=answer.get("note", ""),
    )  # fmt: skip
    if answer.get("checked") is not None:
        _store(decline, answer["evidence"], answer["checked"])
    decline.save()


# --- the e-mailed link ----------------------------------------------------------------------


@transaction.atomic
def link_answer(*, token: str, confirm: bool) -> confirmation_selectors.LinkState:
    """Answer through the signed link: confirm, or say the firm did not take part.

    The answer is the recipient's (the person the link was sent to), made "through the
    e-mailed link". A link that cannot answer (expired, altered, its row or firm gone, already
    answered by anyone) raises ConflictError with the reason and changes nothing."""
    state = confirmation_selectors.link_state(token)
    if state.problem or state.answer:
        raise ConflictError(state.problem or ALREADY_ANSWERED % {"firm": state.firm_name})
    _lock_subject(state.kind, state.subject.pk)
    # Read again under the lock: an answer given meanwhile is found, not overwritten.
    state = confirmation_selectors.link_state(token, for_update=True)
    if state.problem or state.answer:
        raise ConflictError(state.problem or ALREADY_ANSWERED % {"firm": state.firm_name})
    by, method = state.recipient, ConfirmationMethod.LINK
    if confirm:
        _confirm(state.row, by=by, method=method)
    elif state.kind == links.JOINT_ACTION:
        _decline_joint_action(state.subject, state.row, by=by, method=method)
    else:
        _decline_attendance(state.subject, state.row, by=by, method=method)
    return confirmation_selectors.link_state(token)


# --- recorded by the facilitator ----------------------------------------------------------


def _check_record(network: Network, actor: User, *, confirm, method, note, evidence):
    """The facilitator, a way it was obtained, a note that fits, a checked file."""
    access.require(access.is_facilitator_of(actor, network), RECORD_NOT_ALLOWED)
    errors: dict = {}
    if confirm not in (True, False):
        errors["answer"] = [RECORD_ANSWER_REQUIRED]
    if method not in ON_BEHALF_METHODS:
        errors["method"] = [RECORD_METHOD_REQUIRED]
    note = (note or "").strip()
    if len(note) > TEXT_MAX_LENGTH:
        errors["note"] = [RECORD_NOTE_TOO_LONG % {"limit": TEXT_MAX_LENGTH}]
    checked = None
    if evidence is not None:
        try:
            checked = check_upload(evidence, field="evidence")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return errors, note, checked


@transaction.atomic
def participation_record(
    *, joint_action: JointAction, firm_id: int, actor: User, confirm: bool, method: str,
    note: str = "", evidence=None,
) -> None:  # fmt: skip
    """The facilitator records a participating firm's answer on its behalf, with how it was
    obtained; shown everywhere as recorded by the facilitator."""
    errors, note, checked = _check_record(
        joint_action.network, actor, confirm=confirm, method=method, note=note, evidence=evidence
    )
    locked = _lock_subject(links.JOINT_ACTION, joint_action.pk)
    if not joint_actions_open(joint_action.network):
        raise ConflictError(joint_action_services.JOINT_ACTION_PHASE)
    rows = JointActionParticipant.objects.filter(joint_action=locked, firm_id=firm_id)
    _record_answer(
        rows, errors, actor=actor, confirm=confirm, method=method,
        decline=functools.partial(_decline_joint_action, locked),
        note=note, evidence=evidence, checked=checked,
    )  # fmt: skip


def _record_answer(rows, errors: dict, *, actor, confirm, method, decline, **answer) -> None:
    """The facilitator's answer for the one row of `rows` (locked here): refused with every
    problem at once, a conflict when the firm has answered already; `decline(row, …)` for a no."""
    row = rows.select_for_update(of=("self",)).select_related("firm").first()
    if row is None:
        errors["firm"] = [RECORD_FIRM_NOT_LISTED]
    if errors:
        raise ValidationError(errors)
    if row.confirmed_at is not None:
        raise ConflictError(ALREADY_ANSWERED % {"firm": row.firm.name})
    if confirm:
        _confirm(row, by=actor, method=method, **answer)
    else:
        decline(row, by=actor, method=method, **answer)


@transaction.atomic
def attendance_record(
    *, activity: Activity, firm_id: int, actor: User, confirm: bool, method: str,
    note: str = "", evidence=None,
) -> None:  # fmt: skip
    """The facilitator records an attending firm's answer on its behalf (see above)."""
    network = activity.network
    errors, note, checked = _check_record(
        network, actor, confirm=confirm, method=method, note=note, evidence=evidence
    )
    locked = _lock_subject(links.ATTENDANCE, activity.pk)
    if network.phase == Network.Phase.DISSOLVED:
        raise ConflictError(NETWORK_CLOSED)
    _require_held(activity)
    rows = Attendance.objects.filter(activity=locked, firm_id=firm_id)
    _record_answer(
        rows, errors, actor=actor, confirm=confirm, method=method,
        decline=functools.partial(_decline_attendance, locked),
        note=note, evidence=evidence, checked=checked,
    )  # fmt: skip


# --- reminders ------------------------------------------------------------------------------


@transaction.atomic
def participation_remind(*, joint_action: JointAction, firm_id: int, actor: User) -> int:
    """The facilitator sends a firm that has not answered its link again (a new notification
    and e-mail with a fresh link). Returns how many people were told."""
    access.require(access.is_facilitator_of(actor, joint_action.network), RECORD_NOT_ALLOWED)
    row = (
        JointActionParticipant.objects.select_related("firm")
        .filter(joint_action=joint_action, firm_id=firm_id)
        .first()
    )
    return _remind(row, lambda: notification_services.joint_action_to_confirm(
        joint_action, [firm_id], actor=actor
    ))  # fmt: skip


@transaction.atomic
def attendance_remind(*, activity: Activity, firm_id: int, actor: User) -> int:
    """The same for an activity's attendance."""
    access.require(access.is_facilitator_of(actor, activity.network), RECORD_NOT_ALLOWED)
    _require_held(activity)
    row = Attendance.objects.select_related("firm").filter(activity=activity, firm_id=firm_id)
    row = row.first()
    return _remind(row, lambda: notification_services.attendance_to_confirm(
        activity, [firm_id], actor=actor
    ))  # fmt: skip


def answer_reminders_send(*, today: datetime.date | None = None) -> int:
    """The periodic reminder: each firm asked ANSWER_REMINDER_DAYS ago or more that has not
    answered, while its link still works, gets its link once more (a new notification and a
    fresh link), once. An EventNotified row per asked row marks it told, written with the
    notifications in one transaction (the lock when two workers run at once). Returns how many
    people were told."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=settings.CONFIRMATION_LINK_DAYS)
    until = today - datetime.timedelta(days=ANSWER_REMINDER_DAYS)
    participants = (
        JointActionParticipant.objects.filter(
            confirmed_at__isnull=True, joint_action__created_at__date__range=(since, until),
            joint_action__network__phase__in=JOINT_ACTION_PHASES,
        )
        .exclude(joint_action__status=JointAction.Status.DROPPED)
        .select_related("joint_action__network")
    )  # fmt: skip
    attendance = (
        Attendance.objects.filter(confirmed_at__isnull=True, activity__date__range=(since, until))
        .exclude(activity__network__phase=Network.Phase.DISSOLVED)
        .select_related("activity__network")
    )
    told = 0
    for row in participants:
        joint_action = row.joint_action
        with transaction.atomic():
            if notification_services.event_once(
                kind=Kind.JOINT_ACTION_TO_CONFIRM, key=f"answer-reminder:j:{row.pk}",
                network=joint_action.network,
            ):  # fmt: skip
                told += len(
                    notification_services.joint_action_to_confirm(
                        joint_action, [row.firm_id], actor=None
                    )
                )
    for row in attendance:
        with transaction.atomic():
            if notification_services.event_once(
                kind=Kind.ATTENDANCE_TO_CONFIRM, key=f"answer-reminder:a:{row.pk}",
                network=row.activity.network,
            ):  # fmt: skip
                told += len(
                    notification_services.attendance_to_confirm(
                        row.activity, [row.firm_id], actor=None
                    )
                )
    return told


def _remind(row, send) -> int:
    if row is None:
        raise ValidationError({"firm": [RECORD_FIRM_NOT_LISTED]})
    if row.confirmed_at is not None:
        raise ConflictError(ALREADY_ANSWERED % {"firm": row.firm.name})
    if not notification_services.firm_users([row.firm_id]).exclude(email="").exists():
        raise ConflictError(REMIND_NO_USERS % {"firm": row.firm.name})
    return len(send())


# --- the firm's own user, in PROFO ----------------------------------------------------------


def _own_attendance(activity: Activity, actor: User) -> Attendance:
    if actor.role != User.Role.FIRM_MEMBER or actor.firm_id is None:
        raise PermissionDenied(ATTENDANCE_FIRMS_ONLY)
    _lock_subject(links.ATTENDANCE, activity.pk)
    if activity.network.phase == Network.Phase.DISSOLVED:
        raise ConflictError(NETWORK_CLOSED)
    row = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("firm")
        .filter(activity=activity, firm_id=actor.firm_id)
        .first()
    )
    if row is None:
        raise ValidationError(ATTENDANCE_NOT_ATTENDEE)
    return row


@transaction.atomic
def attendance_decline(*, activity: Activity, actor: User) -> None:
    """A user of an attending firm says their firm was not there: the attendance row goes (it
    no longer counts as attended) and the decline is kept for the activity's page."""
    row = _own_attendance(activity, actor)
    _decline_attendance(activity, row, by=actor, method=ConfirmationMethod.SELF)
