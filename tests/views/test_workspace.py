"""The network's workspace (its overview and tabs) and each role's main action from home."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from networks.models import Network
from networks.services import term as term_services
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

# Tab: its label and the page it opens.
TABS = {
    "Overview": "network-detail",
    "Members": "network-firms",
    "Activities": "activity-list",
    "Joint actions": "joint-action-list",
    "Money": "network-money",
    "Progress": "network-progress",
    "Evaluation": "evaluation-list",
    "History": "network-timeline",
}
CURRENT = re.compile(r'<a class="nav-link[^"]*active" href="([^"]+)" aria-current="(\w+)"')


def url(name, network, *args):
    return reverse(f"networks:{name}", args=[network.pk, *args])


def _tabs_of(html: str) -> list[str]:
    nav = html[html.index('aria-label="Sections of the network"') :]
    return re.findall(r'class="nav-link[^"]*" href="([^"]+)"', nav[: nav.index("</nav>")])


# --- the tabs -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "facilitator", "firm_user"])
def test_every_tab_shows_the_same_sub_navigation_with_its_own_tab_current(
    client, request, network, officer, persona
):
    builders.consolidating_network(network, officer)
    client.force_login(request.getfixturevalue(persona))
    expected = [url(name, network) for name in TABS.values()]
    for name in TABS.values():
        response = client.get(url(name, network))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert _tabs_of(html) == expected, name
        assert CURRENT.findall(html) == [(url(name, network), "page")], name


def test_a_page_deeper_in_a_subject_keeps_its_tab_marked(client, facilitator, network, officer):
    builders.consolidating_network(network, officer)
    client.force_login(facilitator)
    for page, tab in (
        ("network-ledger", "network-money"),
        ("network-graph", "network-progress"),
        ("network-participation", "network-progress"),
        ("network-members", "network-firms"),
        ("project-list", "joint-action-list"),
    ):
        html = client.get(url(page, network)).content.decode()
        assert CURRENT.findall(html) == [(url(tab, network), "true")], page


@pytest.mark.parametrize("name", ["network-firms", "network-money", "network-progress",
                                  "network-timeline"])  # fmt: skip
def test_outsiders_find_no_tab(client, network, name, outsider_officer, outsider_facilitator,
                               outsider_firm_user):  # fmt: skip
    for outsider in (outsider_officer, outsider_facilitator, outsider_firm_user):
        client.force_login(outsider)
        assert client.get(url(name, network)).status_code == 404
    client.logout()
    assert client.get(url(name, network)).status_code == 302  # to the login page


def test_the_overview_shows_clock_next_steps_figures_and_the_latest(client, facilitator, network,
                                                                    officer):  # fmt: skip
    builders.consolidating_network(network, officer)
    firms = [m.firm for m in network.memberships.select_related("firm")]
    for n in range(4):
        builders.activity(network, *firms[:3], title=f"Visit {n}")
    client.force_login(facilitator)
    response = client.get(url("network-detail", network))
    html = response.content.decode()
    for heading in ("Phase and clock", "Next steps", "Key figures", "Latest activities",
                    "Latest joint actions"):  # fmt: skip
        assert shows(response, heading), heading
    assert "days left" in html and "of the term has passed" in html
    assert len(response.context["recent_activities"]) == 3
    # The facilitator's weekly actions are next steps, not a scroll away.
    steps = html[html.index('id="next-heading"') : html.index('id="figures-heading"')]
    for name in ("activity-create", "joint-action-create", "payment-create", "handover-propose"):
        assert url(name, network) in steps, name
    assert url("evaluation-create", network) not in steps  # the agency evaluates
    # The long page's subjects are one tab away, not on the overview.
    assert not shows(response, "Former members") and not shows(response, "Collaboration graph")


def test_the_overview_tells_the_agency_a_handover_waits(client, officer, network):
    network = builders.term_network(network, officer)  # 31 months in: the handover is near
    firms = [m.firm for m in network.memberships.select_related("firm")]
    shares = {firm: Decimal(100 // len(firms)) for firm in firms}
    shares[firms[0]] += Decimal(100) - sum(shares.values())
    term_services.handover_propose(
        network=network, actor=network.facilitator, date=network.handover_due,
        manager=network.facilitator, monthly_salary=Decimal(1300000), commitments=shares,
    )  # fmt: skip
    client.force_login(officer)
    html = client.get(url("network-detail", network)).content.decode()
    steps = html[html.index('id="next-heading"') : html.index('id="figures-heading"')]
    assert "Confirm the handover" in steps
    assert url("network-money", network) + "#handover-heading" in steps
    client.force_login(network.facilitator)
    html = client.get(url("network-detail", network)).content.decode()
    assert "Confirm the handover" not in html


def test_the_members_tab_offers_managing_only_to_whom_may(client, facilitator, firm_user, network):
    client.force_login(facilitator)
    assert (
        url("network-members", network)
        in client.get(url("network-firms", network)).content.decode()
    )
    client.force_login(firm_user)
    response = client.get(url("network-firms", network))
    assert shows(response, firm_user.firm.name)
    assert url("network-members", network) not in response.content.decode()


# --- each role's main action from home ------------------------------------------------------


def test_the_firm_logs_a_joint_action_from_home_in_its_only_network(client, firm_user, network):
    builders.open_for_joint_actions(network, members=2)
    client.force_login(firm_user)
    home = client.get(reverse("networks:firm-home")).content.decode()
    chooser = reverse("networks:joint-action-choose")
    assert f'href="{chooser}"' in home
    response = client.get(chooser)
    assert response.status_code == 302 and response["Location"] == url(
        "joint-action-create", network
    )
    assert 'name="title"' in client.get(response["Location"]).content.decode()


def test_a_firm_in_several_networks_chooses_among_its_own(
    client, firm_user, network, programme, other_network, outsider_firm_user
):
    builders.open_for_joint_actions(network, members=2)
    second = factories.NetworkFactory(programme=programme, name="Second network")
    builders.open_for_joint_actions(second, members=2)
    factories.MembershipFactory(network=second, firm=firm_user.firm)
    preparing = factories.NetworkFactory(programme=programme, name="Still preparing")
    factories.MembershipFactory(network=preparing, firm=firm_user.firm)
    builders.open_for_joint_actions(other_network)
    client.force_login(firm_user)
    response = client.get(reverse("networks:joint-action-choose"))
    html = response.content.decode()
    assert [n.pk for n in response.context["networks"]] == [network.pk, second.pk][
        :: (1 if network.name < second.name else -1)
    ]
    assert (
        url("joint-action-create", network) in html and url("joint-action-create", second) in html
    )
    assert "Still preparing" not in html and "Other network" not in html
    assert url("joint-action-create", other_network) not in html


def test_no_joint_action_to_log_says_why(client, firm_user, network):
    client.force_login(firm_user)  # the network is still in preparation
    assert (
        reverse("networks:joint-action-choose")
        not in (client.get(reverse("networks:firm-home")).content.decode().split("</nav>", 1)[1])
    )
    response = client.get(reverse("networks:joint-action-choose"))
    assert response.status_code == 200 and response.context["networks"] == []
    assert shows(response, "There is no network where you may log a joint action now")


def test_the_navigation_offers_firms_their_main_action(client, firm_user, facilitator):
    chooser = reverse("networks:joint-action-choose")
    client.force_login(firm_user)
    assert f'href="{chooser}"' in client.get(reverse("networks:firm-home")).content.decode()
    client.force_login(facilitator)
    assert chooser not in client.get(reverse("networks:facilitator-home")).content.decode()


def test_the_chooser_queries_do_not_grow(client, firm_user, network, programme,
                                         django_assert_max_num_queries):  # fmt: skip
    builders.open_for_joint_actions(network)
    for n in range(6):
        more = factories.NetworkFactory(programme=programme, name=f"More {n}")
        builders.open_for_joint_actions(more)
        factories.MembershipFactory(network=more, firm=firm_user.firm)
    client.force_login(firm_user)
    # session, user, the networks, the bell's count
    with django_assert_max_num_queries(4):
        response = client.get(reverse("networks:joint-action-choose"))
    assert len(response.context["networks"]) == 7


def test_the_facilitator_logs_an_activity_from_each_running_networks_card(
    client, facilitator, network, programme, officer, outsider_facilitator
):
    builders.consolidating_network(network, officer)
    preparing = factories.NetworkFactory(programme=programme, facilitator=facilitator)
    client.force_login(facilitator)
    html = client.get(reverse("networks:facilitator-home")).content.decode()
    assert url("activity-create", network) in html
    assert url("activity-create", preparing) not in html
    response = client.get(url("activity-create", network))
    assert response.status_code == 200 and 'name="title"' in response.content.decode()


def test_the_officer_sees_approvals_and_handovers_to_confirm_first(
    client, officer, network, programme, other_network
):
    network = builders.term_network(network, officer)
    firms = [m.firm for m in network.memberships.select_related("firm")]
    term_services.handover_propose(
        network=network, actor=network.facilitator, date=network.handover_due,
        manager=network.facilitator, monthly_salary=Decimal(1300000),
        commitments={firm: Decimal(100 if i == 0 else 0) for i, firm in enumerate(firms)},
    )  # fmt: skip
    waiting = factories.NetworkFactory(programme=programme, name="Waiting for a decision")
    builders.submitted_network(waiting)
    client.force_login(officer)
    html = client.get(reverse("networks:agency-home")).content.decode()
    top = html[: html.index('id="phases-heading"')]
    assert "Waiting for a decision" in top
    assert url("network-application", waiting) in top
    assert url("network-money", network) + "#handover-heading" in top
    assert other_network.name not in top
    response = client.get(url("network-money", network))
    assert url("handover-confirm", network) in response.content.decode()
    assert Network.objects.get(pk=network.pk).phase == Network.Phase.CONSOLIDATION
