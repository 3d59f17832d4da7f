"""Money arithmetic: Decimal only, rounded to the currency's smallest unit, never lost.

CLP has no minor unit (amounts are whole pesos); UF is quoted with four decimals; other
currencies use cents.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

QUANTA = {"CLP": Decimal("1"), "UF": Decimal("0.0001"), "CLF": Decimal("0.0001")}
CENT = Decimal("0.01")


def quantum(currency: str) -> Decimal:
    return QUANTA.get((currency or "").upper(), CENT)


def round_money(amount: Decimal, currency: str) -> Decimal:
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def split(total: Decimal, weights: list[tuple[object, Decimal]], currency: str) -> dict:
    """Split `total` by weights into amounts that add up to `total` exactly.

    Largest remainder: every part is rounded down to the currency's unit, then the units left
    over go one each to the parts with the largest remainders; ties go to the earlier key in
    `weights` (callers pass firms ordered by tax id, so the rule is stable and visible).
    """
    unit = quantum(currency)
    weight_sum = sum((w for _, w in weights), Decimal(0))
    if not weights:
        return {}
    if weight_sum <= 0:
        weights = [(key, Decimal(1)) for key, _ in weights]
        weight_sum = Decimal(len(weights))
    exact = [(key, total * w / weight_sum) for key, w in weights]
    parts = {key: value.quantize(unit, rounding=ROUND_DOWN) for key, value in exact}
    leftover = int((total - sum(parts.values(), Decimal(0))) / unit)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - parts[exact[i][0]]), i))
    for i in order[:leftover]:
        parts[exact[i][0]] += unit
    return parts


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
