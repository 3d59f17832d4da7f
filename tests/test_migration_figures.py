"""Migration 0014: the firm indicators recorded before 0013 go to the network they were recorded
for (the firm's network in force at the row's date, preferring the recorder's), or stay the
firm's own."""

import datetime
import importlib

import pytest
from django.apps import apps

from networks.models import FirmIndicator, Membership
from tests import factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("networks.migrations.0014_figures_by_network_data")
D = datetime.date


def _row(firm, day, recorder, **kwargs) -> FirmIndicator:
    # As 0013 left every earlier row: recorded for no network.
    return FirmIndicator.objects.create(
        firm=firm, network=None, date=day, recorded_by=recorder, employees=1, **kwargs
    )


def _attributed(*rows) -> list:
    migration.attribute(apps, None)
    return [FirmIndicator.objects.get(pk=row.pk).network for row in rows]


@pytest.fixture
def two_agencies():
    a = factories.NetworkFactory(name="Agency A's network")
    b = factories.NetworkFactory(name="Agency B's network")
    return a, b


def test_a_row_goes_to_the_network_in_force_at_its_date(two_agencies):
    a, b = two_agencies
    firm = factories.FirmFactory()
    Membership.objects.create(network=a, firm=firm, joined_on=D(2023, 1, 1), left_on=D(2024, 1, 1))
    Membership.objects.create(network=b, firm=firm, joined_on=D(2024, 2, 1))
    user = factories.FirmMemberFactory(firm=firm)
    rows = [
        _row(firm, D(2023, 6, 1), user, is_baseline=True),
        _row(firm, D(2024, 6, 1), user),
        _row(firm, D(2024, 1, 15), user),  # between the two: nobody's but the firm's
        _row(firm, D(2022, 6, 1), user),  # before it joined anything
    ]
    assert _attributed(*rows) == [a, b, None, None]


def test_a_row_from_before_joining_goes_to_the_network_of_whoever_recorded_it(two_agencies):
    a, b = two_agencies
    firm = factories.FirmFactory()
    Membership.objects.create(network=a, firm=firm, joined_on=D(2024, 1, 1))
    Membership.objects.create(network=b, firm=firm, joined_on=D(2024, 1, 1))
    b_officer = factories.AgencyStaffFactory(agency=b.programme.agency)
    rows = [
        _row(firm, D(2023, 12, 1), a.facilitator, is_baseline=True),
        _row(firm, D(2023, 11, 1), b_officer),
    ]
    assert _attributed(*rows) == [a, b]


def test_with_two_networks_in_force_the_recorders_wins_else_the_first_joined(two_agencies):
    a, b = two_agencies
    firm = factories.FirmFactory()
    Membership.objects.create(network=a, firm=firm, joined_on=D(2024, 1, 1))
    Membership.objects.create(network=b, firm=firm, joined_on=D(2024, 3, 1))
    b_officer = factories.AgencyStaffFactory(agency=b.programme.agency)
    user = factories.FirmMemberFactory(firm=firm)
    rows = [
        _row(firm, D(2024, 6, 1), b.facilitator),
        _row(firm, D(2024, 7, 1), b_officer),
        _row(firm, D(2024, 8, 1), user),
        _row(firm, D(2024, 9, 1), a.facilitator),
    ]
    assert _attributed(*rows) == [b, b, a, a]


def test_a_firm_in_no_network_keeps_its_rows_and_history_rows_follow(two_agencies):
    a, _b = two_agencies
    alone = factories.FirmFactory()
    member = factories.FirmFactory()
    Membership.objects.create(network=a, firm=member, joined_on=D(2024, 1, 1))
    own = _row(alone, D(2024, 6, 1), factories.FacilitatorFactory())
    theirs = _row(member, D(2024, 6, 1), a.facilitator)
    assert _attributed(own, theirs) == [None, a]
    history = FirmIndicator.history.model.objects
    assert set(history.filter(id=theirs.pk).values_list("network_id", flat=True)) == {a.pk}
    assert set(history.filter(id=own.pk).values_list("network_id", flat=True)) == {None}
    assert _attributed(own, theirs) == [None, a]  # run again: nothing moves
