"""Quality certifications per firm (domain.md 4b): the register a firm, its facilitator and its
agency keep of the standards it works towards or holds, with evidence.

A certification is one of the firm's figures: it is recorded for one network (or as the
firm's own record, by the firm only), and corrected where it was recorded, as the firm's
indicators are (`access.figure_networks`, `access.can_correct_figures`).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.files.uploads import check_upload
from networks.models import Certification, Firm, User

CERTIFICATION_STANDARD_REQUIRED = _("Name the standard (for example ISO 9001 or GMP).")
CERTIFICATION_STATUS_UNKNOWN = _("Choose preparing, audited, certified or lapsed.")
CERTIFICATION_DATE_REQUIRED = _("Give the date the firm was certified.")
CERTIFICATION_DATE_IN_FUTURE = _("The date cannot be in the future.")
CERTIFICATION_EXPIRY_BEFORE = _("The expiry date must come after the certification date.")
CERTIFICATION_DATES_ORDER = _("The dates must follow each other: work started, audit, certificate.")
CERTIFICATION_NETWORK_REQUIRED = _("Choose the network this certification is recorded for.")
CERTIFICATION_NETWORK_UNKNOWN = _(
    "Choose one of the firm's networks that you record certifications for."
)

# `network` not given at all: the only network the user may record for, if there is one.
UNSET = object()
FIELDS = (
    "standard", "certifier", "status", "started_on", "audited_on", "certified_on", "expires_on",
    "notes",
)  # fmt: skip
DATES = ("started_on", "audited_on", "certified_on")


def _recorded_for(firm: Firm, actor: User, network) -> tuple:
    """The network the row is for (a Network, its id, None for the firm's own, or UNSET) and
    the error when this actor may not record for it."""
    choices = list(access.figure_networks(actor, firm))
    own = access.can_keep_figures_private(actor, firm)
    if network is UNSET:
        if len(choices) == 1:
            return choices[0], {}
        if not choices and own:
            return None, {}
        return None, {"network": [CERTIFICATION_NETWORK_REQUIRED]}
    if network is None:
        return (None, {}) if own else (None, {"network": [CERTIFICATION_NETWORK_REQUIRED]})
    wanted = getattr(network, "pk", network)
    chosen = next((n for n in choices if n.pk == wanted), None)
    if chosen is None:
        return None, {"network": [CERTIFICATION_NETWORK_UNKNOWN]}
    return chosen, {}


def _errors(values: dict) -> dict:
    errors = {}
    if not (values.get("standard") or "").strip():
        errors["standard"] = [CERTIFICATION_STANDARD_REQUIRED]
    status = values.get("status")
    if status not in Certification.Status.values:
        errors["status"] = [CERTIFICATION_STATUS_UNKNOWN]
    today = timezone.localdate()
    for name in DATES:
        if values.get(name) and values[name] > today:
            errors[name] = [CERTIFICATION_DATE_IN_FUTURE]
    given = [values[name] for name in DATES if values.get(name)]
    if not errors and given != sorted(given):
        errors["certified_on"] = [CERTIFICATION_DATES_ORDER]
    certified = values.get("certified_on")
    if status in (Certification.Status.CERTIFIED, Certification.Status.LAPSED) and not certified:
        errors["certified_on"] = [CERTIFICATION_DATE_REQUIRED]
    expires = values.get("expires_on")
    if expires and certified and expires <= certified:
        errors["expires_on"] = [CERTIFICATION_EXPIRY_BEFORE]
    return errors


def _attach(row: Certification, evidence, errors: dict):
    """Check the evidence by its content (`uploads.check_upload`); None when there is none."""
    if evidence is None:
        return None
    try:
        return check_upload(evidence, field="evidence")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return None


def _store(row: Certification, evidence, checked) -> None:
    row.evidence_name, row.evidence_type = checked.name, checked.content_type
    row.evidence_size = checked.size
    evidence.seek(0)
    row.evidence.save(checked.name, evidence, save=False)


def _save(row: Certification, stored_new_file: bool, **kwargs) -> None:
    try:
        with transaction.atomic():
            row.save(**kwargs)
    except Exception:
        if stored_new_file:  # the row was not written: do not leave its file behind
            row.evidence.storage.delete(row.evidence.name)
        raise


@transaction.atomic
def certification_record(
    *,
    firm: Firm,
    actor: User,
    standard: str,
    status: str = Certification.Status.PREPARING,
    certifier: str = "",
    started_on: datetime.date | None = None,
    audited_on: datetime.date | None = None,
    certified_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    notes: str = "",
    network=UNSET,
    evidence=None,
) -> Certification:
    """Add a standard to the firm's register, for `network` (one the actor records figures
    for) or as the firm's own record (None: the firm's users only).

    Certified and lapsed need the certification date (how "certified before joining" is
    counted); dates are not in the future and follow each other; the evidence file is checked
    by its content and stored with the row, in the same transaction.
    """
    access.require(access.can_record_firm_figures(actor, firm))
    values = {
        "standard": (standard or "").strip(), "certifier": (certifier or "").strip(),
        "status": status, "started_on": started_on, "audited_on": audited_on,
        "certified_on": certified_on, "expires_on": expires_on, "notes": (notes or "").strip(),
    }  # fmt: skip
    errors = _errors(values)
    network, network_errors = _recorded_for(firm, actor, network)
    errors.update(network_errors)
    row = Certification(firm=firm, network=network, recorded_by=actor, **values)
    checked = _attach(row, evidence, errors)
    if errors:
        raise ValidationError(errors)
    if checked is not None:
        _store(row, evidence, checked)
    _save(row, checked is not None)
    return row


@transaction.atomic
def certification_update(
    *, certification: Certification, actor: User, evidence=None, **fields
) -> Certification:
    """Move a certification along (status, dates, certifier, notes) or replace its evidence.

    Corrected only where it could be recorded (`access.can_correct_figures`); the firm and the
    network it was recorded for stay. The same checks as recording hold for the result.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"certification_update() got unexpected fields: {sorted(unknown)}")
    access.require(access.can_correct_figures(actor, certification))
    row = Certification.objects.select_for_update().get(pk=certification.pk)
    for name in ("standard", "certifier", "notes"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    values = {name: fields.get(name, getattr(row, name)) for name in FIELDS}
    errors = _errors(values)
    checked = _attach(row, evidence, errors)
    if errors:
        raise ValidationError(errors)
    changed = [name for name in FIELDS if getattr(row, name) != values[name]]
    for name in changed:
        setattr(row, name, values[name])
    old_file = row.evidence.name if checked is not None else None
    if checked is not None:
        _store(row, evidence, checked)
        changed += ["evidence", "evidence_name", "evidence_type", "evidence_size"]
    if changed:
        _save(row, checked is not None, update_fields=changed)
    if old_file:
        # The replaced file goes once the new row is committed (never before: a rollback
        # would leave the row pointing at nothing).
        storage = row.evidence.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return row
