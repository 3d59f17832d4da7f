"""Money arithmetic: Decimal only, rounded to the currency's smallest unit, never lost.

CLP has no minor unit (amounts are whole pesos); UF is quoted with four decimals; other
currencies use cents.
"""

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

QUANTA = {"CLP": Decimal("1"), "UF": Decimal("0.0001"), "CLF": Decimal("0.0001")}
CENT = Decimal("0.01")


def quantum(currency: str) -> Decimal:
    return QUANTA.get((currency or "").upper(), CENT)


def round_money(amount: Decimal, currency: str) -> Decimal:
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def split(
    total: Decimal,
    weights: list[tuple[object, Decimal]],
    currency: str,
    *,
    unit: Decimal | None = None,
) -> dict:
    """Split `total` by weights into amounts that add up to `total` exactly.

    Largest remainder: every part is rounded down to the currency's unit, then the units left
    over go one each to the parts with the largest remainders; ties go to the earlier key in
    `weights` (callers pass firms ordered by tax id, so the rule is stable and visible).
    `unit` overrides the currency's unit (a split of percentages in hundredths).
    """
    unit = unit or quantum(currency)
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


def split_percent(weights: list[tuple[object, Decimal]]) -> dict:
    """100% split by weights in hundredths of a percent, adding up to exactly 100.00; what is
    left over after rounding down goes to the largest remainders, ties to the first keys."""
    return split(Decimal(100), weights, "", unit=CENT)


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


# Currency marks people type before or after an amount; they say nothing about its value.
_CURRENCY_MARKS = re.compile(r"^(?:US\$|CLP\$?|CLP|UF|USD|\$)|(?:CLP|UF|USD|\$)$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def parse_amount(text: str, *, decimal_mark: str, decimal_places: int | None = None) -> Decimal:
    """An amount as people in Chile type it, whatever the interface's language.

    "1.250.000", "$1.300.000", "1250000", "1.250.000,50" and "1,250,000.50" all read as people
    mean them. The rules, in order: currency marks and spaces are dropped; with both "." and ","
    the last one is the decimal mark; one mark used twice or more groups thousands; one mark used
    once groups thousands before exactly three digits when it is not the language's decimal mark
    (`decimal_mark`), or when the amount takes fewer than three decimals (`decimal_places`): "45.000"
    is 45000 pesos in English too, as a Chilean means it; otherwise it is a decimal mark. Anything
    else raises ValueError.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f']", "", str(text))
    sign = ""
    if cleaned.startswith("-"):
        sign, cleaned = "-", cleaned[1:]
    cleaned = _CURRENCY_MARKS.sub("", cleaned)
    cleaned = _CURRENCY_MARKS.sub("", cleaned)  # "$1.000 CLP": a mark on each side
    if not re.fullmatch(r"\d[\d.,]*", cleaned or "") or cleaned[-1] in ".,":
        raise ValueError(text)
    dots, commas = cleaned.count("."), cleaned.count(",")
    if dots and commas:
        decimal = "." if cleaned.rfind(".") > cleaned.rfind(",") else ","
        whole, _, fraction = cleaned.rpartition(decimal)
        _check_grouping(whole, text)
    elif dots + commas == 0:
        whole, fraction = cleaned, ""
    else:
        mark = "." if dots else ","
        three_after = len(cleaned.rpartition(mark)[2]) == 3
        takes_three = decimal_places is None or decimal_places >= 3
        if dots + commas > 1 or (three_after and (mark != decimal_mark or not takes_three)):
            whole, fraction = cleaned, ""
            _check_grouping(whole, text)
        else:
            whole, _, fraction = cleaned.partition(mark)
    digits = re.sub(r"[.,]", "", whole)
    try:
        return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")
    except InvalidOperation as error:
        raise ValueError(text) from error


def _check_grouping(whole: str, text: str) -> None:
    """Thousands are grouped by threes with one mark: "1.25.000" is a typing error."""
    if ("." in whole or "," in whole) and not _GROUPED.fullmatch(whole):
        raise ValueError(text)
    if "." in whole and "," in whole:
        raise ValueError(text)
