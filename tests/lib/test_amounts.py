"""Amounts typed as people in Chile type them, in either language of the interface."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from networks.forms.common import AmountField
from networks.lib.money import parse_amount

CHILEAN = [
    ("1.250.000", Decimal("1250000")),
    ("$1.300.000", Decimal("1300000")),
    ("$ 1.300.000", Decimal("1300000")),
    ("1250000", Decimal("1250000")),
    ("1.250.000,50", Decimal("1250000.50")),
    ("CLP 45.000", Decimal("45000")),
    ("45.000 CLP", Decimal("45000")),
    ("1 250 000", Decimal("1250000")),
    ("-2.500", Decimal("-2500")),
    ("45.000", Decimal("45000")),
]
ENGLISH = [
    ("1,250,000", Decimal("1250000")),
    ("1,250,000.50", Decimal("1250000.50")),
    ("US$1,300.25", Decimal("1300.25")),
    ("12.5", Decimal("12.5")),
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("text, amount", CHILEAN + ENGLISH)
def test_unambiguous_amounts_mean_the_same_in_both_languages(language, text, amount):
    decimal_mark = "." if language == "en" else ","
    assert parse_amount(text, decimal_mark=decimal_mark, decimal_places=2) == amount


@pytest.mark.parametrize(
    "text, decimal_mark, amount",
    [
        # One mark, once: the language's decimal mark is a decimal mark...
        ("12,5", ",", Decimal("12.5")),
        ("1.5", ".", Decimal("1.5")),
        # ...the other mark before three digits groups thousands, as a Chilean writes 1.250.
        ("1.250", ",", Decimal("1250")),
        ("1,250", ".", Decimal("1250")),
    ],
)
def test_a_single_mark_reads_as_the_language_writes_it(text, decimal_mark, amount):
    assert parse_amount(text, decimal_mark=decimal_mark) == amount


def test_three_decimals_are_decimals_only_where_the_amount_takes_them():
    assert parse_amount("1.250", decimal_mark=".", decimal_places=4) == Decimal("1.250")
    assert parse_amount("1.250", decimal_mark=".", decimal_places=2) == Decimal("1250")
    assert parse_amount("1.250", decimal_mark=".") == Decimal("1.250")


@pytest.mark.parametrize("text", ["", "abc", "1.2.3,4,5", "1,,5", "--5", "1e5", "$", "1.25.000"])
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text, decimal_mark=".")


@given(st.integers(min_value=0, max_value=10**12))
def test_a_whole_amount_grouped_the_chilean_way_reads_back_in_english(value):
    grouped = f"{value:,}".replace(",", ".")
    assert parse_amount(f"${grouped}", decimal_mark=".", decimal_places=0) == value
    assert parse_amount(grouped, decimal_mark=",") == value


class PaymentForm(forms.Form):
    amount = AmountField(label="Amount", max_digits=14, decimal_places=2)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_form_takes_chilean_amounts_in_either_language(language):
    with translation.override(language):
        form = PaymentForm({"amount": "$1.300.000"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == Decimal("1300000")


def test_a_wrong_amount_names_the_rule_with_examples():
    with translation.override("en"):
        form = PaymentForm({"amount": "one million"})
        assert not form.is_valid()
        assert form.errors["amount"] == [
            "Enter an amount in figures, such as 1.250.000 or 1250000."
        ]
    with translation.override("es"):
        form = PaymentForm({"amount": "un millón"})
        assert not form.is_valid()
        assert "1.250.000" in form.errors["amount"][0]
