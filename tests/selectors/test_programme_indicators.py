"""Programme indicators on hand-built data: each figure, its sentence, and "—" with a reason."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from networks.models import (
    JointAction,
    JointActionType,
    Membership,
    MonthlyCharge,
    Network,
    PhaseTransition,
)
from networks.selectors.evaluation import default_period, programme_indicators
from tests import factories

pytestmark = pytest.mark.django_db

FROM, TO = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
QUERIES = 7  # currencies, agency money, firms reached, phases, survival, joint-action value,
# and the networks still running after their check-in years


def at(year, month, day) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


def moved(network, actor, *steps):
    """Phase transitions written as they happened, and the network left in the last phase."""
    phase = Network.Phase.PREPARATION
    for to_phase, when in steps:
        PhaseTransition.objects.create(
            network=network, from_phase=phase, to_phase=to_phase, actor=actor, at=when
        )
        phase = to_phase
    Network.objects.filter(pk=network.pk).update(phase=phase)


def charge(network, month, agency_amount):
    MonthlyCharge.objects.create(
        network=network, month=month, salary=Decimal("1000000"), agency_percent=Decimal("70"),
        agency_amount=Decimal(agency_amount), firms_amount=Decimal("300000"),
    )  # fmt: skip


def member(network, firm, joined, left=None):
    Membership.objects.create(network=network, firm=firm, joined_on=joined, left_on=left)


def joint_action(network, actor, value, status="done", start=None, end=None):
    kind = JointActionType.objects.get(programme=network.programme, slug="joint_purchasing")
    JointAction.objects.create(
        network=network, type=kind, title="Timber", status=status, value=Decimal(value),
        start_date=start, end_date=end, logged_by=actor,
    )  # fmt: skip


@pytest.fixture
def portfolio(officer, programme):
    """Four networks of the officer's agency and one of another agency.

    A: in consolidation since 2024; 12 months of agency money in 2025 (700 000 each), three
       members in 2025, one that left in 2024 and one that joins in 2026.
    B: independent since March 2024 and still going; agency money 0 after the handover.
    C: independent in June 2023, dissolved in January 2024 (within 12 months).
    D: in preparation, two members (one of them also in A).
    """
    make = lambda name: factories.NetworkFactory(programme=programme, name=name)  # noqa: E731
    a, b, c, d = make("A"), make("B"), make("C"), make("D")
    consolidation, independence = Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE
    moved(a, officer, (consolidation, at(2024, 1, 1)))
    moved(b, officer, (consolidation, at(2021, 3, 1)), (independence, at(2024, 3, 1)))
    moved(c, officer, (consolidation, at(2020, 6, 1)), (independence, at(2023, 6, 1)),
          (Network.Phase.DISSOLVED, at(2024, 1, 15)))  # fmt: skip
    for month in range(1, 13):
        charge(a, datetime.date(2025, month, 1), "700000")
        charge(b, datetime.date(2025, month, 1), "0")
    charge(a, datetime.date(2024, 12, 1), "999")  # before the period
    charge(a, datetime.date(2026, 1, 1), "999")  # after it
    f1, f2, f3, f4, f5, f6, f7, f8, f9 = factories.FirmFactory.create_batch(9)
    for firm in (f1, f2, f3):
        member(a, firm, datetime.date(2024, 1, 1))
    member(a, f7, datetime.date(2024, 1, 1), left=datetime.date(2024, 6, 30))
    member(a, f8, datetime.date(2026, 1, 5))
    member(b, f4, datetime.date(2021, 1, 1))
    member(b, f5, datetime.date(2021, 1, 1), left=datetime.date(2025, 3, 1))  # left in the period
    member(c, f9, datetime.date(2020, 1, 1), left=datetime.date(2024, 1, 15))
    member(d, f3, datetime.date(2025, 6, 1))
    member(d, f6, datetime.date(2025, 6, 1))
    joint_action(a, officer, "4200000", end=datetime.date(2025, 5, 20))
    joint_action(a, officer, "1000000", end=datetime.date(2024, 11, 30))  # before the period
    joint_action(a, officer, "5000000", status="under_way", start=datetime.date(2025, 2, 1))
    joint_action(b, officer, "2100000", start=datetime.date(2025, 2, 1))  # done, no end date
    # Another agency's network: never counted.
    other = factories.NetworkFactory(name="Elsewhere")
    charge(other, datetime.date(2025, 1, 1), "5000000")
    member(other, factories.FirmFactory(), datetime.date(2024, 1, 1))
    return {"a": a, "b": b, "c": c, "d": d}


def test_cost_per_firm_reached(officer, portfolio):
    figure = programme_indicators(user=officer, date_from=FROM, date_to=TO)["cost_per_firm"]
    # 12 x 700 000 = 8 400 000 over f1, f2, f3, f4, f5, f6 (f3 counted once).
    assert figure.value == Decimal("1400000")
    assert figure.display == "1,400,000 CLP"
    assert "(8,400,000 CLP)" in figure.how
    assert "divided by the 6 distinct firms" in figure.how
    assert not figure.reason


def test_share_that_reached_independence(officer, portfolio):
    figure = programme_indicators(user=officer, date_from=FROM, date_to=TO)["independence"]
    assert figure.value == Decimal("67")  # B and C of A, B and C
    assert figure.display == "67%"
    assert "reached independence by 31 Dec 2025 (2)" in figure.how
    assert "entered consolidation by then (3)" in figure.how


def test_independence_counts_only_moves_before_the_end_of_the_period(officer, portfolio):
    figure = programme_indicators(
        user=officer, date_from=datetime.date(2023, 1, 1), date_to=datetime.date(2023, 12, 31)
    )["independence"]
    assert figure.value == Decimal("50")  # C, of B and C (A entered consolidation in 2024)


def test_share_still_active_a_year_after_independence(officer, portfolio):
    figure = programme_indicators(user=officer, date_from=FROM, date_to=TO)["still_active"]
    # B and C reached independence by 31 Dec 2024; C was dissolved within 12 months.
    assert figure.value == Decimal("50")
    assert "reached independence by 31 Dec 2024" in figure.how
    assert "(2), those not dissolved within 12 months of it (1)" in figure.how


@pytest.mark.parametrize(
    "dissolved, counted", [(datetime.date(2024, 3, 9), 0), (datetime.date(2024, 3, 10), 1)]
)
def test_still_active_counts_whole_months(officer, programme, dissolved, counted):
    network = factories.NetworkFactory(programme=programme)
    moved(network, officer, (Network.Phase.CONSOLIDATION, at(2020, 1, 1)),
          (Network.Phase.INDEPENDENCE, at(2023, 3, 10)),
          (Network.Phase.DISSOLVED, at(dissolved.year, dissolved.month, dissolved.day)))  # fmt: skip
    figure = programme_indicators(user=officer, date_from=FROM, date_to=TO)["still_active"]
    assert figure.value == Decimal(100 * counted)


def test_joint_action_value_per_unit_of_agency_money(officer, portfolio):
    figure = programme_indicators(user=officer, date_from=FROM, date_to=TO)["value_per_money"]
    # (4 200 000 + 2 100 000) / 8 400 000
    assert figure.value == Decimal("0.75")
    assert figure.display == "0.75"
    assert "(6,300,000 CLP)" in figure.how and "(8,400,000 CLP)" in figure.how


def test_the_filter_narrows_every_figure(officer, portfolio):
    Network.objects.filter(pk=portfolio["b"].pk).update(region="Biobío")
    figures = programme_indicators(user=officer, region="Biobío", date_from=FROM, date_to=TO)
    assert figures["cost_per_firm"].value == Decimal(0)  # B's agency share was 0; f4, f5
    assert figures["independence"].value == Decimal(100)
    assert figures["still_active"].value == Decimal(100)
    assert figures["value_per_money"].value is None


def test_zero_denominators_show_a_dash_and_the_reason(officer):
    figures = programme_indicators(user=officer, date_from=FROM, date_to=TO)
    for item in figures.items:
        assert item.value is None
        assert item.display == "—"
        assert item.reason
        assert item.how
    assert figures["cost_per_firm"].reason == (
        "No firm was a member of the selected networks in the period."
    )
    assert figures["independence"].reason == (
        "No selected network had entered consolidation by 31 Dec 2025."
    )
    assert figures["value_per_money"].reason == (
        "The agency paid nothing towards the selected networks' managers in the period."
    )


def test_different_currencies_are_not_added_up(officer, portfolio):
    usd = factories.ProgrammeFactory(agency=officer.agency, currency="USD")
    network = factories.NetworkFactory(programme=usd)
    charge(network, datetime.date(2025, 1, 1), "100")
    figures = programme_indicators(user=officer, date_from=FROM, date_to=TO)
    assert figures["cost_per_firm"].value is None
    assert "(CLP, USD)" in figures["cost_per_firm"].reason
    assert figures["value_per_money"].value is None
    only_clp = programme_indicators(
        user=officer, programme=portfolio["a"].programme, date_from=FROM, date_to=TO
    )
    assert only_clp["cost_per_firm"].value == Decimal("1400000")


def test_the_default_period_is_the_last_twelve_months():
    start, end = default_period(datetime.date(2026, 11, 27))
    assert (start, end) == (datetime.date(2025, 12, 1), datetime.date(2026, 11, 27))


def test_a_fixed_number_of_queries_whatever_the_size(
    officer, programme, portfolio, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES):
        programme_indicators(user=officer, date_from=FROM, date_to=TO)
    for _n in range(10):
        network = factories.NetworkFactory(programme=programme)
        moved(network, officer, (Network.Phase.CONSOLIDATION, at(2024, 1, 1)))
        charge(network, datetime.date(2025, 3, 1), "1000")
        member(network, factories.FirmFactory(), datetime.date(2024, 1, 1))
        joint_action(network, officer, "10", end=datetime.date(2025, 4, 1))
    with django_assert_num_queries(QUERIES):
        programme_indicators(user=officer, date_from=FROM, date_to=TO)
