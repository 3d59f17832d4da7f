"""Firms: created once, shared by every network they join."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.lib.taxid import normalize_tax_id
from networks.models import Firm

# The same answer whoever registered the firm, this agency or another: a RUT is public (its
# complete tax id finds it in the search), but whose firm it is, and its details, are not.
FIRM_TAX_ID_TAKEN = _(
    "A firm with this tax id is already registered. Add it to the network by its tax id."
)
FIRM_NAME_REQUIRED = _("Give the firm's name.")
FIRM_EMPLOYEES_NEGATIVE = _("The number of employees cannot be negative.")

FIRM_FIELDS = ("sector", "region", "commune", "employees", "contact_name", "email", "phone")


def _clean(fields: dict) -> dict:
    employees = fields.get("employees")
    if employees is not None and employees < 0:
        raise ValidationError({"employees": FIRM_EMPLOYEES_NEGATIVE})
    return {k: v for k, v in fields.items() if k in FIRM_FIELDS}


@transaction.atomic
def firm_create(*, actor, name: str, tax_id: str, country: str = "CL", **fields) -> Firm:
    """Create a firm. The tax id is checked (as a RUT in Chile) and must be new."""
    access.require(access.is_operator(actor) or access.can_register_firm(actor))
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [FIRM_NAME_REQUIRED]
    try:
        tax_id = normalize_tax_id(tax_id, country=country)
    except ValidationError as exc:
        errors["tax_id"] = exc.messages
    else:
        existing = Firm.objects.filter(tax_id=tax_id).first()
        if existing:
            errors["tax_id"] = [FIRM_TAX_ID_TAKEN]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Firm.objects.create(name=name, tax_id=tax_id, **_clean(fields))
    except IntegrityError:
        # Someone else created the same tax id a moment ago.
        raise ValidationError({"tax_id": [FIRM_TAX_ID_TAKEN]}) from None


@transaction.atomic
def firm_update(*, firm: Firm, actor, name: str | None = None, **fields) -> Firm:
    access.require(access.is_operator(actor) or access.can_record_firm_figures(actor, firm))
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": FIRM_NAME_REQUIRED})
        firm.name = name.strip()
    changes = _clean(fields)
    for key, value in changes.items():
        setattr(firm, key, value)
    firm.save(update_fields=(["name"] if name is not None else []) + list(changes))
    return firm
