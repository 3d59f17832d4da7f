"""Activities the facilitator organises for the group (domain.md section 4): factory visits,
workshops, fairs... with the member firms that attended, and their attachments."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from networks import access
from networks.files.uploads import check_upload
from networks.lib.dates import add_months, day
from networks.models import (
    Activity,
    ActivityType,
    Attachment,
    Attendance,
    ConfirmationMethod,
    Firm,
    Membership,
    Network,
    User,
)
from networks.rules import ACTIVITY_MONTHS_AHEAD, HOST_REQUIRED_ACTIVITY, activities_open
from networks.services import history as history_services
from networks.services import notifications as notification_services
from networks.services.common import ConflictError
from networks.services.lifecycle import NETWORK_CLOSED

# Messages: constants so that tests and the API assert exactly what a user reads.
ACTIVITY_WRONG_PHASE = _(
    "Activities can only be logged while the network is in consolidation or independence."
)
ACTIVITY_TITLE_REQUIRED = _("Give the activity a title.")
ACTIVITY_DATE_REQUIRED = _("Give the date of the activity.")
ACTIVITY_DATE_TOO_FAR = _("The date cannot be more than a year ahead (after %(limit)s).")
ACTIVITY_TYPE_INVALID = _("Choose one of the programme's activity types.")
ACTIVITY_COST_NEGATIVE = _("The cost cannot be negative.")
ACTIVITY_HOST_REQUIRED = _("A factory visit needs the host firm.")
ACTIVITY_HOST_NOT_MEMBER = _("The host firm %(firm)s was not a member of this network on %(date)s.")
ACTIVITY_ATTENDEES_NOT_MEMBERS = _(
    "These firms were not members of this network on %(date)s: %(firms)s."
)
ATTENDANCE_NOT_ATTENDEE = _(
    "Your firm is not recorded as attending this activity, so it cannot confirm attendance."
)
ATTENDANCE_FIRMS_ONLY = _("Only a user of an attending firm can confirm its attendance.")
EDITABLE_FIELDS = frozenset(
    {"type", "title", "date", "place", "host_firm", "attendees", "description", "outcomes", "cost"}
)


# --- helpers --------------------------------------------------------------------------------


def latest_allowed_date(today: datetime.date | None = None) -> datetime.date:
    return add_months(today or timezone.localdate(), ACTIVITY_MONTHS_AHEAD)


def _lock_network(network: Network) -> Network:
    """Re-read the phase under a row lock, so that a dissolution cannot slip in between."""
    locked = Network.objects.select_for_update().only("phase").get(pk=network.pk)
    network.phase = locked.phase
    return network


def _require_logging_phase(network: Network) -> None:
    if not activities_open(network):
        # No field names the problem: the page shows it above the form.
        raise ValidationError(ACTIVITY_WRONG_PHASE)


def _require_open(network: Network) -> None:
    if network.phase == Network.Phase.DISSOLVED:
        raise ConflictError(NETWORK_CLOSED)


def member_ids_on(network: Network, day: datetime.date) -> set[int]:
    """The firms that were members of the network on `day` (joined by then, not yet gone)."""
    return set(
        Membership.objects.filter(network=network, joined_on__lte=day)
        .exclude(left_on__lt=day)
        .values_list("firm_id", flat=True)
    )


def _unique(firms) -> list[Firm]:
    seen, unique = set(), []
    for firm in firms or ():
        if firm.pk not in seen:
            seen.add(firm.pk)
            unique.append(firm)
    return unique


def _validate(
    *,
    network: Network,
    type: ActivityType | None,
    title: str,
    date: datetime.date | None,
    host_firm: Firm | None,
    attendees: list[Firm],
    cost,
    current_type_id: int | None = None,
) -> None:
    """Every rule on an activity's fields; all the broken ones are reported at once."""
    errors: dict[str, list] = {}
    # An activity keeps a type the agency retired later; new choices come from the active list.
    type_ok = (
        type is not None
        and type.programme_id == network.programme_id
        and (type.is_active or type.pk == current_type_id)
    )
    if not type_ok:
        errors["type"] = [ACTIVITY_TYPE_INVALID]
    if not title:
        errors["title"] = [ACTIVITY_TITLE_REQUIRED]
    if cost is None or cost < 0:
        errors["cost"] = [ACTIVITY_COST_NEGATIVE]
    if date is None:
        errors["date"] = [ACTIVITY_DATE_REQUIRED]
    else:
        limit = latest_allowed_date()
        if date > limit:
            errors["date"] = [ACTIVITY_DATE_TOO_FAR % {"limit": day(limit)}]
    if type_ok and type.slug == HOST_REQUIRED_ACTIVITY and host_firm is None:
        errors["host_firm"] = [ACTIVITY_HOST_REQUIRED]
    if date is not None and (host_firm is not None or attendees):
        members = member_ids_on(network, date)
        if host_firm is not None and host_firm.pk not in members:
            errors["host_firm"] = [
                ACTIVITY_HOST_NOT_MEMBER % {"firm": host_firm.name, "date": day(date)}
            ]
        outsiders = sorted(firm.name for firm in attendees if firm.pk not in members)
        if outsiders:
            errors["attendees"] = [
                ACTIVITY_ATTENDEES_NOT_MEMBERS % {"date": day(date), "firms": ", ".join(outsiders)}
            ]
    if errors:
        raise ValidationError(errors)


def _ask_attendees(activity: Activity, firm_ids, actor: User) -> None:
    """Ask the firms recorded as attending to confirm (or say they were not there), once the
    activity has taken place: an activity ahead has no attendance to confirm yet."""
    if firm_ids and activity.date <= timezone.localdate():
        notification_services.attendance_to_confirm(activity, firm_ids, actor=actor)


def _delete_files_on_commit(names: list[str]) -> None:
    """Remove stored files once the rows are gone for good (not if the transaction rolls back)."""
    storage = Attachment._meta.get_field("file").storage

    def remove():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(remove)


# --- activities -----------------------------------------------------------------------------


@transaction.atomic
def activity_log(
    *,
    network: Network,
    actor: User,
    type: ActivityType,
    title: str,
    date: datetime.date,
    place: str = "",
    host_firm: Firm | None = None,
    attendees=(),
    description: str = "",
    outcomes: str = "",
    cost: Decimal = Decimal(0),
) -> Activity:
    """Log an activity with the firms that attended.

    Only the facilitator or the agency's staff, only in consolidation or independence; the
    attendees and the host firm must have been members on the activity's date.
    """
    access.require_change(actor, network)
    _lock_network(network)
    _require_logging_phase(network)
    title = (title or "").strip()
    cost = Decimal(0) if cost is None else cost
    attendees = _unique(attendees)
    _validate(
        network=network, type=type, title=title, date=date, host_firm=host_firm,
        attendees=attendees, cost=cost,
    )  # fmt: skip
    activity = Activity.objects.create(
        network=network, type=type, title=title, date=date, place=(place or "").strip(),
        host_firm=host_firm, description=description or "", outcomes=outcomes or "",
        cost=cost, created_by=actor,
    )  # fmt: skip
    bulk_create_with_history(
        [Attendance(activity=activity, firm=firm) for firm in attendees],
        Attendance,
        default_user=actor,
    )
    _ask_attendees(activity, [firm.pk for firm in attendees], actor)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, actor: User, reason: str = "", **fields) -> Activity:
    """Change an activity; the same rules as logging it, checked on the result.

    Given `attendees`, the attendance is replaced: firms that stay keep their confirmation,
    firms taken off lose their row, new firms get an unconfirmed one. Once a firm has confirmed
    its attendance, a change needs a `reason` (services.history), kept in the history.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"activity_update() got unexpected fields: {', '.join(sorted(unknown))}")
    network = activity.network
    access.require_change(actor, network)
    _lock_network(network)
    _require_logging_phase(network)
    # Two editors saving at once would otherwise interleave their attendance lists.
    activity = Activity.objects.select_for_update().select_related("network").get(pk=activity.pk)
    current_type_id = activity.type_id
    for name in ("title", "place"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    for name in ("description", "outcomes"):
        if name in fields:
            fields[name] = fields[name] or ""
    if "cost" in fields and fields["cost"] is None:
        fields["cost"] = Decimal(0)
    attendees = fields.pop("attendees", None)
    changed = [name for name, value in fields.items() if getattr(activity, name) != value]
    for name, value in fields.items():
        setattr(activity, name, value)
    present = set(Attendance.objects.filter(activity=activity).values_list("firm_id", flat=True))
    if attendees is None:
        attendees = list(activity.attendees.all())
        wanted = present
    else:
        attendees = _unique(attendees)
        wanted = {firm.pk for firm in attendees}
    _validate(
        network=network, type=activity.type, title=activity.title, date=activity.date,
        host_firm=activity.host_firm, attendees=attendees, cost=activity.cost,
        current_type_id=current_type_id,
    )  # fmt: skip
    removed, added = present - wanted, wanted - present
    reason = history_services.clean_reason(
        reason,
        needed=bool(changed or removed or added)
        and history_services.activity_needs_reason(activity),
        message=history_services.ACTIVITY_REASON_REQUIRED,
    )
    if changed:
        history_services.with_reason(activity, actor=actor, reason=reason).save(
            update_fields=changed
        )
    for row in Attendance.objects.filter(activity=activity, firm_id__in=removed):
        history_services.with_reason(row, actor=actor, reason=reason).delete()
    bulk_create_with_history(
        [Attendance(activity=activity, firm_id=pk) for pk in sorted(added)],
        Attendance,
        default_user=actor,
        default_change_reason=reason or None,
    )
    _ask_attendees(activity, added, actor)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, actor: User, reason: str = "") -> None:
    """Delete an activity, its attendance and its attachments (the files too, after commit).

    Once a firm has confirmed its attendance, this needs a `reason`, kept in the history of
    the activity and of each attendance row."""
    network = activity.network
    access.require_change(actor, network)
    _lock_network(network)
    _require_open(network)
    reason = history_services.clean_reason(
        reason,
        needed=history_services.activity_needs_reason(activity),
        message=history_services.ACTIVITY_REASON_REQUIRED,
    )
    names = list(Attachment.objects.filter(activity=activity).values_list("file", flat=True))
    for row in Attendance.objects.filter(activity=activity):
        history_services.with_reason(row, actor=actor, reason=reason).delete()
    history_services.with_reason(activity, actor=actor, reason=reason).delete()
    _delete_files_on_commit(names)


# --- attachments ----------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, activity: Activity, actor: User, upload) -> Attachment:
    """Attach a photo, attendance sheet or minutes, checked by content (`uploads.check_upload`).

    The file is stored under a random name (the model's `upload_to`); its original name, type
    and size are kept on the row for the download.
    """
    network = activity.network
    access.require_change(actor, network)
    _lock_network(network)
    _require_open(network)
    checked = check_upload(upload)
    attachment = Attachment(
        activity=activity, original_name=checked.name, content_type=checked.content_type,
        size=checked.size, uploaded_by=actor,
    )  # fmt: skip
    upload.seek(0)
    attachment.file.save(checked.name, upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
    except Exception:
        # The row was not written: do not leave its file behind.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor: User) -> None:
    """Delete an activity's attachment and, once committed, its stored file."""
    network = attachment.activity.network
    access.require_change(actor, network)
    _lock_network(network)
    _require_open(network)
    name = attachment.file.name
    attachment.delete()
    _delete_files_on_commit([name])


# --- attendance -----------------------------------------------------------------------------


@transaction.atomic
def attendance_confirm(*, activity: Activity, actor: User) -> Attendance:
    """A user of an attending firm confirms that their own firm was there.

    Nobody confirms for another firm: the firm is the actor's own. Confirming again keeps the
    first confirmation.
    """
    if actor.role != User.Role.FIRM_MEMBER or actor.firm_id is None:
        raise PermissionDenied(ATTENDANCE_FIRMS_ONLY)
    _require_open(activity.network)
    row = (
        Attendance.objects.select_for_update()
        .filter(activity=activity, firm_id=actor.firm_id)
        .first()
    )
    if row is None:
        raise ValidationError(ATTENDANCE_NOT_ATTENDEE)
    if row.confirmed_at is None:
        row.confirmed_by, row.confirmed_at = actor, timezone.now()
        row.confirmation_method = ConfirmationMethod.SELF
        row.save(update_fields=["confirmed_by", "confirmed_at", "confirmation_method"])
    return row
