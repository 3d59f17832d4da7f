"""Dates in the English interface are written and read day first, as in Chile: "4 Apr 2024".

A month-first "12/04/2026" is misread in Chile (it is the 12th of April there), so English
pages never write it and forms never read it that way.
"""

import datetime

import pytest
from django import forms
from django.utils import translation
from django.utils.formats import date_format

DAY = datetime.date(2024, 4, 4)
MOMENT = datetime.datetime(2024, 4, 4, 9, 30)


@pytest.mark.parametrize("name", ["DATE_FORMAT", "SHORT_DATE_FORMAT"])
def test_english_writes_dates_day_first_with_the_month_in_letters(name):
    with translation.override("en"):
        assert date_format(DAY, name) == "4 Apr 2024"
        assert date_format(datetime.date(2023, 11, 4), name) == "4 Nov 2023"


@pytest.mark.parametrize("name", ["DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"])
def test_english_writes_moments_day_first(name):
    with translation.override("en"):
        assert date_format(MOMENT, name) == "4 Apr 2024 09:30"


def test_spanish_keeps_its_numeric_dates():
    with translation.override("es"):
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "04-04-2024"


class DayForm(forms.Form):
    day = forms.DateField()


@pytest.mark.parametrize(
    "typed, day",
    [
        ("12/04/2026", datetime.date(2026, 4, 12)),
        ("12-04-2026", datetime.date(2026, 4, 12)),
        ("2026-04-12", datetime.date(2026, 4, 12)),
    ],
)
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_typed_date_is_read_day_first_in_either_language(language, typed, day):
    with translation.override(language):
        form = DayForm({"day": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == day


def test_english_reads_back_the_dates_it_writes():
    with translation.override("en"):
        form = DayForm({"day": "12 Apr 2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2026, 4, 12)
