"""The import of firms and memberships: the write, all or nothing.

The rules are those of `firm_create`, `firm_update` and `membership_add` (a checked tax id that
is unique, a firm's details changed only by those who may, a firm active once per network, no
new member in a dissolved network or one whose application is under review), applied to every
row in memory first (`networks.files.imports.plan_import`) and then written with a handful of bulk
statements, so that a file of 10,000 rows imports in seconds.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.files.imports import FIRM_FIELDS, ImportPlan, ImportRow, RowPlan, plan_import
from networks.models import Application, Firm, Membership, Network
from networks.services.common import ConflictError

IMPORT_HAS_ERRORS = _(
    "Nothing was imported: %(count)s rows have errors. Fix them in the file and upload it again."
)
IMPORT_RACE = _(
    "Someone changed the same firms or networks while this import ran. Nothing was imported: "
    "upload the file again to see the current state."
)
BATCH = 1000


@dataclass(frozen=True)
class ImportResult:
    firms_created: int
    firms_updated: int
    memberships_created: int
    unchanged: int


def _lock_networks(plan: ImportPlan) -> None:
    """Hold the rows' networks, as `membership_add` does, and re-check that each still takes
    new members (the plan was read before the lock)."""
    ids = sorted({row.network.pk for row in plan.rows if row.new_membership})
    if not ids:
        return
    locked = list(Network.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    under_review = Application.objects.filter(
        network_id__in=ids, status=Application.Status.SUBMITTED
    ).exists()
    if under_review or any(n.phase == Network.Phase.DISSOLVED for n in locked):
        raise ConflictError(IMPORT_RACE)


def _new_firm(row: RowPlan) -> Firm:
    values = {name: row.fields.get(name, "") for name in FIRM_FIELDS}
    values["employees"] = row.fields.get("employees")
    return Firm(tax_id=row.tax_id, **values)


def _create_firms(rows: list[RowPlan]) -> dict[str, int]:
    new = Firm.objects.bulk_create([_new_firm(r) for r in rows if r.new_firm], batch_size=BATCH)
    if any(firm.pk is None for firm in new):  # a database that returns no ids from bulk inserts
        tax_ids = [firm.tax_id for firm in new]
        return dict(Firm.objects.filter(tax_id__in=tax_ids).values_list("tax_id", "pk"))
    return {firm.tax_id: firm.pk for firm in new}


def _update_firms(rows: list[RowPlan]) -> int:
    changed, fields = [], set()
    for row in rows:
        if row.changes:
            for name, (_old, new) in row.changes.items():
                setattr(row.firm, name, new)
            changed.append(row.firm)
            fields.update(row.changes)
    if changed:
        Firm.objects.bulk_update(changed, sorted(fields), batch_size=BATCH)
    return len(changed)


def _create_memberships(rows: list[RowPlan], new_ids: dict[str, int]) -> int:
    today = timezone.localdate()
    memberships = [
        Membership(
            network_id=row.network.pk,
            firm_id=row.firm.pk if row.firm else new_ids[row.tax_id],
            joined_on=row.joined_on or today,
        )
        for row in rows
        if row.new_membership
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    return len(memberships)


@transaction.atomic
def import_apply(*, actor, rows: list[ImportRow]) -> ImportResult:
    """Import firms and memberships from parsed file rows, all or nothing.

    The rows are planned again here (the database may have changed since the preview); any
    row with an error refuses the whole file (ValidationError). Importing the same file twice
    changes nothing the second time.
    """
    access.require(access.can_register_firm(actor))
    plan = plan_import(actor=actor, rows=rows)
    if plan.has_errors:
        raise ValidationError(IMPORT_HAS_ERRORS % {"count": plan.error_count})
    _lock_networks(plan)
    try:
        with transaction.atomic():
            new_ids = _create_firms(plan.rows)
            updated = _update_firms(plan.rows)
            memberships = _create_memberships(plan.rows, new_ids)
    except IntegrityError:
        # A firm with one of these tax ids, or one of these memberships, appeared meanwhile.
        raise ConflictError(IMPORT_RACE) from None
    unchanged = sum(1 for row in plan.rows if row.statuses == ["unchanged"])
    return ImportResult(len(new_ids), updated, memberships, unchanged)
