"""`{{ amount|money:currency }}`: an amount in the user's locale, followed by its currency code.

CLP has no decimals, UF four, others two (networks.lib.money's units). The amount is rounded half up
first: number_format alone would cut the extra digits off instead of rounding them.
"""

from django import template

from networks.lib.money import format_money

register = template.Library()


@register.filter(name="money")
def money(amount, currency: str = "CLP") -> str:
    return format_money(amount, currency)
