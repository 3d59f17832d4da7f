import pytest
from django.core.exceptions import ValidationError

from networks.lib.taxid import format_rut, normalize_rut, normalize_tax_id, rut_check_digit


@pytest.mark.parametrize(
    "number, digit",
    [(76123456, "0"), (11111111, "1"), (12345678, "5"), (7654321, "6"), (10000013, "K")],
)
def test_check_digit(number, digit):
    assert rut_check_digit(number) == digit


@pytest.mark.parametrize("typed", ["12.345.678-5", "12345678-5", "123456785", " 12.345.678-5 "])
def test_normalize_accepts_common_spellings(typed):
    assert normalize_rut(typed) == "12345678-5"


def test_k_check_digit_is_upper_case():
    assert normalize_rut("10.000.013-k") == "10000013-K"


def test_bad_check_digit_is_refused():
    with pytest.raises(ValidationError) as err:
        normalize_rut("12.345.678-9")
    assert err.value.code == "rut_check_digit"


@pytest.mark.parametrize("typed", ["", "abc", "12.345.678-X", "0-0"])
def test_bad_format_is_refused(typed):
    with pytest.raises(ValidationError) as err:
        normalize_rut(typed)
    assert err.value.code == "rut_format"


def test_format_rut_with_dots():
    assert format_rut("76123456-0") == "76.123.456-0"


def test_other_countries_accept_their_own_format():
    assert normalize_tax_id("20-12345678-3", country="AR") == "20-12345678-3"
    with pytest.raises(ValidationError):
        normalize_tax_id("<script>", country="AR")
