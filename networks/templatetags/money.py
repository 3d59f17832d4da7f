"""`{{ amount|money:currency }}`: an amount in the user's locale, followed by its currency code.

CLP has no decimals, UF four, others two (networks.money's units). The amount is rounded half up
first: number_format alone would cut the extra digits off instead of rounding them.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from networks.money import quantum, round_money

register = template.Library()


def format_money(amount, currency: str = "CLP") -> str:
    if amount is None or amount == "":
        return "—"
    try:
        value = round_money(Decimal(str(amount)), currency)
    except (InvalidOperation, ValueError, TypeError):
        return str(amount)
    places = max(0, -quantum(currency).as_tuple().exponent)
    formatted = number_format(value, places, use_l10n=True, force_grouping=True)
    return f"{formatted} {(currency or '').upper()}".strip()


@register.filter(name="money")
def money(amount, currency: str = "CLP") -> str:
    return format_money(amount, currency)
