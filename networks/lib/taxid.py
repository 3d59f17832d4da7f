"""Chilean RUT (Rol Único Tributario): normalise, validate the check digit, format.

A RUT is a number and a check digit computed by modulo 11, written "76.123.456-7". We store
it without dots ("76123456-7") so that uniqueness does not depend on how it was typed.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RUT_BAD_FORMAT = _("Enter a RUT like 76.123.456-7.")
RUT_BAD_CHECK_DIGIT = _("The RUT's check digit is wrong: please check the number.")
TAX_ID_BAD_FORMAT = _("Enter the tax id with letters, digits, dots or dashes only.")

_RUT_RE = re.compile(r"^(\d{1,9})-?([\dkK])$")
_GENERIC_RE = re.compile(r"^[A-Za-z0-9.\-/ ]{3,20}$")


def rut_check_digit(number: int) -> str:
    total, factor = 0, 2
    for digit in reversed(str(number)):
        total += int(digit) * factor
        factor = 2 if factor == 7 else factor + 1
    rest = 11 - total % 11
    return {11: "0", 10: "K"}.get(rest, str(rest))


def normalize_rut(value: str) -> str:
    """Return "76123456-7" for any common spelling, or raise ValidationError."""
    compact = re.sub(r"[.\s]", "", str(value or "")).upper()
    match = _RUT_RE.match(compact)
    if not match:
        raise ValidationError(RUT_BAD_FORMAT, code="rut_format")
    number, check = int(match.group(1)), match.group(2).upper()
    if number == 0:
        raise ValidationError(RUT_BAD_FORMAT, code="rut_format")
    if rut_check_digit(number) != check:
        raise ValidationError(RUT_BAD_CHECK_DIGIT, code="rut_check_digit")
    return f"{number}-{check}"


def normalize_tax_id(value: str, *, country: str = "CL") -> str:
    """Chilean RUT when the programme's country is Chile, a plain id elsewhere."""
    if country.upper() == "CL":
        return normalize_rut(value)
    compact = str(value or "").strip().upper()
    if not _GENERIC_RE.match(compact):
        raise ValidationError(TAX_ID_BAD_FORMAT, code="tax_id_format")
    return compact


def format_rut(value: str) -> str:
    """ "76123456-7" -> "76.123.456-7"; anything that is not a RUT is returned as it is."""
    match = _RUT_RE.match(str(value or ""))
    if not match:
        return value
    return f"{int(match.group(1)):,}".replace(",", ".") + "-" + match.group(2)
