"""The three home pages: the figures on hand-built data, who may open which, and the number of
queries, which must not grow with the networks, firms, activities or dues."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from networks.models import Application, JointAction, JointActionParticipant, Membership, Network
from networks.selectors import term as term_selectors
from networks.selectors.dashboard import homes as dashboard_homes
from networks.views.dashboard import AT_RISK_SHOWN
from tests import builders, factories
from tests.builders import activity, days_ago, joint_action, members
from tests.dashboard_scenes import (
    AGENCY_QUERIES,
    FACILITATOR_QUERIES,
    FIRM_QUERIES,
    busy_network,
    card_for,
    due,
    expire_agency_figures,
    healthy,
    pay,
    queries,
    running,
    running_facts,
    the_worked_example,
    today,
)
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db


# --- the facilitator ----------------------------------------------------------------------


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


# --- agency staff -------------------------------------------------------------------------


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
    # An overdue handover is a risk of its own (issue 18): the agency pays 0% after the date.
    assert [item.network.name for item in dashboard.at_risk] == ["Later", "Late"]
    assert [r.code for r in dashboard.at_risk[1].reasons] == ["handover_overdue"]
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
    assert shows(whole, f"{AT_RISK_SHOWN + 2} networks need a look")
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


# --- query counts -------------------------------------------------------------------------


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
