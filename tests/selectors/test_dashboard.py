"""The home pages' reads (networks/selectors/dashboard/): the figures and reasons on hand-built
data, agreeing with the network pages' own rules, and the agency figures' cache."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from networks import rules
from networks.lib.dates import add_months
from networks.models import (
    Activity,
    Application,
    Handover,
    HandoverCommitment,
    JointAction,
    Membership,
    Network,
    ServiceUptake,
)
from networks.selectors import term as term_selectors
from networks.selectors.dashboard import homes as dashboard_homes
from networks.selectors.dashboard.facts import NetworkFacts
from networks.services.lifecycle import submit_checklist
from tests import builders, factories
from tests.builders import activity, days_ago, joint_action, members
from tests.dashboard_scenes import (
    card_for,
    due,
    expire_agency_figures,
    healthy,
    running,
    running_facts,
    the_worked_example,
    today,
)
from tests.factories import ServiceUptakeFactory

pytestmark = pytest.mark.django_db


# --- the facilitator ------------------------------------------------------------------------


def test_facilitator_card_figures_on_the_worked_example(facilitator, network, officer):
    the_worked_example(network, officer)
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    assert card.member_count == 11
    assert card.last_activity == days_ago(10)
    assert card.activities_90d == 3
    assert (card.attended_6m, card.activities_6m) == (22, 4)
    assert card.participation_rate == 0.5 and card.participation_percent == 50
    assert card.drifting == 1 and card.drifting_since == days_ago(100)
    assert card.in_arrears == 2
    assert (card.unconfirmed, card.unconfirmed_actions) == (2, 1)
    assert card.clock.days_left == 41
    assert card.readiness == {
        "members": True, "arrears": False, "activity": False,
        "joint_action": True, "evaluation": True, "commitments": False,
    }  # fmt: skip
    assert (card.readiness_score, card.readiness_total) == (3, 6)


def test_facilitator_figures_agree_with_the_network_pages(facilitator, network, officer):
    """The aggregate queries restate selectors.term and selectors.progress: same answers."""
    from networks.selectors.progress import participation

    the_worked_example(network, officer)
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    readiness = term_selectors.readiness(network)
    assert card.readiness == {item.key: bool(item.met) for item in readiness.items}
    assert card.readiness_score == readiness.score
    arrears = [b for b in term_selectors.balances(network) if b.in_arrears]
    assert card.in_arrears == len(arrears)
    assert card.drifting == sum(1 for row in participation(network) if row.drifting)


def test_readiness_counts_the_open_handovers_commitments(facilitator, network):
    firms = healthy(network)
    handover = Handover.objects.create(
        network=network, date=today(), manager=facilitator, monthly_salary=Decimal(900000),
        proposed_by=facilitator,
    )  # fmt: skip
    HandoverCommitment.objects.bulk_create(
        HandoverCommitment(handover=handover, firm=firm, share_percent=share)
        for firm, share in ((firms[0], Decimal(60)), (firms[1], Decimal(40)))
    )
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    assert card.commitments == Decimal(100) and card.readiness["commitments"]
    assert card.readiness == {
        item.key: bool(item.met) for item in term_selectors.readiness(network).items
    }
    Handover.objects.filter(pk=handover.pk).update(status=Handover.Status.WITHDRAWN)
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    assert card.commitments is None and not card.readiness["commitments"]


def test_a_quiet_network_is_told_to_log_an_activity(facilitator, network):
    running(network)
    members(network, 10)
    activity(network, date=days_ago(31))
    steps = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network).next_steps
    assert ("log_activity", "Log this month's activity") in [(s.code, s.text) for s in steps]
    assert steps[-1].url == reverse("networks:activity-create", args=[network.pk])


def test_a_network_under_the_minimum_is_told_so(facilitator, network):
    healthy(network, count=8)
    steps = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network).next_steps
    assert [s.text for s in steps] == ["8 active members: the programme asks for at least 10"]


def test_the_arrears_cutoff_is_the_term_pages_own(network):
    days_list = (0, 30, 60, 61, 90, 365)
    dates = [datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), datetime.date(2024, 2, 29)]
    for days in days_list:
        network.programme.arrears_days = days
        for day in dates:
            assert rules.arrears_cutoff(days, day) == term_selectors.arrears_cutoff(network, day)


def test_each_programme_counts_arrears_by_its_own_limit(facilitator, agency):
    strict = factories.ProgrammeFactory(agency=agency, arrears_days=30)
    lenient = factories.ProgrammeFactory(agency=agency, arrears_days=200)
    for programme in (strict, lenient):
        network = factories.NetworkFactory(programme=programme, facilitator=facilitator)
        firms = healthy(network)
        due(network, firms[0], 1000, months_ago=3)
    dashboard = dashboard_homes.facilitator_dashboard(user=facilitator)
    counts = {card.network.programme_id: card.in_arrears for card in dashboard.cards}
    assert counts == {strict.pk: 1, lenient.pk: 0}


def test_preparation_cards_count_the_unmet_conditions(facilitator, network, programme):
    members(network, 3)
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    unmet = [item for item in submit_checklist(network) if not item.met]
    assert card.checklist_unmet == len(unmet) == 4
    assert [s.text for s in card.next_steps] == ["Submit the application: 4 conditions unmet"]
    ready = builders.submittable_network(
        factories.NetworkFactory(programme=programme, facilitator=facilitator)
    )
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), ready)
    assert card.checklist_unmet == 0
    assert [s.text for s in card.next_steps] == ["Submit the application: every condition is met"]


def test_a_submitted_application_waits_for_the_agency(facilitator, network):
    builders.submitted_network(network)
    Application.objects.filter(network=network).update(
        submitted_at=timezone.now() - datetime.timedelta(days=12)
    )
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    assert [s.text for s in card.next_steps] == ["Waiting for the agency's decision (12 days)"]


# --- agency staff ---------------------------------------------------------------------------


def risks(dashboard) -> dict[str, list[str]]:
    return {item.network.name: [r.code for r in item.reasons] for item in dashboard.at_risk}


def test_each_risk_is_triggered_by_its_own_case(officer, programme, facilitator, agency):
    def make(name):
        return factories.NetworkFactory(programme=programme, facilitator=facilitator, name=name)

    healthy(make("Healthy"))
    running(make("Quiet"))
    members(Network.objects.get(name="Quiet"), 10)
    healthy(make("Small"), count=9)
    firms = healthy(make("Owing"))
    due(Network.objects.get(name="Owing"), firms[0], 1000, months_ago=4)
    low = make("Absent")
    running(low)
    activity(low, *members(low, 10)[:4], date=days_ago(10))
    falling = make("Drifting apart")
    running(falling)
    firms = members(falling, 10)
    activity(falling, *firms, date=add_months(today(), -8))
    activity(falling, *firms[:6], date=days_ago(10))
    young = make("Just started")
    running(young, started_months_ago=1)
    members(young, 10)

    dashboard = dashboard_homes.agency_dashboard(user=officer)
    assert risks(dashboard) == {
        "Quiet": ["no_activity"],
        "Small": ["below_minimum"],
        "Owing": ["arrears"],
        "Absent": ["low_participation"],
        "Drifting apart": ["density_falling"],
    }
    texts = {item.network.name: [r.text for r in item.reasons] for item in dashboard.at_risk}
    assert texts["Small"] == ["9 active members, under the programme's minimum of 10"]
    assert texts["Owing"] == ["1 firm in arrears"]
    assert texts["Absent"] == ["Attendance 40% over the last 6 months"]
    assert texts["Drifting apart"] == [
        "Fewer ties between the firms: density 33% in the last 6 months, 100% in the 6 months "
        "before (a fall of 15 points or more counts)"
    ]
    assert texts["Quiet"] == ["No activity logged yet"]


@pytest.mark.parametrize(
    "pairs_recent, falling",
    [(91, False), (88, False), (78, False), (77, True), (60, True)],
)
def test_density_falls_only_by_a_meaningful_change(pairs_recent, falling):
    """14 firms have 91 possible ties. 100% to 97% (88 ties) is noise, not a network drifting
    apart; a fall of DENSITY_FALL_POINTS or more is."""
    facts = NetworkFacts(network=None, today=today(), member_count=14, members_half_year_ago=14,
                         pairs_before=91, pairs_recent=pairs_recent)  # fmt: skip
    assert rules.DENSITY_FALL_POINTS == 15
    assert facts.density_falling is falling


def test_ties_and_attendance_over_many_activities(officer, network):
    """More than 62 activities in a half-year spread each firm's mask over several integers:
    the pairs and the attendance still match a plain count of the attendance rows."""
    running(network)
    firms = members(network, 12)
    former = firms[11]
    Membership.objects.filter(network=network, firm=former).update(left_on=days_ago(1))
    half_year_ago = add_months(today(), -6)
    groups = {True: [], False: []}
    for index in range(200):
        day = days_ago(1 + index * 360 // 200)
        attendees = {firms[index % 12], firms[(index * 5 + 3) % 12]}
        if index % 7 == 0:
            attendees.add(firms[(index + 6) % 12])
        activity(network, *attendees, date=day)
        groups[day > half_year_ago].append({firm.pk for firm in attendees})
    assert len(groups[True]) > 62 and len(groups[False]) > 62

    def pairs(sets):
        return len({(a, b) for group in sets for a in group for b in group if a < b})

    facts = running_facts(officer, network)
    assert facts.pairs_recent == pairs(groups[True])
    assert facts.pairs_before == pairs(groups[False])
    assert facts.activities_6m == len(groups[True])
    assert facts.attended_6m == sum(len(group - {former.pk}) for group in groups[True])


def test_the_half_year_before_is_read_once_a_day(officer, network):
    """Its pairs are history: kept in the cache for the day, the recent half-year is not."""
    from django.core.cache import cache

    running(network)
    firms = members(network, 4)
    activity(network, *firms, date=add_months(today(), -8))
    activity(network, *firms[:2], date=days_ago(3))
    first = running_facts(officer, network)
    assert (first.pairs_before, first.pairs_recent) == (6, 1)
    activity(network, firms[0], firms[1], date=add_months(today(), -9))
    activity(network, *firms[:3], date=days_ago(2))
    expire_agency_figures(officer)
    again = running_facts(officer, network)
    assert (again.pairs_before, again.pairs_recent) == (6, 3)
    Activity.objects.filter(network=network, date__lt=add_months(today(), -6)).delete()
    cache.clear()
    assert running_facts(officer, network).pairs_before == 0


def test_a_network_that_starts_running_gets_its_figures_at_once(officer, network, programme):
    running(network)
    activity(network, *members(network, 3), date=days_ago(3))
    assert running_facts(officer, network).activities_6m == 1
    second = factories.NetworkFactory(programme=programme)
    activity(second, *members(second, 3), date=days_ago(2))
    running(second)
    assert running_facts(officer, second).activities_6m == 1


def test_risks_add_up_and_the_most_worrying_come_first(officer, network, programme):
    running(network)
    firms = members(network, 5)
    activity(network, firms[0], date=days_ago(70))
    due(network, firms[1], 1000, months_ago=5)
    healthy(factories.NetworkFactory(programme=programme, name="Aaa fine"), count=9)
    dashboard = dashboard_homes.agency_dashboard(user=officer)
    first = dashboard.at_risk[0]
    assert first.network == network
    assert [r.code for r in first.reasons] == [
        "no_activity", "below_minimum", "arrears", "low_participation",
    ]  # fmt: skip
    assert first.reasons[0].text == f"No activity since {date_format(days_ago(70))}"


def test_agency_totals(officer, network, programme, other_network):
    firms = healthy(network)
    second = factories.NetworkFactory(programme=programme)
    Membership.objects.create(network=second, firm=firms[0])  # a firm in two networks
    members(second, 2)
    Membership.objects.filter(network=second).update(left_on=today())  # former members count
    activity(second, date=days_ago(400))
    activity(second, date=today() + datetime.timedelta(days=3))  # not held yet
    joint_action(network, *firms[:2], status=JointAction.Status.DONE, value=Decimal(1500000))
    joint_action(second, status=JointAction.Status.DONE, value=Decimal("250000.50"))
    joint_action(network, status=JointAction.Status.UNDER_WAY, value=Decimal(999))
    this_year = datetime.date(today().year, 1, 1)
    ServiceUptakeFactory(network=network, firm=firms[0], status="taken_up", date=this_year)
    ServiceUptakeFactory(network=network, firm=firms[1], status="completed", date=this_year)
    ServiceUptakeFactory(network=network, firm=firms[2], status="referred", date=this_year)
    ServiceUptakeFactory(
        network=network, firm=firms[3], status="taken_up", date=this_year - datetime.timedelta(1)
    )
    # Another agency's figures never count.
    members(other_network, 4)
    activity(other_network, date=days_ago(3))
    ServiceUptakeFactory(network=other_network, status="taken_up", date=this_year)

    totals = dashboard_homes.agency_dashboard(user=officer).totals
    assert totals.networks == 2
    assert totals.firms_reached == 12
    assert totals.activities == 2
    assert totals.joint_actions_done == 2
    assert totals.joint_actions_value == {"CLP": Decimal("1750000.50")}
    assert totals.uptakes_this_year == 2
    assert ServiceUptake.objects.count() == 5


def test_the_participation_window_and_risk_line_are_the_programmes(facilitator, network, officer):
    """The worked example's 50% is not under the default line; under a programme's 60% it is,
    and a one-month window counts one month of activities, on both homes."""
    from networks.models import Programme

    the_worked_example(network, officer)

    def codes(card):
        return [reason.code for reason in card.risk_reasons]

    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    assert card.participation_percent == 50 and "low_participation" not in codes(card)
    Programme.objects.filter(pk=network.programme_id).update(participation_risk_percent=60)
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    reason = next(r for r in card.risk_reasons if r.code == "low_participation")
    assert reason.text == "Attendance 50% over the last 6 months"
    Programme.objects.filter(pk=network.programme_id).update(participation_window_months=1)
    month_ago = add_months(today(), -1)
    held = Activity.objects.filter(network=network, date__gt=month_ago, date__lte=today())
    for card in (
        card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network),
        running_facts(officer, network),
    ):
        assert card.activities_6m == held.count() < 4
        assert card.attended_6m == sum(
            a.attendance.filter(firm__memberships__network=network,
                                firm__memberships__left_on__isnull=True).count()
            for a in held
        )  # fmt: skip
