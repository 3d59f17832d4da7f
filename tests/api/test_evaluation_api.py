"""/api/v1/networks/{id}/evaluations/, /api/v1/criteria/ and /api/v1/reports/portfolio/."""

import datetime

import pytest
from django.utils import timezone

from networks.access import NOT_AGENCY_STAFF
from networks.lib.dates import add_months
from networks.models import Criterion, Evaluation, Network
from networks.services import criteria as C
from networks.services import evaluation as E
from tests import factories
from tests.builders import evaluate, sample_1993

pytestmark = pytest.mark.django_db

LIST_QUERIES = 4  # network, count, page, results (with their criteria order)
PORTFOLIO = "/api/v1/reports/portfolio/"
CRITERIA = "/api/v1/criteria/"


def evaluations(network) -> str:
    return f"/api/v1/networks/{network.pk}/evaluations/"


@pytest.fixture
def running(network):
    """The personas' network, in consolidation for two years."""
    start = add_months(timezone.localdate(), -24)
    Network.objects.filter(pk=network.pk).update(phase="consolidation", term_start=start)
    network.refresh_from_db()
    return network


def payload(network, met: int = 7, **overrides) -> dict:
    criteria = Criterion.objects.filter(programme=network.programme, is_active=True)
    body = {
        "date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "notes": "Visited the workshops.",
        "results": [
            {"criterion": c.pk, "met": index < met, "evidence": f"Seen: {c.key}"}
            for index, c in enumerate(criteria)
        ],
    }
    body.update(overrides)
    return body


# --- evaluations ----------------------------------------------------------------------------


def test_agency_staff_record_an_evaluation(api, officer, running):
    api.force_authenticate(officer)
    response = api.post(evaluations(running), payload(running, met=7), format="json")
    assert response.status_code == 201, response.data
    evaluation = Evaluation.objects.get(network=running)
    body = response.data
    assert body["id"] == evaluation.pk
    assert (body["met_count"], body["criteria_count"]) == (7, 12)
    assert body["evaluator"] == officer.pk and body["network"] == running.pk
    assert len(body["results"]) == 12
    quality = Criterion.objects.get(programme=running.programme, key="quality")
    assert {"criterion": quality.pk, "met": True, "evidence": "Seen: quality"} in body["results"]


def test_missing_answers_are_400_naming_each_criterion(api, officer, running):
    body = payload(running)
    dropped = [row["criterion"] for row in body["results"][:2]]
    body["results"] = body["results"][2:]
    del body["results"][0]["met"]
    api.force_authenticate(officer)
    response = api.post(evaluations(running), body, format="json")
    assert response.status_code == 400
    labels = [str(Criterion.objects.get(pk=pk).label) for pk in dropped]
    labels.append(str(Criterion.objects.get(pk=body["results"][0]["criterion"]).label))
    assert response.data["non_field_errors"] == [
        str(E.EVALUATION_CRITERION_MISSING % {"criterion": label}) for label in labels[2:]
    ] + [str(E.EVALUATION_CRITERION_MISSING % {"criterion": label}) for label in labels[:2]]
    assert not Evaluation.objects.exists()


def test_a_criterion_of_another_programme_is_400(api, officer, running, other_network):
    stranger = Criterion.objects.filter(programme=other_network.programme).first()
    body = payload(running)
    body["results"][0]["criterion"] = stranger.pk
    api.force_authenticate(officer)
    response = api.post(evaluations(running), body, format="json")
    assert response.status_code == 400
    assert response.data["results"][0]["criterion"] == [
        f"Criterion {stranger.pk} is not in this programme's set."
    ]
    assert not Evaluation.objects.exists()


def test_an_inactive_criterion_is_refused(api, officer, agency_admin, running):
    quality = Criterion.objects.get(programme=running.programme, key="quality")
    C.criterion_deactivate(criterion=quality, actor=agency_admin)
    body = payload(running)
    body["results"].append({"criterion": quality.pk, "met": True})
    api.force_authenticate(officer)
    response = api.post(evaluations(running), body, format="json")
    assert response.status_code == 400
    assert response.data["non_field_errors"] == [
        str(E.EVALUATION_CRITERION_UNKNOWN % {"criterion": "quality"})
    ]


def test_bad_types_are_400_naming_the_field(api, officer, running):
    api.force_authenticate(officer)
    response = api.post(evaluations(running), payload(running, date="soon"), format="json")
    assert response.status_code == 400 and "date" in response.data
    body = payload(running)
    body["results"][0]["met"] = "perhaps"
    response = api.post(evaluations(running), body, format="json")
    assert response.status_code == 400 and "met" in response.data["results"][0]
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = api.post(evaluations(running), payload(running, date=future), format="json")
    assert response.data["non_field_errors"] == [str(E.EVALUATION_DATE_IN_FUTURE)]
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    "persona, status",
    [
        ("facilitator", 403),
        ("firm_user", 403),
        ("outsider_officer", 404),
        ("outsider_facilitator", 404),
        ("outsider_firm_user", 404),
    ],
)
def test_only_the_agency_posts(api, request, running, persona, status):
    api.force_authenticate(request.getfixturevalue(persona))
    response = api.post(evaluations(running), payload(running), format="json")
    assert response.status_code == status
    if status == 403:
        assert response.data["detail"] == str(NOT_AGENCY_STAFF)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    "persona, status",
    [
        ("officer", 200),
        ("agency_admin", 200),
        ("facilitator", 200),
        ("firm_user", 200),
        ("outsider_officer", 404),
        ("outsider_facilitator", 404),
        ("outsider_firm_user", 404),
    ],
)
def test_whoever_sees_the_network_reads_its_evaluations(
    api, request, officer, running, persona, status
):
    older = evaluate(running, officer, met=3, date=timezone.localdate() - datetime.timedelta(400))
    newer = evaluate(running, officer, met=8, date=timezone.localdate() - datetime.timedelta(4))
    api.force_authenticate(request.getfixturevalue(persona))
    response = api.get(evaluations(running))
    assert response.status_code == status
    if status == 200:
        assert [row["id"] for row in response.data["results"]] == [newer.pk, older.pk]
        assert response.data["results"][0]["met_count"] == 8
        assert len(response.data["results"][0]["results"]) == 12


def test_anonymous_is_401(api, running):
    assert api.get(evaluations(running)).status_code == 401
    assert api.post(evaluations(running), {}, format="json").status_code == 401
    assert api.get(CRITERIA).status_code == 401
    assert api.get(PORTFOLIO).status_code == 401


def test_list_queries_do_not_grow(api, officer, running, django_assert_max_num_queries):
    api.force_authenticate(officer)
    evaluate(running, officer, met=2)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert api.get(evaluations(running)).status_code == 200
    for n in range(10):
        evaluate(running, officer, met=n, date=timezone.localdate() - datetime.timedelta(n + 1))
    with django_assert_max_num_queries(LIST_QUERIES):
        response = api.get(evaluations(running))
    assert response.data["count"] == 11


# --- criteria -------------------------------------------------------------------------------


def test_criteria_of_the_visible_programmes(api, officer, programme, other_network):
    second = factories.ProgrammeFactory(agency=officer.agency)
    api.force_authenticate(officer)
    response = api.get(CRITERIA)
    assert response.status_code == 200
    assert response.data["count"] == 24
    programmes = {row["programme"] for row in response.data["results"]}
    assert programmes == {programme.pk, second.pk}
    row = response.data["results"][0]
    assert set(row) == {
        "id", "programme", "key", "title", "label", "description", "suggestion", "position",
        "is_active",
    }  # fmt: skip
    assert (row["key"], row["label"], row["suggestion"], row["position"], row["is_active"]) == (
        "regular_meetings", "Regular meetings with good attendance", "regular_meetings", 0, True,
    )  # fmt: skip
    only = api.get(CRITERIA, {"programme": second.pk}).data
    assert only["count"] == 12
    assert {r["programme"] for r in only["results"]} == {second.pk}
    assert api.get(CRITERIA, {"programme": other_network.programme_id}).data["count"] == 0
    assert api.get(CRITERIA, {"programme": "x"}).status_code == 400


def test_inactive_criteria_are_listed_as_such(api, agency_admin, programme):
    quality = Criterion.objects.get(programme=programme, key="quality")
    C.criterion_deactivate(criterion=quality, actor=agency_admin)
    api.force_authenticate(agency_admin)
    rows = {r["key"]: r for r in api.get(CRITERIA).data["results"]}
    assert rows["quality"]["is_active"] is False


@pytest.mark.parametrize(
    "persona, count",
    [("facilitator", 12), ("firm_user", 12), ("outsider_firm_user", 12), ("outsider_officer", 12)],
)
def test_others_see_only_their_own_programmes_criteria(
    api, request, programme, network, other_network, persona, count
):
    request.getfixturevalue("member_firm")
    user = request.getfixturevalue(persona)
    api.force_authenticate(user)
    response = api.get(CRITERIA)
    assert response.data["count"] == count
    mine = programme.pk if not persona.startswith("outsider") else other_network.programme_id
    assert {r["programme"] for r in response.data["results"]} == {mine}


# --- the portfolio report -------------------------------------------------------------------


def test_the_1993_sample_through_the_api(api, officer, programme):
    networks = sample_1993(officer, programme)
    api.force_authenticate(officer)
    response = api.get(PORTFOLIO, {"min_age_months": 20, "max_age_months": 30})
    assert response.status_code == 200
    body = response.data
    assert body["networks"] == 10
    assert body["at_least"]["4"] == 7 and body["at_least"]["6"] == 4
    assert list(body["at_least"]) == [str(k) for k in range(13)]
    assert body["at_least"]["0"] == 10 and body["at_least"]["12"] == 0
    first = body["rows"][0]
    assert set(first) == {"network", "name", "evaluation", "met", "criteria", "age_months", "date"}
    assert (first["network"], first["met"], first["age_months"]) == (networks[0].pk, 8, 24)
    assert isinstance(first["date"], str)  # ISO date


def test_portfolio_filters(api, officer, programme, other_network):
    sample = sample_1993(officer, programme)
    Network.objects.filter(pk__in=[n.pk for n in sample[:4]]).update(region="Biobío")
    api.force_authenticate(officer)
    assert api.get(PORTFOLIO, {"region": "Biobío"}).data["networks"] == 4
    assert api.get(PORTFOLIO, {"sector": "Wine"}).data["networks"] == 0
    assert api.get(PORTFOLIO, {"programme": programme.pk}).data["networks"] == 10
    assert api.get(PORTFOLIO, {"min_age_months": 25}).data["networks"] == 0
    response = api.get(PORTFOLIO, {"min_age_months": 30, "max_age_months": 20})
    assert response.status_code == 400 and "max_age_months" in response.data
    response = api.get(PORTFOLIO, {"programme": other_network.programme_id})
    assert response.status_code == 400 and "programme" in response.data
    assert api.get(PORTFOLIO, {"min_age_months": "old"}).status_code == 400


@pytest.mark.parametrize(
    "persona, status",
    [
        ("officer", 200),
        ("agency_admin", 200),
        ("facilitator", 403),
        ("firm_user", 403),
        ("outsider_officer", 200),
        ("outsider_facilitator", 403),
        ("outsider_firm_user", 403),
    ],
)
def test_portfolio_access(api, request, officer, programme, persona, status):
    sample_1993(officer, programme)
    api.force_authenticate(request.getfixturevalue(persona))
    response = api.get(PORTFOLIO)
    assert response.status_code == status
    if persona == "outsider_officer":
        assert response.data["networks"] == 0  # another agency's networks never count
