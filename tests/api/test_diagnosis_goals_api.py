"""/api/v1/networks/{id}/diagnosis/ and /api/v1/networks/{id}/goals/."""

from decimal import Decimal

import pytest
from django.utils import timezone

from networks.lib.dates import add_months
from networks.lib.typology import DIMENSIONS
from networks.models import Diagnosis, Goal
from networks.services import lifecycle as L
from tests.builders import make_submitted

pytestmark = pytest.mark.django_db

ORGANIZED = {
    "technology_level": 2, "skills": 2, "innovation": 2, "trust": 3, "cooperation": 3,
    "competition": 3, "firm_size": 3, "exports": 2, "learning": 3,
}  # fmt: skip


def diagnosis(network) -> str:
    return f"/api/v1/networks/{network.pk}/diagnosis/"


def goals(network) -> str:
    return f"/api/v1/networks/{network.pk}/goals/"


# --- diagnosis ------------------------------------------------------------------------------


def test_an_empty_diagnosis_has_no_profile(api, firm_user, network):
    api.force_authenticate(firm_user)
    response = api.get(diagnosis(network))
    assert response.status_code == 200
    body = response.json()
    assert {body[key] for key in ("problems", "opportunities", "collaboration_basis")} == {""}
    assert all(body[dimension] is None for dimension in DIMENSIONS)
    assert (body["profile"], body["distances"]) == (None, {})


def test_put_writes_the_diagnosis_and_returns_its_profile(api, facilitator, network):
    api.force_authenticate(facilitator)
    data = {"problems": " Old machines. ", "opportunities": "Exports.",
            "collaboration_basis": "A shared supplier.", **ORGANIZED}  # fmt: skip
    response = api.put(diagnosis(network), data, format="json")
    assert response.status_code == 200, response.json()
    row = Diagnosis.objects.get(network=network)
    assert (row.problems, row.trust, row.updated_by) == ("Old machines.", 3, facilitator)
    body = response.json()
    assert body["profile"] == "organized"
    assert body["distances"] == {"informal": 12, "organized": 0, "innovative": 4}
    assert body["updated_by"] == facilitator.pk


def test_put_leaves_the_fields_it_is_not_given(api, officer, network):
    api.force_authenticate(officer)
    api.put(diagnosis(network), {"problems": "Isolation.", "trust": 1}, format="json")
    response = api.put(diagnosis(network), {"trust": None, "skills": "2"}, format="json")
    assert response.status_code == 200
    row = Diagnosis.objects.get(network=network)
    assert (row.problems, row.trust, row.skills) == ("Isolation.", None, 2)


@pytest.mark.parametrize("value", [0, 4, "high", 2.5])
def test_rating_out_of_scale_is_400_on_its_field(api, officer, network, value):
    api.force_authenticate(officer)
    response = api.put(diagnosis(network), {"trust": value}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["trust"]


def test_firm_member_cannot_write_the_diagnosis_403(api, firm_user, network):
    api.force_authenticate(firm_user)
    assert api.put(diagnosis(network), {"problems": "Mine"}, format="json").status_code == 403
    assert Diagnosis.objects.get(network=network).problems == ""


def test_diagnosis_under_review_is_409(api, facilitator, network):
    make_submitted(network)
    api.force_authenticate(facilitator)
    response = api.put(diagnosis(network), {"problems": "Changed"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": str(L.APPLICATION_UNDER_REVIEW)}


@pytest.mark.parametrize(
    "persona", ["outsider_officer", "outsider_facilitator", "outsider_firm_user"]
)
def test_diagnosis_of_another_network_is_404(api, request, network, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.get(diagnosis(network)).status_code == 404
    assert api.put(diagnosis(network), {"problems": "X"}, format="json").status_code == 404


def test_diagnosis_requires_login_401(api, network):
    assert api.get(diagnosis(network)).status_code == 401


# --- goals ----------------------------------------------------------------------------------


def goal_data(**overrides) -> dict:
    due = add_months(timezone.localdate(), 10)
    return {"horizon": "short", "title": "Joint purchase", "indicator": "Firms buying together",
            "unit": "firms", "baseline": "0", "target": "8.5", "due_date": due.isoformat(),
            **overrides}  # fmt: skip


def test_facilitator_adds_a_goal(api, facilitator, network):
    api.force_authenticate(facilitator)
    response = api.post(goals(network), goal_data(), format="json")
    assert response.status_code == 201, response.json()
    goal = Goal.objects.get(network=network)
    assert (goal.title, goal.target, goal.baseline) == ("Joint purchase", Decimal("8.5"), 0)
    body = response.json()
    assert body["id"] == goal.pk
    assert (body["baseline"], body["target"]) == ("0.00", "8.50")
    assert body["due_date"] == goal.due_date.isoformat()


def test_goals_are_listed(api, firm_user, network, facilitator):
    L.goal_create(
        network=network, actor=facilitator, horizon="medium", title="Exports",
        due_date=add_months(timezone.localdate(), 30),
    )  # fmt: skip
    api.force_authenticate(firm_user)
    body = api.get(goals(network)).json()
    assert body["count"] == 1
    assert body["results"][0]["title"] == "Exports"
    assert body["results"][0]["baseline"] is None


def test_blank_title_gives_the_services_message(api, officer, network):
    api.force_authenticate(officer)
    response = api.post(goals(network), goal_data(title=" "), format="json")
    assert response.status_code == 400
    assert response.json() == {"title": [str(L.GOAL_TITLE_REQUIRED)]}
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"horizon": "long"}, "horizon"),
        ({"baseline": "a lot"}, "baseline"),
        ({"target": "1e20"}, "target"),
        ({"due_date": "next year"}, "due_date"),
        ({"due_date": None}, "due_date"),
    ],
)
def test_bad_goal_input_is_400_naming_the_field(api, officer, network, overrides, field):
    api.force_authenticate(officer)
    response = api.post(goals(network), goal_data(**overrides), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_firm_member_cannot_add_a_goal_403(api, firm_user, network):
    api.force_authenticate(firm_user)
    assert api.post(goals(network), goal_data(), format="json").status_code == 403
    assert not Goal.objects.exists()


def test_goals_under_review_is_409(api, facilitator, network):
    make_submitted(network)
    api.force_authenticate(facilitator)
    response = api.post(goals(network), goal_data(), format="json")
    assert response.status_code == 409


def test_goals_of_another_network_are_404(api, outsider_facilitator, network):
    api.force_authenticate(outsider_facilitator)
    assert api.get(goals(network)).status_code == 404
    assert api.post(goals(network), goal_data(), format="json").status_code == 404
