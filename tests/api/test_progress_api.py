"""/api/v1/firms/{id}/indicators/, /goals/{id}/actuals/, /networks/{id}/participation/ and
/networks/{id}/graph/."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from networks.models import Attachment, FirmIndicator, GoalActual, Network
from networks.services import progress as P
from tests import factories
from tests.builders import activity, days_ago, joint_action, members
from tests.factories import FirmIndicatorFactory, GoalActualFactory, GoalFactory, pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
OUTSIDERS = ["outsider_facilitator", "outsider_officer", "outsider_firm_user"]


def indicators(firm) -> str:
    return f"/api/v1/firms/{firm.pk}/indicators/"


def actuals(goal) -> str:
    return f"/api/v1/goals/{goal.pk}/actuals/"


def participation(network) -> str:
    return f"/api/v1/networks/{network.pk}/participation/"


def graph(network) -> str:
    return f"/api/v1/networks/{network.pk}/graph/"


# --- firm indicators ------------------------------------------------------------------------


def test_a_firm_posts_and_lists_its_figures(api, firm_user, member_firm):
    api.force_authenticate(firm_user)
    data = {"date": days_ago(100).isoformat(), "is_baseline": True, "employees": 8,
            "annual_sales": "1500000.50", "notes": "From the tax return."}  # fmt: skip
    response = api.post(indicators(member_firm), data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["firm"], body["employees"], body["annual_sales"]) == (
        member_firm.pk, 8, "1500000.50",
    )  # fmt: skip
    assert body["recorded_by"] == firm_user.pk and body["exports"] is None
    api.post(indicators(member_firm), {"date": days_ago(3).isoformat(), "employees": 9},
             format="json")  # fmt: skip
    listing = api.get(indicators(member_firm)).json()
    assert listing["count"] == 2
    assert [(r["is_baseline"], r["employees"]) for r in listing["results"]] == [
        (True, 8), (False, 9),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"employees": -3}, "employees", "Employees cannot be negative."),
        ({"annual_sales": "-10.00"}, "annual_sales", "Annual sales cannot be negative."),
        ({"annual_sales": "10", "exports": "20"}, "exports", str(P.INDICATOR_EXPORTS_ABOVE_SALES)),
        ({}, "non_field_errors", str(P.INDICATOR_EMPTY)),
    ],
)
def test_bad_values_are_400_naming_the_field(api, firm_user, member_firm, data, field, message):
    api.force_authenticate(firm_user)
    response = api.post(
        indicators(member_firm), {"date": days_ago(3).isoformat(), **data}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not FirmIndicator.objects.exists()


def test_date_rules_are_400(api, facilitator, member_firm):
    FirmIndicatorFactory(firm=member_firm, date=days_ago(50), is_baseline=True, employees=1)
    api.force_authenticate(facilitator)
    cases = [
        ({"date": days_ago(60).isoformat()}, "date", "cannot be dated before the baseline"),
        ({"date": days_ago(10).isoformat(), "is_baseline": True}, "is_baseline",
         "already has a baseline"),
        ({"date": days_ago(-1).isoformat()}, "date", str(P.INDICATOR_DATE_IN_FUTURE)),
        ({"date": days_ago(50).isoformat()}, "date", "already has figures dated"),
    ]  # fmt: skip
    for data, field, message in cases:
        response = api.post(indicators(member_firm), {**data, "employees": 2}, format="json")
        assert response.status_code == 400
        assert message in response.json()[field][0]
    assert FirmIndicator.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_member_firm_gets_404(api, network, member_firm, method):
    FirmIndicatorFactory(firm=member_firm, date=days_ago(5), employees=44)
    neighbour = factories.MembershipFactory(network=network).firm
    api.force_authenticate(factories.FirmMemberFactory(firm=neighbour))
    response = getattr(api, method)(
        indicators(member_firm), {"date": days_ago(1).isoformat(), "employees": 1}, format="json"
    )
    assert response.status_code == 404
    assert FirmIndicator.objects.count() == 1


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_on_indicators(api, request, member_firm, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.get(indicators(member_firm)).status_code == 404


def test_anonymous_is_401(api, member_firm):
    assert api.get(indicators(member_firm)).status_code == 401


@pytest.mark.parametrize("persona", ["facilitator", "officer"])
def test_facilitator_and_agency_read_a_members_figures(api, request, member_firm, persona):
    FirmIndicatorFactory(firm=member_firm, date=days_ago(5), employees=44)
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.get(indicators(member_firm)).json()["results"][0]["employees"] == 44


# --- whose rows: figures per network -------------------------------------------------------


@pytest.fixture
def second_network(officer):
    """Another network of the same agency with another facilitator; `member_firm` joins it."""
    return factories.NetworkFactory(programme=factories.ProgrammeFactory(agency=officer.agency))


def _post(api, firm, **data):
    return api.post(indicators(firm), {"employees": 1, **data}, format="json")


def test_each_row_says_the_network_it_was_recorded_for(api, facilitator, network, member_firm):
    api.force_authenticate(facilitator)
    response = _post(api, member_firm, date=days_ago(3).isoformat())
    assert response.status_code == 201 and response.json()["network"] == network.pk
    assert FirmIndicator.objects.get().network == network


def test_a_firms_own_record_is_read_by_the_firm_only_until_it_shares(
    api, firm_user, facilitator, officer, network, member_firm
):
    api.force_authenticate(firm_user)
    response = _post(api, member_firm, date=days_ago(3).isoformat(), network=None, employees=77)
    assert response.status_code == 201 and response.json()["network"] is None
    assert api.get(indicators(member_firm)).json()["count"] == 1
    for reader in (facilitator, officer):
        api.force_authenticate(reader)
        assert api.get(indicators(member_firm)).json()["count"] == 0
    P.firm_figures_share(firm=member_firm, network=network, actor=firm_user, share=True)
    for reader in (facilitator, officer):
        api.force_authenticate(reader)
        assert [r["employees"] for r in api.get(indicators(member_firm)).json()["results"]] == [77]


def test_only_the_firm_records_figures_for_no_network(api, facilitator, member_firm):
    api.force_authenticate(facilitator)
    response = _post(api, member_firm, date=days_ago(3).isoformat(), network=None)
    assert response.status_code == 400
    assert response.json() == {"network": [str(P.INDICATOR_NETWORK_REQUIRED)]}
    assert not FirmIndicator.objects.exists()


def test_a_network_not_the_users_is_one_answer_whether_it_exists_or_not(
    api, facilitator, member_firm, other_network
):
    factories.MembershipFactory(network=other_network, firm=member_firm)
    api.force_authenticate(facilitator)
    answers = []
    for network_id in (other_network.pk, 999999):
        response = _post(api, member_firm, date=days_ago(3).isoformat(), network=network_id)
        answers.append((response.status_code, response.json()))
    assert answers == [(400, {"network": [str(P.INDICATOR_NETWORK_UNKNOWN)]})] * 2
    assert not FirmIndicator.objects.exists()


def test_agency_staff_choose_the_network_when_the_firm_is_in_two_of_theirs(
    api, officer, network, second_network, member_firm
):
    factories.MembershipFactory(network=second_network, firm=member_firm)
    api.force_authenticate(officer)
    response = _post(api, member_firm, date=days_ago(3).isoformat())
    assert response.json() == {"network": [str(P.INDICATOR_NETWORK_REQUIRED)]}
    response = _post(api, member_firm, date=days_ago(3).isoformat(), network=second_network.pk)
    assert response.status_code == 201
    assert FirmIndicator.objects.get().network == second_network


def test_each_network_keeps_its_own_series_and_reads_only_its_own(
    api, facilitator, network, second_network, member_firm, firm_user
):
    """The same date and a baseline each: neither network's facilitator learns of the other's
    rows, not even through a refusal."""
    factories.MembershipFactory(network=second_network, firm=member_firm)
    day = days_ago(30).isoformat()
    for person, where in ((facilitator, network), (second_network.facilitator, second_network)):
        api.force_authenticate(person)
        response = _post(api, member_firm, date=day, is_baseline=True, employees=where.pk)
        assert response.status_code == 201, response.json()
        rows = api.get(indicators(member_firm)).json()["results"]
        assert [(r["network"], r["employees"]) for r in rows] == [(where.pk, where.pk)]
    api.force_authenticate(firm_user)
    assert api.get(indicators(member_firm)).json()["count"] == 2


def sharing(firm, network=None) -> str:
    return f"/api/v1/firms/{firm.pk}/sharing/" + (f"{network.pk}/" if network else "")


def test_the_firm_lists_its_networks_and_shares_its_figures_with_one(
    api, firm_user, facilitator, network, member_firm
):
    FirmIndicatorFactory(firm=member_firm, network=None, date=days_ago(5), employees=31)
    api.force_authenticate(firm_user)
    assert api.get(sharing(member_firm)).json() == [
        {"network": network.pk, "network_name": network.name,
         "agency_name": network.programme.agency.name, "active": True, "shares_figures": False},
    ]  # fmt: skip
    response = api.put(sharing(member_firm, network), {"shares_figures": True}, format="json")
    assert response.status_code == 200 and response.json()["shares_figures"] is True
    api.force_authenticate(facilitator)
    assert [r["employees"] for r in api.get(indicators(member_firm)).json()["results"]] == [31]
    api.force_authenticate(firm_user)
    api.put(sharing(member_firm, network), {"shares_figures": False}, format="json")
    api.force_authenticate(facilitator)
    assert api.get(indicators(member_firm)).json()["count"] == 0


@pytest.mark.parametrize(
    "persona, status",
    [("facilitator", 403), ("officer", 403), ("outsider_officer", 404),
     ("outsider_facilitator", 404), ("outsider_firm_user", 404)],
)  # fmt: skip
def test_only_the_firm_decides_what_it_shares(api, request, network, member_firm, persona, status):
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.get(sharing(member_firm)).status_code == status
    response = api.put(sharing(member_firm, network), {"shares_figures": True}, format="json")
    assert response.status_code == status
    assert not member_firm.memberships.filter(shares_figures=True).exists()


def test_sharing_with_a_network_the_firm_was_never_in_is_404(
    api, firm_user, member_firm, other_network
):
    api.force_authenticate(firm_user)
    url = sharing(member_firm, other_network)
    assert api.put(url, {"shares_figures": True}, format="json").status_code == 404


def test_indicator_list_queries_do_not_grow(
    api, facilitator, network, member_firm, django_assert_max_num_queries
):
    for days in (300, 200, 100, 50, 10):
        FirmIndicatorFactory(firm=member_firm, date=days_ago(days), employees=days)
    api.force_authenticate(facilitator)
    with django_assert_max_num_queries(4):  # the firm, the count, the page (and the session)
        assert api.get(indicators(member_firm)).json()["count"] == 5


# --- goal actuals ---------------------------------------------------------------------------


@pytest.fixture
def goal(network):
    return GoalFactory(network=network)


def test_the_facilitator_posts_a_value_as_json(api, facilitator, goal):
    api.force_authenticate(facilitator)
    data = {"period_end": days_ago(1).isoformat(), "value": "3.25", "comment": "Q1"}
    response = api.post(actuals(goal), data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["goal"], body["value"], body["attachments"]) == (goal.pk, "3.25", [])
    assert GoalActual.objects.get().recorded_by == facilitator


def test_a_value_with_evidence_as_multipart(api, officer, goal):
    api.force_authenticate(officer)
    data = {"period_end": days_ago(1).isoformat(), "value": "2", "evidence": pdf("acta.pdf")}
    response = api.post(actuals(goal), data, format="multipart")
    assert response.status_code == 201, response.json()
    (evidence,) = response.json()["attachments"]
    assert (evidence["name"], evidence["content_type"]) == ("acta.pdf", "application/pdf")
    assert evidence["url"].endswith(f"/evidence/{evidence['id']}/")
    assert Attachment.objects.get().goal_actual_id == response.json()["id"]


def test_bad_evidence_and_a_taken_period_are_400(api, facilitator, goal):
    GoalActualFactory(goal=goal, period_end=days_ago(30))
    api.force_authenticate(facilitator)
    fake = SimpleUploadedFile("acta.pdf", b"\x7fELF" + b"\x00" * 30)
    response = api.post(actuals(goal), {"period_end": days_ago(1).isoformat(), "value": "2",
                                        "evidence": fake}, format="multipart")  # fmt: skip
    assert response.status_code == 400 and list(response.json()) == ["evidence"]
    response = api.post(actuals(goal), {"period_end": days_ago(30).isoformat(), "value": "2"},
                        format="json")  # fmt: skip
    assert response.status_code == 400
    assert "There is already a value" in response.json()["period_end"][0]
    assert GoalActual.objects.count() == 1 and not Attachment.objects.exists()


def test_a_member_firm_reads_actuals_but_gets_403_on_post(api, firm_user, goal):
    GoalActualFactory(goal=goal, period_end=days_ago(3), value=Decimal("7"))
    api.force_authenticate(firm_user)
    body = api.get(actuals(goal)).json()
    assert [r["value"] for r in body["results"]] == ["7.00"]
    response = api.post(actuals(goal), {"period_end": days_ago(1).isoformat(), "value": "9"},
                        format="json")  # fmt: skip
    assert response.status_code == 403
    assert GoalActual.objects.count() == 1


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_get_404_on_actuals(api, request, goal, persona, method):
    api.force_authenticate(request.getfixturevalue(persona))
    response = getattr(api, method)(actuals(goal), {"value": "1"}, format="json")
    assert response.status_code == 404


# --- participation --------------------------------------------------------------------------


def test_participation_per_firm(api, firm_user, network, member_firm):
    keen, drifter = members(network, 2)
    activity(network, keen, drifter, date=days_ago(150))
    activity(network, keen, date=days_ago(100))
    activity(network, keen, date=days_ago(10))
    joint_action(network, keen, member_firm, start_date=days_ago(2))
    api.force_authenticate(firm_user)
    body = api.get(participation(network)).json()
    assert body["count"] == 3
    rows = {row["firm"]: row for row in body["results"]}
    assert rows[drifter.pk] == {
        "firm": drifter.pk, "firm_name": drifter.name, "attendance_rate_6m": 0.333,
        "attendance_rate_since_joining": 0.333, "joint_actions": 0,
        "last_participation": days_ago(150).isoformat(), "drifting": True,
    }  # fmt: skip
    assert rows[keen.pk]["attendance_rate_6m"] == 1.0 and rows[keen.pk]["joint_actions"] == 1
    mine = rows[member_firm.pk]  # joined today: nothing held since, not drifting
    assert (mine["attendance_rate_6m"], mine["drifting"]) == (None, False)
    assert mine["last_participation"] == days_ago(2).isoformat()


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize("url", [participation, graph])
def test_outsiders_get_404_on_participation_and_graph(api, request, network, persona, url):
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.get(url(network)).status_code == 404


API_QUERIES = 2  # the network, participation (token auth is forced in tests)


def test_participation_api_queries_do_not_grow(api, facilitator, network,
                                               django_assert_max_num_queries):  # fmt: skip
    api.force_authenticate(facilitator)
    for count, activities in ((10, 5), (15, 35)):
        firms = members(network, count)
        for i in range(activities):
            activity(network, *firms[i % 2 :: 3], date=days_ago(i * 4))
        with django_assert_max_num_queries(API_QUERIES):
            body = api.get(participation(network)).json()
    assert body["count"] == 25


# --- the graph ------------------------------------------------------------------------------


def test_the_graph_as_json(api, firm_user, network, member_firm):
    Network.objects.filter(pk=network.pk).update(term_start=days_ago(10))
    a, b = members(network, 2)
    activity(network, a, b, member_firm, date=days_ago(5))
    activity(network, a, b, date=days_ago(3))
    factories.FirmFactory(name="Not a member")
    api.force_authenticate(firm_user)
    body = api.get(graph(network)).json()
    assert {n["id"]: n["degree"] for n in body["nodes"]} == {a.pk: 2, b.pk: 2, member_firm.pk: 2}
    assert {(e["source"], e["target"]): e["weight"] for e in body["edges"]} == {
        tuple(sorted((a.pk, b.pk))): 2,
        tuple(sorted((a.pk, member_firm.pk))): 1,
        tuple(sorted((b.pk, member_firm.pk))): 1,
    }
    assert (body["density"], body["isolated"]) == (1.0, [])
    assert body["density_by_quarter"][-1]["density"] == 1.0
    assert body["density_by_quarter"][0]["quarter"].count("-Q") == 1


def test_a_graph_with_an_isolated_firm(api, facilitator, network, member_firm):
    a, b, c = members(network, 3)
    activity(network, a, b, date=days_ago(5))
    api.force_authenticate(facilitator)
    body = api.get(graph(network)).json()
    assert body["density"] == round(1 / 6, 3)
    assert sorted(body["isolated"]) == sorted([c.pk, member_firm.pk])
    assert body["density_by_quarter"] == []  # consolidation has not begun


def test_schema_lists_the_progress_endpoints(api, officer):
    api.force_authenticate(officer)
    paths = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ("/api/v1/firms/{id}/indicators/", "/api/v1/goals/{id}/actuals/",
                 "/api/v1/networks/{id}/participation/", "/api/v1/networks/{id}/graph/"):  # fmt: skip
        assert path in paths
