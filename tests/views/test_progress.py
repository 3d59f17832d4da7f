"""Pages: goal progress and evidence, network indicators, participation, the graph, and the
progress section of the network page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from networks import rules
from networks.models import Attachment, GoalActual, Network
from networks.selectors import network_page
from networks.services import progress as P
from tests.builders import activity, days_ago, joint_action, members
from tests.factories import FirmIndicatorFactory, GoalActualFactory, GoalFactory, pdf
from tests.views.conftest import indicators_url, network_indicators_url, shows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

OUTSIDERS = ["outsider_facilitator", "outsider_officer", "outsider_firm_user"]


@pytest.fixture
def goal(network):
    return GoalFactory(network=network, title="Joint purchase of timber")


def progress_url(goal):
    return reverse("networks:goal-progress", args=[goal.network_id, goal.pk])


def bar_values(html: str) -> list[str]:
    return re.findall(r'<progress class="goal-progress[^>]*value="(\d+)"', html, flags=re.S)


# --- goal progress --------------------------------------------------------------------------


def test_the_facilitator_records_a_value_with_evidence(client, facilitator, goal):
    client.force_login(facilitator)
    data = {"period_end": days_ago(1).isoformat(), "value": "4", "comment": "Four firms.",
            "evidence": pdf("acta.pdf")}  # fmt: skip
    response = client.post(progress_url(goal), data, follow=True)
    actual = GoalActual.objects.get()
    assert (actual.value, actual.recorded_by) == (Decimal("4"), facilitator)
    assert actual.attachments.get().original_name == "acta.pdf"
    assert shows(response, "saved.")
    html = response.content.decode()
    assert bar_values(html) == ["40"] and "40%" in html
    assert "acta.pdf" in html


def test_a_second_value_for_the_period_is_refused_on_the_form(client, facilitator, goal):
    GoalActualFactory(goal=goal, period_end=days_ago(1))
    client.force_login(facilitator)
    response = client.post(progress_url(goal), {"period_end": days_ago(1).isoformat(),
                                                "value": "5"})  # fmt: skip
    assert response.status_code == 200
    assert "There is already a value for the period ending" in str(
        response.context["form"].errors["period_end"]
    )
    assert GoalActual.objects.count() == 1


def test_bad_evidence_is_refused_on_the_form(client, facilitator, goal):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(facilitator)
    fake = SimpleUploadedFile("acta.pdf", b"#!/bin/sh\necho hi\n")
    response = client.post(progress_url(goal), {"period_end": days_ago(1).isoformat(),
                                                "value": "5", "evidence": fake})  # fmt: skip
    assert "This file type is not accepted" in str(response.context["form"].errors["evidence"])
    assert not GoalActual.objects.exists()


def test_a_member_firm_sees_the_progress_but_may_not_record(client, firm_user, goal):
    GoalActualFactory(goal=goal, period_end=days_ago(3), value=Decimal("2"))
    client.force_login(firm_user)
    response = client.get(progress_url(goal))
    assert bar_values(response.content.decode()) == ["20"]
    assert "Record a period" not in response.content.decode()
    response = client.post(progress_url(goal), {"period_end": days_ago(1).isoformat(),
                                                "value": "9"})  # fmt: skip
    assert response.status_code == 403
    assert GoalActual.objects.count() == 1


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_get_404_on_goal_progress(client, request, goal, persona, method):
    client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(progress_url(goal), {"value": "1"})
    assert response.status_code == 404
    assert not GoalActual.objects.exists()


def test_another_networks_goal_is_not_found_through_this_network(client, facilitator, network):
    stranger = GoalFactory()
    client.force_login(facilitator)
    url = reverse("networks:goal-progress", args=[network.pk, stranger.pk])
    assert client.get(url).status_code == 404


def test_a_goal_past_due_and_under_target_is_marked_missed(client, facilitator, network):
    late = GoalFactory(network=network, title="Late goal",
                       due_date=timezone.localdate() - datetime.timedelta(days=1))  # fmt: skip
    GoalActualFactory(goal=late, period_end=days_ago(2), value=Decimal("3"))
    on_time = GoalFactory(network=network, title="On time")
    client.force_login(facilitator)
    assert "Missed" in client.get(progress_url(late)).content.decode()
    assert "Missed" not in client.get(progress_url(on_time)).content.decode()
    html = client.get(reverse("networks:network-progress", args=[network.pk])).content.decode()
    section = html[html.index('id="progress-heading"') :]
    assert section.count("Missed") == 1
    assert bar_values(section)[:2] == ["30", "0"]


# --- evidence download ----------------------------------------------------------------------


@pytest.fixture
def evidence(goal, facilitator):
    actual = P.goal_actual_record(
        goal=goal, actor=facilitator, period_end=days_ago(1), value=1, evidence=pdf("acta.pdf")
    )
    return actual.attachments.get()


def evidence_url(attachment, actual_pk=None):
    return reverse(
        "networks:goal-evidence-download", args=[actual_pk or attachment.goal_actual_id,
                                                 attachment.pk]
    )  # fmt: skip


@pytest.mark.parametrize("persona", ["facilitator", "officer", "firm_user"])
def test_those_who_see_the_network_download_the_evidence(client, request, evidence, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(evidence_url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="acta.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_on_the_evidence(client, request, evidence, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(evidence_url(evidence)).status_code == 404


def test_evidence_under_another_actual_is_not_found(client, facilitator, evidence, goal):
    other = GoalActualFactory(goal=goal, period_end=days_ago(40))
    client.force_login(facilitator)
    assert client.get(evidence_url(evidence, actual_pk=other.pk)).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, evidence):
    response = client.get(evidence_url(evidence))
    assert response.status_code == 302 and "login" in response["Location"]
    assert Attachment.objects.count() == 1


def test_a_member_firm_sees_aggregates_and_its_own_row_only(
    client, network, firm_user, member_firm, other_member
):
    FirmIndicatorFactory(firm=member_firm, date=days_ago(3), employees=11)
    third = members(network, 1)[0]
    FirmIndicatorFactory(firm=third, date=days_ago(3), employees=12)
    client.force_login(firm_user)
    response = client.get(network_indicators_url(network))
    html = response.content.decode()
    assert [f for f, _r in response.context["summary"].firm_rows] == [member_firm]
    assert "Secret Sawmill" not in html and indicators_url(other_member.firm) not in html
    assert "123.456.789" not in html and "123,456,789" not in html and "123456789" not in html
    assert "800" in html  # employees: 777 + 11 + 12, three firms reported
    assert "Hidden: fewer than 3 firms reported." in html  # sales: one firm only


def test_figures_show_their_units_and_money_in_whole_pesos(client, network, facilitator):
    firms = members(network, 3)
    for firm, wage in zip(firms, ("600000.40", "700000.40", "900000"), strict=True):
        FirmIndicatorFactory(firm=firm, date=days_ago(5), average_wage=Decimal(wage),
                             annual_sales=Decimal("1250000.75"))  # fmt: skip
    client.force_login(facilitator)
    response = client.get(network_indicators_url(network))
    html = response.content.decode()
    assert "Annual sales (CLP)" in html and "Employees (people)" in html
    assert "3,750,002 CLP" in html  # the total of sales, in whole pesos
    assert "700,000 CLP" in html  # the median wage
    assert "700,000.4" not in html and "1,250,000.75" not in html
    assert shows(response, "not added up: it is an average per firm")
    response = client.get(indicators_url(firms[0]))
    assert "Average monthly wage (CLP)" in response.content.decode()
    assert "600,000 CLP" in response.content.decode()


def test_aggregates_hide_when_fewer_than_three_firms_reported(
    client, network, firm_user, member_firm, other_member
):
    FirmIndicatorFactory(firm=member_firm, date=days_ago(3), employees=11)
    client.force_login(firm_user)
    response = client.get(network_indicators_url(network))
    html = response.content.decode()
    assert "788" not in html and "777" not in html
    assert html.count("Hidden: fewer than 3 firms reported.") == len(rules.FIGURES)


def test_the_facilitator_sees_every_members_row(client, network, facilitator, member_firm,
                                                other_member):  # fmt: skip
    client.force_login(facilitator)
    response = client.get(network_indicators_url(network))
    assert {f.name for f, _r in response.context["summary"].firm_rows} == {
        member_firm.name, "Secret Sawmill",
    }  # fmt: skip
    assert "777" in response.content.decode()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_on_network_indicators(client, request, network, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(network_indicators_url(network)).status_code == 404


# --- participation and the graph ------------------------------------------------------------


def participation_url(network):
    return reverse("networks:network-participation", args=[network.pk])


def graph_url(network):
    return reverse("networks:network-graph", args=[network.pk])


def test_the_participation_page_shows_rates_and_drifting_firms(client, firm_user, network):
    keen, drifter = members(network, 2)
    activity(network, keen, drifter, date=days_ago(150))
    activity(network, keen, date=days_ago(10))
    client.force_login(firm_user)  # attendance is not confidential
    response = client.get(participation_url(network))
    html = response.content.decode()
    rows = {row.firm: row for row in response.context["participation"]}
    assert rows[keen].percent_6m == 100 and rows[drifter].percent_6m == 50
    assert rows[drifter].drifting and not rows[keen].drifting
    assert "Drifting away" in html and "100%" in html and "50%" in html


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize("name", ["network-participation", "network-graph"])
def test_outsiders_get_404_on_participation_and_graph(client, request, network, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(f"networks:{name}", args=[network.pk])).status_code == 404


def test_the_graph_page_draws_an_svg_with_a_table_alternative(client, firm_user, network):
    Network.objects.filter(pk=network.pk).update(term_start=days_ago(100))
    a, b, c = members(network, 3)
    activity(network, a, b, date=days_ago(20))
    joint_action(network, a, b, start_date=days_ago(5))
    client.force_login(firm_user)
    html = client.get(graph_url(network)).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "aria-labelledby" in svg
    assert svg.count("<line") == 1 and svg.count("<circle") == 4  # three firms + the member
    assert a.name in svg and c.name in svg
    ties = html[html.index("Ties between firms") :]
    assert re.search(rf"<td>{a.name}</td><td>{b.name}</td><td[^>]*>2</td>", ties)
    assert c.name in ties[ties.index("Firms tied to nobody") :]
    assert "Density by quarter" in html and "Cumulative" in html


def test_a_dense_network_gets_a_matrix_instead_of_a_hairball(client, facilitator, network):
    Network.objects.filter(pk=network.pk).update(term_start=days_ago(100))
    firms = members(network, 13)  # all at one activity: 78 ties of 78
    activity(network, *firms, date=days_ago(20))
    client.force_login(facilitator)
    html = client.get(graph_url(network)).content.decode()
    assert "<line" not in html
    matrix = html[html.index('class="table table-sm graph-matrix') :]
    matrix = matrix[: matrix.index("</table>")]
    assert matrix.count("<tr") == 13 + 1  # a row per firm and the header
    assert "gm-4" in matrix
    assert shows_text(html, "A dense network is shown as a grid")


def test_svg_numbers_are_not_localised(client, facilitator, network):
    a, b = members(network, 2)
    activity(network, a, b, date=days_ago(2))
    client.force_login(facilitator)
    client.post(reverse("set_language"), {"language": "es"})
    html = client.get(graph_url(network)).content.decode()
    assert '<html lang="es">' in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert re.search(r'x1="\d+\.\d"', svg)
    assert not re.search(r'(x1|cx|y)="\d+,\d', svg)


# --- query counts ---------------------------------------------------------------------------


def shows_text(html: str, text: str) -> bool:
    return text in html


def _grow(network, firms: int, activities: int) -> None:
    new = members(network, firms)
    for i in range(activities):
        activity(network, *new[i % 3 :: 2], date=days_ago(i * 3))
    joint_action(network, *new[:5], start_date=days_ago(4))
    goal = GoalFactory(network=network)
    GoalActualFactory(goal=goal, period_end=days_ago(activities))


PAGE_QUERIES = 5  # session, user, the network, participation (1) (+1: the bell)
GRAPH_PAGE_QUERIES = 6  # session, user, the network, memberships, the ties (+1: the bell)
INDICATORS_PAGE_QUERIES = (
    7  # session, user, the network, members, latest reports, visible firms (+1: the bell)
)
# goals, memberships with participation, the ties (one UNION); since issue 18 the dated
# diagnoses and the certified member firms
SECTION_QUERIES = 5


def test_participation_page_queries_do_not_grow(
    client, facilitator, network, django_assert_max_num_queries
):
    client.force_login(facilitator)
    _grow(network, 10, 5)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(participation_url(network))
    assert len(response.context["participation"]) == 10
    _grow(network, 15, 35)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(participation_url(network))
    assert len(response.context["participation"]) == 25


def test_graph_page_queries_do_not_grow(client, facilitator, network,
                                        django_assert_max_num_queries):  # fmt: skip
    client.force_login(facilitator)
    _grow(network, 10, 5)
    with django_assert_max_num_queries(GRAPH_PAGE_QUERIES):
        client.get(graph_url(network))
    _grow(network, 15, 35)
    with django_assert_max_num_queries(GRAPH_PAGE_QUERIES):
        response = client.get(graph_url(network))
    assert response.context["collaboration"].graph.node_count == 25


def test_network_indicators_page_queries_do_not_grow(
    client, firm_user, network, django_assert_max_num_queries
):
    client.force_login(firm_user)
    for firm in members(network, 10):
        FirmIndicatorFactory(firm=firm, date=days_ago(9), employees=3)
    with django_assert_max_num_queries(INDICATORS_PAGE_QUERIES):
        client.get(network_indicators_url(network))
    for firm in members(network, 15):
        FirmIndicatorFactory(firm=firm, date=days_ago(100), is_baseline=True, employees=2)
        FirmIndicatorFactory(firm=firm, date=days_ago(9), employees=4)
    with django_assert_max_num_queries(INDICATORS_PAGE_QUERIES):
        response = client.get(network_indicators_url(network))
    assert response.context["summary"].aggregates[0].total == 3 * 10 + 4 * 15


def test_network_page_section_queries_do_not_grow(facilitator, network, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = facilitator
    network = Network.objects.select_related("programme").get(pk=network.pk)

    def section():
        context = network_page.progress_section(network_page.NetworkPage(network, request.user))
        return context, render_to_string(
            "networks/_detail_progress.html", {**context, "network": network}, request=request
        )

    _grow(network, 10, 5)
    with django_assert_num_queries(SECTION_QUERIES):
        context, html = section()
    assert len(context["participation"]) == 10 and "<progress" in html
    _grow(network, 15, 35)
    with django_assert_num_queries(SECTION_QUERIES):
        context, html = section()
    assert len(context["participation"]) == 25 and len(context["goal_progress"]) == 2


def test_the_network_page_shows_the_progress_section(client, firm_user, network, goal):
    a, b, old = members(network, 3)
    activity(network, a, b, date=days_ago(5))
    GoalActualFactory(goal=goal, period_end=days_ago(5), value=Decimal("5"))
    client.force_login(firm_user)
    html = client.get(reverse("networks:network-progress", args=[network.pk])).content.decode()
    section = html[html.index('id="progress-heading"') :]
    assert bar_values(section) == ["50"] and "50%" in section
    assert "Firms drifting away" in section and old.name in section  # no part in 90+ days
    assert 'role="img"' in section
    for name in ("network-graph", "network-participation", "network-indicators"):
        assert reverse(f"networks:{name}", args=[network.pk]) in section
