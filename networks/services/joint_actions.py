"""Joint actions: what member firms did together, logged by one of them (or the manager) and
confirmed by each of the others (domain.md section 4).

A firm speaks only for itself: the logging firm is confirmed at once, every other participant
stays "unconfirmed" until one of its own users confirms, and may instead decline (it did not take
part). Declines are kept as history rows (see `record_decline`) so that the logger sees them.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from networks import access
from networks.models import (
    ConfirmationMethod,
    Firm,
    JointAction,
    JointActionDecline,
    JointActionParticipant,
    JointActionType,
    Membership,
    Network,
    User,
)
from networks.rules import JOINT_ACTION_MIN_FIRMS, MAX_MONEY, joint_actions_open
from networks.services import history as history_services
from networks.services import notifications as notification_services
from networks.services.common import ConflictError

# Messages: constants so that tests and the API assert exactly what a user reads.
JOINT_ACTION_PHASE = _(
    "Joint actions can be logged and changed only while the network is in consolidation or "
    "independence."
)
JOINT_ACTION_NOT_ALLOWED = _(
    "Only the facilitator and the network's active member firms can log joint actions."
)
JOINT_ACTION_EDIT_NOT_ALLOWED = _(
    "Only the firm that logged this joint action, or the network's facilitator, can change it."
)
JOINT_ACTION_TYPE_UNKNOWN = _("Choose one of the programme's joint-action types.")
JOINT_ACTION_TITLE_REQUIRED = _("Give the joint action a title.")
JOINT_ACTION_STATUS_UNKNOWN = _("Choose planned, under way, done or dropped.")
JOINT_ACTION_TWO_FIRMS = _("A joint action needs at least two participating member firms.")
JOINT_ACTION_FIRM_NOT_MEMBER = _("Choose only firms that are active members of this network.")
JOINT_ACTION_LOGGER_STAYS = _(
    "%(firm)s logged this joint action, so it stays among the participating firms."
)
JOINT_ACTION_END_BEFORE_START = _("The end date cannot be before the start date.")
JOINT_ACTION_VALUE_INVALID = _(
    "The money value must be a number of zero or more, with at most two decimals."
)
JOINT_ACTION_VALUE_IS_SALES = _(
    "The money value is the sum of the sales recorded per firm: change those instead."
)
PARTICIPATION_NOT_YOURS = _(
    "Only a user of a participating firm can confirm or decline that firm's participation."
)
PARTICIPATION_ALREADY_CONFIRMED = _("Your firm's participation is already confirmed.")
LOGGER_CANNOT_DECLINE = _(
    "Your firm logged this joint action. Edit it or mark it dropped instead of declining."
)
EDITABLE_FIELDS = (
    "type", "title", "firms", "status", "start_date", "end_date", "value", "outcome",
)  # fmt: skip


# --- helpers --------------------------------------------------------------------------------


def _require_open(network: Network) -> None:
    if not joint_actions_open(network):
        raise ConflictError(JOINT_ACTION_PHASE)


def _resolve_type(network: Network, value, *, current: JointActionType | None = None):
    """The programme's type named by `value` (a JointActionType or its slug), or None.

    A type the agency has since switched off may stay on an action that already had it.
    """
    if isinstance(value, JointActionType):
        if value.programme_id != network.programme_id:
            return None
        slug = value.slug
    else:
        slug = value
    if current is not None and slug == current.slug:
        return current
    if not isinstance(slug, str) or not slug:
        return None
    return JointActionType.objects.filter(
        programme_id=network.programme_id, slug=slug, is_active=True
    ).first()


def _firm_ids(firms: Iterable) -> set[int] | None:
    """The ids of `firms` (Firm rows or ids); None when something in it is neither."""
    ids = set()
    for firm in firms or ():
        if isinstance(firm, Firm):
            ids.add(firm.pk)
        elif isinstance(firm, int) and not isinstance(firm, bool):
            ids.add(firm)
        else:
            return None
    return ids


def _check_firms(network: Network, ids: set[int] | None, *, already: set[int]) -> list[str]:
    """Errors for a set of participant ids: at least two, each an active member.

    Firms already taking part may stay although they have since left the network: their past
    participation is a fact.
    """
    if ids is None:
        return [JOINT_ACTION_FIRM_NOT_MEMBER]
    errors = []
    new = ids - already
    if new:
        members = set(
            Membership.objects.filter(
                network=network, left_on__isnull=True, firm_id__in=new
            ).values_list("firm_id", flat=True)
        )
        if new - members:
            errors.append(JOINT_ACTION_FIRM_NOT_MEMBER)
    if len(ids) < JOINT_ACTION_MIN_FIRMS:
        errors.append(JOINT_ACTION_TWO_FIRMS)
    return errors


def _check_fields(values: dict, errors: dict) -> None:
    """Checks on the plain fields of a joint action's (merged) values, into `errors`."""
    if not (values["title"] or "").strip():
        errors["title"] = [JOINT_ACTION_TITLE_REQUIRED]
    if values["status"] not in JointAction.Status.values:
        errors["status"] = [JOINT_ACTION_STATUS_UNKNOWN]
    start, end = values["start_date"], values["end_date"]
    for field, value in (("start_date", start), ("end_date", end)):
        if value is not None and not isinstance(value, datetime.date):
            errors[field] = [_("Enter a valid date.")]
    if (
        isinstance(start, datetime.date)
        and isinstance(end, datetime.date)
        and end < start
        and "end_date" not in errors
    ):
        errors["end_date"] = [JOINT_ACTION_END_BEFORE_START]
    if not _valid_money(values["value"]):
        errors["value"] = [JOINT_ACTION_VALUE_INVALID]


def _valid_money(value) -> bool:
    """Zero or more, and fits the column (14 digits, 2 decimals): never a database error."""
    if isinstance(value, float | bool) or value is None:
        return False  # floats lose cents; money comes as Decimal, int or a decimal string
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return False
    return (
        amount.is_finite()
        and 0 <= amount < MAX_MONEY
        and amount == amount.quantize(Decimal("0.01"))
    )


def _confirm_row(participant: JointActionParticipant, actor: User, now) -> None:
    participant.confirmed_by, participant.confirmed_at = actor, now
    participant.confirmation_method = ConfirmationMethod.SELF


# --- writes ---------------------------------------------------------------------------------


@transaction.atomic
def joint_action_log(
    *,
    network: Network,
    actor: User,
    type: JointActionType | str,
    title: str,
    firms: Iterable,
    status: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    value: Decimal = Decimal(0),
    outcome: str = "",
) -> JointAction:
    """Log a joint action of the network.

    A user of an active member firm logs it for their firm: that firm is always a participant,
    and its participation is confirmed at once. When the facilitator logs it, every firm must
    confirm. `firms` are Firm rows or ids; at least two, all active members.
    """
    access.require(access.can_log_joint_action(actor, network), JOINT_ACTION_NOT_ALLOWED)
    _require_open(network)
    logging_firm_id = actor.firm_id if actor.role == User.Role.FIRM_MEMBER else None
    ids = _firm_ids(firms)
    if ids is not None and logging_firm_id is not None:
        ids.add(logging_firm_id)
    errors: dict = {}
    values = {
        "title": title, "status": status, "start_date": start_date, "end_date": end_date,
        "value": value,
    }  # fmt: skip
    _check_fields(values, errors)
    resolved_type = _resolve_type(network, type)
    if resolved_type is None:
        errors["type"] = [JOINT_ACTION_TYPE_UNKNOWN]
    firm_errors = _check_firms(network, ids, already=set())
    if firm_errors:
        errors["firms"] = firm_errors
    if errors:
        raise ValidationError(errors)
    joint_action = JointAction.objects.create(
        network=network, type=resolved_type, title=title.strip(), status=status,
        start_date=start_date, end_date=end_date, value=Decimal(value),
        outcome=(outcome or "").strip(), logged_by=actor, logged_by_firm_id=logging_firm_id,
    )  # fmt: skip
    now = timezone.now()
    rows = []
    for firm_id in sorted(ids):
        row = JointActionParticipant(joint_action=joint_action, firm_id=firm_id)
        if firm_id == logging_firm_id:
            _confirm_row(row, actor, now)
        rows.append(row)
    bulk_create_with_history(rows, JointActionParticipant, default_user=actor)
    waiting = [row.firm_id for row in rows if row.confirmed_at is None]
    notification_services.joint_action_to_confirm(joint_action, waiting, actor=actor)
    return joint_action


def _lock(joint_action: JointAction) -> JointAction:
    """Re-read the joint action under a row lock: edits, confirmations and declines of one
    action run one after the other, so none works on participants another just changed."""
    return (
        JointAction.objects.select_for_update(of=("self",))
        .select_related("network__programme", "type")
        .get(pk=joint_action.pk)
    )


@transaction.atomic
def joint_action_update(
    *, joint_action: JointAction, actor: User, reason: str = "", **fields
) -> JointAction:
    """Change a joint action (any of EDITABLE_FIELDS; `type` by row or slug).

    Only the firm that logged it (any of its users) or the facilitator may. Firms added start
    unconfirmed; removed firms' rows are deleted; the logging firm cannot be removed. Once a
    firm other than the logger has confirmed, a change needs a `reason` (services.history).
    """
    locked = _lock(joint_action)
    network = locked.network
    access.require(access.can_edit_joint_action(actor, locked), JOINT_ACTION_EDIT_NOT_ALLOWED)
    _require_open(network)
    changes = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
    if "outcome" in changes:
        changes["outcome"] = (changes["outcome"] or "").strip()
    merged = {
        key: changes.get(key, getattr(locked, key))
        for key in ("title", "status", "start_date", "end_date", "value")
    }
    errors: dict = {}
    _check_fields(merged, errors)
    if "type" in changes:
        resolved = _resolve_type(network, changes["type"], current=locked.type)
        if resolved is None:
            errors["type"] = [JOINT_ACTION_TYPE_UNKNOWN]
        changes["type"] = resolved
    current_ids = set(locked.participants.values_list("firm_id", flat=True))
    new_ids = current_ids
    if "firms" in changes:
        new_ids = _firm_ids(changes.pop("firms"))
        firm_errors = _check_firms(network, new_ids, already=current_ids)
        logger = locked.logged_by_firm_id
        if new_ids is not None and logger is not None and logger not in new_ids:
            name = Firm.objects.filter(pk=logger).values_list("name", flat=True).first()
            firm_errors.insert(0, JOINT_ACTION_LOGGER_STAYS % {"firm": name})
        if firm_errors:
            errors["firms"] = firm_errors
    # Marketing as a group: once firms' sales are recorded, the value follows them.
    if (
        "value" not in errors
        and "value" in changes
        and Decimal(changes["value"]) != locked.value
        and locked.participants.filter(sales__isnull=False).exists()
    ):
        errors["value"] = [JOINT_ACTION_VALUE_IS_SALES]
    if errors:
        raise ValidationError(errors)
    if "value" in changes:
        changes["value"] = Decimal(changes["value"])
    changes = {key: value for key, value in changes.items() if getattr(locked, key) != value}
    removed, added = current_ids - new_ids, new_ids - current_ids
    reason = history_services.clean_reason(
        reason,
        needed=bool(changes or removed or added)
        and history_services.joint_action_needs_reason(locked),
        message=history_services.JOINT_ACTION_REASON_REQUIRED,
    )
    for key, value in changes.items():
        setattr(locked, key, value)
    if changes:
        history_services.with_reason(locked, actor=actor, reason=reason).save(
            update_fields=list(changes)
        )
    for row in locked.participants.filter(firm_id__in=removed):
        history_services.with_reason(row, actor=actor, reason=reason).delete()
    bulk_create_with_history(
        [JointActionParticipant(joint_action=locked, firm_id=firm_id) for firm_id in sorted(added)],
        JointActionParticipant,
        default_user=actor,
        default_change_reason=reason or None,
    )
    if added:
        notification_services.joint_action_to_confirm(locked, added, actor=actor)
    return locked


def _own_participant(locked: JointAction, actor: User) -> JointActionParticipant:
    """The actor's own firm's row in the joint action, locked; PermissionDenied otherwise."""
    access.require(access.can_confirm_participation(actor, locked), PARTICIPATION_NOT_YOURS)
    return JointActionParticipant.objects.select_for_update().get(
        joint_action=locked, firm_id=actor.firm_id
    )


@transaction.atomic
def joint_action_confirm(*, joint_action: JointAction, actor: User) -> JointActionParticipant:
    """A user of a participating firm confirms that their firm took part.

    Nobody confirms for another firm: the row confirmed is always the actor's own firm's.
    """
    locked = _lock(joint_action)
    participant = _own_participant(locked, actor)
    _require_open(locked.network)
    if participant.is_confirmed:
        raise ConflictError(PARTICIPATION_ALREADY_CONFIRMED)
    _confirm_row(participant, actor, timezone.now())
    participant.save(update_fields=["confirmed_by", "confirmed_at", "confirmation_method"])
    return participant


@transaction.atomic
def joint_action_decline(*, joint_action: JointAction, actor: User) -> None:
    """A user of a participating firm says their firm did not take part.

    The firm's participant row is removed and the decline is kept as a history row, which the
    joint action's page shows to the logger. The logging firm cannot decline its own action.
    """
    locked = _lock(joint_action)
    participant = _own_participant(locked, actor)
    _require_open(locked.network)
    if locked.logged_by_firm_id == participant.firm_id:
        raise ConflictError(LOGGER_CANNOT_DECLINE)
    firm = Firm.objects.get(pk=participant.firm_id)
    participant.delete()
    record_decline(joint_action=locked, firm=firm, actor=actor, method=ConfirmationMethod.SELF)
    notification_services.joint_action_declined(locked, firm, actor=actor)


def record_decline(
    *, joint_action: JointAction, firm: Firm, actor: User,
    method: str = ConfirmationMethod.SELF, note: str = "", evidence=None, checked=None,
) -> JointActionDecline:  # fmt: skip
    """Keep the decline as a row of its own: the participant row goes, this record stays,
    with how the answer came (`method`; the facilitator's note and scanned paper if any)."""
    decline = JointActionDecline(
        joint_action=joint_action, firm=firm, declined_by=actor, confirmation_method=method,
        confirmation_note=note,
    )  # fmt: skip
    if checked is not None:
        decline.confirmation_evidence_name = checked.name
        decline.confirmation_evidence_type = checked.content_type
        evidence.seek(0)
        decline.confirmation_evidence.save(checked.name, evidence, save=False)
    decline.save()
    return decline
