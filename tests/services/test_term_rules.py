"""The term's rules made right (issue 18): the share after the due date, an extension's own
rate, and the exact months of a term that starts mid-month."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest

from networks import rules
from networks.models import MonthlyCharge
from networks.services import term as T
from tests import builders

pytestmark = pytest.mark.django_db
START = datetime.date(2024, 1, 15)  # mid-month: due on 15 January 2027
SALARY = Decimal("1000000")


@pytest.fixture
def running(network, officer):
    with mock.patch("networks.services.lifecycle.timezone.localdate",
                    return_value=datetime.date(2024, 1, 10)):  # fmt: skip
        builders.consolidating_network(network, officer, start=START, salary=SALARY)
    network.memberships.update(joined_on=datetime.date(2023, 10, 1))
    return network


def charge(network, month, today=datetime.date(2028, 1, 1)):
    with mock.patch("networks.services.term.timezone.localdate", return_value=today):
        return T.dues_generate(network=network, month=month)


def test_overdue_share_is_zero_by_default(running):
    assert running.programme.overdue_agency_percent == 0
    february = charge(running, datetime.date(2027, 2, 1))
    assert (february.agency_percent, february.agency_amount) == (0, 0)
    assert february.firms_amount == SALARY == sum(d.amount for d in february.dues.all())


def test_overdue_share_is_a_programme_setting(running):
    running.programme.overdue_agency_percent = Decimal("10")
    running.programme.save()
    assert charge(running, datetime.date(2027, 3, 1)).agency_amount == Decimal("100000")


def test_a_granted_extension_keeps_its_own_rate(running, officer):
    change = T.term_extend(network=running, actor=officer, new_due_date=datetime.date(2027, 6, 15),
                           reason="Harvest season", agency_percent=Decimal("20"))  # fmt: skip
    assert change.agency_percent == Decimal("20")
    running.refresh_from_db()
    # January: 14 days of year 3 (30%), then 17 days of the extension (20%).
    assert rules.agency_percent(running, datetime.date(2027, 1, 1)) == Decimal("24.516")
    assert charge(running, datetime.date(2027, 3, 1)).agency_amount == Decimal("200000")
    # June: 14 days at 20%, then overdue again at the programme's 0%.
    assert rules.agency_percent(running, datetime.date(2027, 6, 1)) == Decimal("9.333")
    assert rules.agency_percent(running, datetime.date(2027, 7, 1)) == 0


def test_an_extension_defaults_to_the_last_years_rate_and_refuses_a_bad_one(running, officer):
    with pytest.raises(T.ValidationError) as err:
        T.term_extend(network=running, actor=officer, new_due_date=datetime.date(2027, 6, 15),
                      reason="x", agency_percent=Decimal("101"))  # fmt: skip
    assert err.value.message_dict == {"agency_percent": [str(T.EXTENSION_RATE_INVALID)]}
    change = T.term_extend(network=running, actor=officer,
                           new_due_date=datetime.date(2027, 6, 15), reason="x")  # fmt: skip
    assert change.agency_percent == Decimal("30")


def test_the_exact_charges_of_a_mid_month_term(running):
    with mock.patch("networks.services.term.timezone.localdate",
                    return_value=datetime.date(2027, 2, 10)):  # fmt: skip
        T.dues_catch_up(network=running)
    charges = {c.month: c for c in MonthlyCharge.objects.filter(network=running)}
    # January 2024: the days from the 15th, 17 of 31, at 70%.
    first = charges[datetime.date(2024, 1, 1)]
    assert (first.salary, first.agency_percent, first.agency_amount) == (
        Decimal("548387"), Decimal("70"), Decimal("383871"),
    )  # fmt: skip
    # January 2025: 14 days of year 1 at 70%, 17 of year 2 at 50%.
    assert charges[datetime.date(2025, 1, 1)].agency_percent == Decimal("59.032")
    # January 2027: 14 days at 30%, then overdue at 0%; no 37th month at the year-3 rate.
    assert charges[datetime.date(2027, 1, 1)].agency_percent == Decimal("13.548")
    assert charges[datetime.date(2027, 2, 1)].agency_percent == 0
    at_thirty = [c for c in charges.values() if c.agency_percent == 30]
    assert len(at_thirty) == 11
    # Over the term the agency paid exactly 12 months at each rate (to a peso a month).
    agency = sum(c.agency_amount for c in charges.values())
    assert abs(agency - SALARY * Decimal("0.7") * 12 - SALARY * Decimal("0.5") * 12
               - SALARY * Decimal("0.3") * 12) <= len(charges)  # fmt: skip
    for month_charge in charges.values():
        dues = sum(d.amount for d in month_charge.dues.all())
        assert month_charge.agency_amount + dues == month_charge.salary


def test_a_setting_change_never_rewrites_a_month_already_charged(running):
    february = charge(running, datetime.date(2027, 2, 1))
    running.programme.overdue_agency_percent = Decimal("50")
    running.programme.save()
    again = charge(running, datetime.date(2027, 2, 1))
    assert again.pk == february.pk and again.agency_amount == 0
    assert charge(running, datetime.date(2027, 3, 1)).agency_amount == SALARY / 2
