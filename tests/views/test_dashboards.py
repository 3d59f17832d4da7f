"""The three home pages: the figures on hand-built data, who may open which, and the number of
queries, which must not grow with the networks, firms, activities or dues."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from networks import rules
from networks.lib.dates import add_months, first_of_month
from networks.models import (
    Activity,
    Application,
    Due,
    Evaluation,
    Handover,
    HandoverCommitment,
    JointAction,
    JointActionParticipant,
    Membership,
    MonthlyCharge,
    Network,
    Payment,
    ServiceUptake,
)
from networks.selectors import term as term_selectors
from networks.selectors.dashboard import aggregates as dashboard_aggregates
from networks.selectors.dashboard import facts as dashboard_facts
from networks.selectors.dashboard import homes as dashboard_homes
from networks.services.lifecycle import submit_checklist
from networks.views.dashboard import AT_RISK_SHOWN
from tests import builders, factories
from tests.builders import activity, joint_action, members
from tests.factories import ServiceUptakeFactory
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

# Pinned: session and user, then the reads of selectors_dashboard (see each dashboard's
# docstring); the agency's page adds its agency's name and the list of every network (count and
# page), the firm's page the firm's own row.
FACILITATOR_QUERIES = 2 + 7
AGENCY_QUERIES = 2 + 10 + 3
FIRM_QUERIES = 2 + 7 + 1


def today():
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def running(network, *, started_months_ago: int = 12, due_in_days: int | None = None):
    """Put `network` in consolidation, its term started `started_months_ago` months ago."""
    start = add_months(today(), -started_months_ago)
    due = (
        add_months(start, 36) if due_in_days is None else today() + datetime.timedelta(due_in_days)
    )
    Network.objects.filter(pk=network.pk).update(
        phase=Network.Phase.CONSOLIDATION, term_start=start, handover_due=due
    )
    Application.objects.filter(network=network).update(status=Application.Status.APPROVED)
    network.refresh_from_db()
    return network


def due(network, firm, amount, *, months_ago: int) -> Due:
    """A due of `amount` for the month `months_ago` months back (with its month's charge)."""
    month = add_months(first_of_month(today()), -months_ago)
    charge, _ = MonthlyCharge.objects.get_or_create(
        network=network, month=month,
        defaults={"salary": Decimal(1000000), "agency_percent": Decimal(50),
                  "agency_amount": Decimal(500000), "firms_amount": Decimal(500000)},
    )  # fmt: skip
    return Due.objects.create(
        charge=charge, network=network, firm=firm, month=month, amount=Decimal(amount)
    )


def pay(network, firm, amount) -> Payment:
    return Payment.objects.create(
        network=network, firm=firm, date=today(), amount=Decimal(amount),
        recorded_by=network.facilitator,
    )  # fmt: skip


def evaluate(network, officer, *, days: int = 30) -> Evaluation:
    return Evaluation.objects.create(
        network=network, date=days_ago(days), evaluator=officer, met_count=5, criteria_count=12
    )


def healthy(network, *, count: int = 10) -> list:
    """A network in consolidation with nothing wrong: `count` members who all attended an
    activity ten days ago (every firm tied to every other, 100% attendance)."""
    running(network)
    firms = members(network, count)
    activity(network, *firms, date=days_ago(10))
    return firms


def the_worked_example(network, officer):
    """The facilitator's network of the tests: consolidation, handover due in 41 days.

    - eleven active members: A..J joined a year ago, K 30 days ago; L has left;
    - four activities in six months: 22 attendances of active members (L's is not counted)
      out of 4 x 11 = 44: 50%; three of them in the last 90 days, the last ten days ago;
    - J last took part 100 days ago: the one drifting firm (K is too new to drift);
    - A owes an old due, D paid part of one: two firms in arrears; C's due is this month's;
    - a done joint action with B and C unconfirmed (and a dropped one, which does not count);
    - readiness 3/6: members, a done joint action and an evaluation 30 days ago.
    """
    running(network, started_months_ago=33, due_in_days=41)
    a, b, c, d, e, f, g, h, i, j = firms = members(network, 10)
    k = members(network, 1, joined_on=days_ago(30))[0]
    left = members(network, 1)[0]
    Membership.objects.filter(network=network, firm=left).update(left_on=days_ago(5))
    activity(network, a, b, c, d, e, f, g, h, left, date=days_ago(10))
    activity(network, a, b, c, d, e, f, date=days_ago(40))
    activity(network, a, b, c, d, e, i, date=days_ago(70))
    activity(network, a, j, date=days_ago(100))
    activity(network, a, b, date=today() + datetime.timedelta(days=5))  # ahead: not held yet
    due(network, a, 1000, months_ago=4)
    due(network, b, 1000, months_ago=4)
    pay(network, b, 1000)
    due(network, c, 1000, months_ago=0)
    due(network, d, 1000, months_ago=4)
    pay(network, d, 400)
    done = joint_action(network, a, b, c, status=JointAction.Status.DONE, value=Decimal(5000000))
    JointActionParticipant.objects.filter(joint_action=done, firm=a).update(
        confirmed_at=timezone.now()
    )
    joint_action(network, d, status=JointAction.Status.DROPPED)
    evaluate(network, officer)
    return {"firms": firms, "k": k, "left": left, "j": j, "done": done}


def card_for(dashboard, network) -> dashboard_facts.NetworkFacts:
    return next(card for card in dashboard.cards if card.network.pk == network.pk)


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
    """The aggregate queries restate selectors_term and selectors_progress: same answers."""
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


def test_facilitator_next_steps_say_what_to_do(client, facilitator, network, officer):
    the_worked_example(network, officer)
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    month = date_format(
        days_ago(100), "F" if days_ago(100).year == today().year else "YEAR_MONTH_FORMAT"
    )
    assert [(step.code, step.text) for step in card.next_steps] == [
        ("handover", "Handover due in 41 days: readiness 3/6"),
        ("arrears", "2 firms are in arrears"),
        ("confirmations", "1 joint action waits for confirmation"),
        ("drifting", f"1 firm has not taken part since {month}"),
    ]
    client.force_login(facilitator)
    response = client.get(reverse("networks:facilitator-home"))
    for step in card.next_steps:
        assert shows(response, step.text)
    assert (
        f'href="{reverse("networks:network-ledger", args=[network.pk])}"'
        in response.content.decode()
    )
    assert shows(response, "41 days left")
    assert shows(response, term_selectors.warning(network))


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


def test_an_overdue_handover_leads_the_steps(client, facilitator, network):
    healthy(network)
    Network.objects.filter(pk=network.pk).update(handover_due=days_ago(12))
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    assert card.next_steps[0].text.startswith("Handover 12 days overdue: readiness ")
    client.force_login(facilitator)
    assert shows(client.get(reverse("networks:facilitator-home")), "12 days overdue")


def test_a_network_with_nothing_to_do_says_so(client, facilitator, network):
    healthy(network)
    client.force_login(facilitator)
    response = client.get(reverse("networks:facilitator-home"))
    assert card_for(response.context["dashboard"], network).next_steps == []
    assert shows(response, "Nothing needs you now.")


def test_dissolved_networks_get_no_card(client, facilitator, network, programme):
    gone = factories.NetworkFactory(programme=programme, facilitator=facilitator, name="Gone")
    Network.objects.filter(pk=gone.pk).update(phase=Network.Phase.DISSOLVED)
    client.force_login(facilitator)
    response = client.get(reverse("networks:facilitator-home"))
    assert [card.network.pk for card in response.context["cards"]] == [network.pk]
    assert shows(response, "Dissolved networks") and shows(response, "Gone")


def test_facilitator_sees_only_the_networks_they_manage(client, facilitator, network):
    other = factories.NetworkFactory(programme=network.programme, name="Someone else's")
    client.force_login(facilitator)
    response = client.get(reverse("networks:facilitator-home"))
    assert [card.network.pk for card in response.context["cards"]] == [network.pk]
    assert not shows(response, other.name)


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
        "before"
    ]
    assert texts["Quiet"] == ["No activity logged yet"]


def running_facts(officer, network) -> dashboard_facts.NetworkFacts:
    dashboard = dashboard_homes.agency_dashboard(user=officer)
    return next(f for f in dashboard.running if f.network.pk == network.pk)


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


def expire_agency_figures(officer):
    """What DASHBOARD_FIGURES_SECONDS later does: the agency's aggregates are computed again."""
    from django.core.cache import cache

    cache.delete(
        dashboard_aggregates.AGENCY_FIGURES_CACHE.format(
            agency=officer.agency_id, day=today().isoformat()
        )
    )


def test_the_agency_figures_are_kept_for_a_while_and_say_how_old_they_are(
    client, officer, network, settings
):
    settings.DASHBOARD_FIGURES_SECONDS = 600
    running(network)
    firms = members(network, 4)
    activity(network, *firms, date=days_ago(3))
    client.force_login(officer)
    response = client.get(reverse("networks:agency-home"))
    dashboard = response.context["dashboard"]
    assert dashboard.totals.activities == 1
    as_of = dashboard.figures_as_of
    assert shows(response, f"as of {date_format(timezone.localtime(as_of), 'TIME_FORMAT')}")
    assert shows(response, "refreshed every 10 minutes")

    # A new activity: the kept figures stand until they expire, the live ones move at once.
    activity(network, *firms, date=days_ago(1))
    Membership.objects.filter(network=network, firm=firms[0]).update(left_on=days_ago(0))
    kept = dashboard_homes.agency_dashboard(user=officer)
    assert kept.totals.activities == 1 and kept.figures_as_of == as_of
    assert running_facts(officer, network).member_count == 3
    expire_agency_figures(officer)
    fresh = dashboard_homes.agency_dashboard(user=officer)
    assert fresh.totals.activities == 2 and fresh.figures_as_of > as_of


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


def test_agency_home_shows_phases_approvals_handovers_and_risks(client, officer, programme):
    builders.submitted_network(factories.NetworkFactory(programme=programme, name="Waiting"))
    Application.objects.filter(network__name="Waiting").update(
        submitted_at=timezone.now() - datetime.timedelta(days=9)
    )
    soon = factories.NetworkFactory(programme=programme, name="Soon")
    healthy(soon)
    Network.objects.filter(pk=soon.pk).update(handover_due=today() + datetime.timedelta(days=50))
    late = factories.NetworkFactory(programme=programme, name="Late")
    healthy(late)
    Network.objects.filter(pk=late.pk).update(handover_due=days_ago(3))
    later = factories.NetworkFactory(programme=programme, name="Later")
    running(later, due_in_days=400)
    client.force_login(officer)
    response = client.get(reverse("networks:agency-home"))
    dashboard = response.context["dashboard"]
    assert {phase: n for phase, _label, n in dashboard.by_phase} == {
        "preparation": 1, "consolidation": 3, "independence": 0, "dissolved": 0,
    }  # fmt: skip
    assert [a.network.name for a in dashboard.approvals] == ["Waiting"]
    assert dashboard.approvals[0].waiting_days == 9
    assert [f.network.name for f in dashboard.overdue] == ["Late"]
    assert [f.network.name for f in dashboard.handovers_due] == ["Soon"]
    assert [item.network.name for item in dashboard.at_risk] == ["Later"]
    html = response.content.decode()
    assert 'data-chart="bar"' in html and 'id="phase-chart-data"' in html
    assert "Bar chart of the networks by phase: preparation: 1, consolidation: 3" in html
    assert f'href="{reverse("networks:approvals-queue")}"' in html
    assert shows(response, "3 days overdue") and shows(response, "50 days left")
    assert shows(response, "No activity logged yet")
    # No inline script or style: the content security policy forbids them.
    assert "<script>" not in html and " style=" not in html


def test_agency_sees_only_its_own_agency(client, officer, network, other_network):
    running(other_network)
    members(other_network, 2)
    running(network)
    client.force_login(officer)
    dashboard = client.get(reverse("networks:agency-home")).context["dashboard"]
    assert [item.network.pk for item in dashboard.at_risk] == [network.pk]
    assert dashboard.totals.networks == 1


def test_long_lists_show_their_first_rows_and_fold_the_rest(
    client, officer, programme, facilitator, firm_user
):
    for index in range(AT_RISK_SHOWN + 2):
        network = running(factories.NetworkFactory(programme=programme, name=f"Net {index:02d}"))
        Network.objects.filter(pk=network.pk).update(handover_due=days_ago(index + 1))
    client.force_login(officer)
    response = client.get(reverse("networks:agency-home"))
    assert len(response.context["dashboard"].at_risk) == AT_RISK_SHOWN + 2
    assert len(response.context["at_risk"]) == AT_RISK_SHOWN
    assert len(response.context["dashboard"].overdue) == AT_RISK_SHOWN + 2
    html = response.content.decode()
    assert html.count("<details") == 1  # the handovers past the first ten
    assert shows(response, f"Show {AT_RISK_SHOWN - 8} more")
    link = reverse("networks:agency-at-risk")
    assert f'href="{link}"' in html and shows(response, f"See all {AT_RISK_SHOWN + 2} networks")
    for index in range(AT_RISK_SHOWN + 2):
        assert f"Net {index:02d}" in html  # in the handovers, if not among the risks

    # Every network at risk, on their own page, the most reasons first, 50 a page.
    whole = client.get(link)
    assert whole.status_code == 200
    assert [item.network.name for item in whole.context["at_risk"]] == [
        item.network.name for item in response.context["dashboard"].at_risk
    ]
    assert shows(whole, f"{AT_RISK_SHOWN + 2} networks in consolidation need a look")
    for user in (facilitator, firm_user):
        client.force_login(user)
        assert client.get(link).status_code == 403


def test_every_network_is_listed_page_by_page(client, officer, programme, settings):
    factories.NetworkFactory.create_batch(51, programme=programme)
    client.force_login(officer)
    first = client.get(reverse("networks:agency-home"))
    assert len(first.context["networks"]) == 50 and shows(first, "Page 1 of 2")
    second = client.get(reverse("networks:agency-home") + "?page=2")
    assert len(second.context["networks"]) == 1


# --- member firms ---------------------------------------------------------------------------


def test_firm_home_shows_activities_joint_actions_and_its_own_balance(
    client, firm_user, member_firm, network
):
    running(network)
    Membership.objects.filter(firm=member_firm).update(joined_on=days_ago(365))
    other = members(network, 2)
    ahead = activity(network, title="Fair ahead", date=today() + datetime.timedelta(days=7))
    activity(network, member_firm, title="Visit we made", date=days_ago(20))
    activity(network, other[0], title="Workshop we missed", date=days_ago(30))
    activity(network, member_firm, title="Too old", date=days_ago(61))
    mine = joint_action(network, member_firm, other[0], title="Timber order")
    confirmed = joint_action(network, member_firm, title="Shared lathe")
    JointActionParticipant.objects.filter(joint_action=confirmed).update(
        confirmed_at=timezone.now()
    )
    joint_action(network, member_firm, title="Dropped one", status=JointAction.Status.DROPPED)
    joint_action(network, other[0], title="Not ours")
    due(network, member_firm, 1000, months_ago=4)
    pay(network, member_firm, 300)
    due(network, other[0], 5000, months_ago=4)

    client.force_login(firm_user)
    response = client.get(reverse("networks:firm-home"))
    dashboard = response.context["dashboard"]
    assert [a.title for a in dashboard.upcoming] == ["Fair ahead"]
    assert [(a.title, a.attended) for a in dashboard.recent] == [
        ("Visit we made", True), ("Workshop we missed", False),
    ]  # fmt: skip
    assert [p.joint_action.title for p in dashboard.waiting] == ["Timber order"]
    assert {p.joint_action.title for p in dashboard.joint_actions} == {
        "Timber order", "Shared lathe", "Dropped one",
    }  # fmt: skip
    [balance] = dashboard.balances
    assert (balance.owed, balance.paid, balance.balance, balance.arrears) == (
        Decimal(1000),
        Decimal(300),
        Decimal(700),
        Decimal(700),
    )
    assert balance.in_arrears
    html = response.content.decode()
    confirm = reverse("networks:joint-action-confirm", args=[network.pk, mine.pk])
    assert f'action="{confirm}"' in html
    assert reverse("networks:activity-detail", args=[network.pk, ahead.pk]) in html
    assert shows(response, "Our indicators") and shows(response, "In arrears")
    assert "5.000" not in html and "5,000" not in html  # another firm's due


def test_firm_home_leaves_out_networks_the_firm_left(client, firm_user, member_firm, network):
    running(network)
    activity(network, title="Ahead", date=today() + datetime.timedelta(days=3))
    Membership.objects.filter(firm=member_firm).update(left_on=today())
    client.force_login(firm_user)
    response = client.get(reverse("networks:firm-home"))
    dashboard = response.context["dashboard"]
    assert [n.is_member for n in dashboard.networks] == [False]
    assert dashboard.upcoming == []
    assert shows(response, network.name)


# --- who may open which home ----------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, forbidden",
    [
        ("facilitator", "networks:agency-home"),
        ("facilitator", "networks:firm-home"),
        ("firm_user", "networks:agency-home"),
        ("firm_user", "networks:facilitator-home"),
        ("officer", "networks:facilitator-home"),
        ("officer", "networks:firm-home"),
        ("agency_admin", "networks:firm-home"),
    ],
)
def test_each_home_is_forbidden_to_the_other_roles(client, request, persona, forbidden):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(forbidden)).status_code == 403


@pytest.mark.parametrize(
    "home", ["networks:agency-home", "networks:facilitator-home", "networks:firm-home"]
)
def test_each_home_needs_a_login(client, home):
    response = client.get(reverse(home))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- query counts ---------------------------------------------------------------------------


def busy_network(programme, facilitator, officer, *, firms: int = 12):
    """A network in consolidation with members, activities, joint actions, dues and payments."""
    network = factories.NetworkFactory(programme=programme, facilitator=facilitator)
    running(network, due_in_days=30)
    group = members(network, firms)
    for days in (5, 40, 100, 200, 250):
        activity(network, *group[: firms // 2], date=days_ago(days))
    done = joint_action(network, *group[:3], status=JointAction.Status.DONE, value=Decimal(10))
    JointActionParticipant.objects.filter(joint_action=done, firm=group[0]).update(
        confirmed_at=timezone.now()
    )
    for firm in group[:4]:
        due(network, firm, 1000, months_ago=4)
    pay(network, group[0], 1000)
    evaluate(network, officer)
    ServiceUptakeFactory(network=network, firm=group[0], status="taken_up")
    return network


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_facilitator_home_queries_do_not_grow(
    client, facilitator, network, officer, django_assert_max_num_queries
):
    client.force_login(facilitator)
    url = reverse("networks:facilitator-home")
    busy_network(network.programme, facilitator, officer)
    with django_assert_max_num_queries(FACILITATOR_QUERIES):
        small = queries(client, url)
    for _ in range(5):
        busy_network(network.programme, facilitator, officer, firms=20)
    with django_assert_max_num_queries(FACILITATOR_QUERIES):
        large = queries(client, url)
    assert small == large
    assert len(client.get(url).context["cards"]) == 7


def test_agency_home_queries_do_not_grow(
    client, officer, facilitator, programme, django_assert_max_num_queries
):
    client.force_login(officer)
    url = reverse("networks:agency-home")
    for _ in range(2):
        busy_network(programme, facilitator, officer)
    with django_assert_max_num_queries(AGENCY_QUERIES):
        small = queries(client, url)
    for _ in range(10):
        busy_network(programme, facilitator, officer, firms=20)
    builders.submitted_network(factories.NetworkFactory(programme=programme))
    with django_assert_max_num_queries(AGENCY_QUERIES):
        large = queries(client, url)
    assert small == large
    assert len(client.get(url).context["dashboard"].at_risk) == 12


def test_firm_home_queries_do_not_grow(
    client, firm_user, member_firm, network, officer, django_assert_max_num_queries
):
    client.force_login(firm_user)
    url = reverse("networks:firm-home")
    with django_assert_max_num_queries(FIRM_QUERIES):
        small = queries(client, url)
    for _ in range(2):
        busy = busy_network(network.programme, network.facilitator, officer)
        Membership.objects.create(network=busy, firm=member_firm, joined_on=days_ago(300))
        activity(busy, member_firm, date=days_ago(3))
        activity(busy, date=today() + datetime.timedelta(days=3))
        joint_action(busy, member_firm, title="Wait for us")
        due(busy, member_firm, 1000, months_ago=3)
        pay(busy, member_firm, 10)
    with django_assert_max_num_queries(FIRM_QUERIES):
        large = queries(client, url)
    assert small == large
    dashboard = client.get(url).context["dashboard"]
    assert len(dashboard.networks) == 3 and len(dashboard.waiting) == 2
