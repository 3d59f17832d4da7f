"""/api/v1/networks/{id}/application/, submit/ and decide/."""

import pytest
from django.core import mail

from networks import access
from networks.models import Application, ApplicationEvent, Network, PhaseTransition
from networks.services import lifecycle as L
from tests import factories
from tests.builders import make_approved, make_submittable, make_submitted

pytestmark = pytest.mark.django_db


def application(network) -> str:
    return f"/api/v1/networks/{network.pk}/application/"


def submit(network) -> str:
    return f"/api/v1/networks/{network.pk}/submit/"


def decide(network) -> str:
    return f"/api/v1/networks/{network.pk}/decide/"


# --- the application ------------------------------------------------------------------------


def test_a_new_application_is_a_draft_with_its_checklist(api, firm_user, network):
    api.force_authenticate(firm_user)
    response = api.get(application(network))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft"
    assert body["submitted_by"] is None
    assert body["events"] == []
    assert [(item["key"], item["met"]) for item in body["checklist"]] == [
        ("members", False), ("diagnosis", False), ("short_goal", False), ("medium_goal", False),
    ]  # fmt: skip
    assert body["checklist"][0]["label"] == "Between 10 and 30 active member firms (now 1)"


def test_application_shows_its_events(api, officer, network):
    make_approved(network, officer)
    api.force_authenticate(officer)
    body = api.get(application(network)).json()
    assert body["status"] == "approved"
    assert body["decided_by"] == officer.pk
    assert all(item["met"] for item in body["checklist"])
    assert [(e["action"], e["actor"]) for e in body["events"]] == [
        ("submitted", network.facilitator_id), ("approved", officer.pk),
    ]  # fmt: skip


def test_application_of_another_network_is_404(api, outsider_firm_user, network):
    api.force_authenticate(outsider_firm_user)
    assert api.get(application(network)).status_code == 404


# --- submit ---------------------------------------------------------------------------------


def test_facilitator_submits_and_the_agency_is_told(api, facilitator, officer, network, jobs):
    make_submittable(network)
    api.force_authenticate(facilitator)
    response = api.post(submit(network))
    jobs.run()
    assert response.status_code == 200, response.json()
    row = Application.objects.get(network=network)
    assert (row.status, row.submitted_by) == ("submitted", facilitator)
    body = response.json()
    assert body["status"] == "submitted"
    assert body["submitted_by"] == facilitator.pk
    assert body["submitted_at"] is not None
    assert [e["action"] for e in body["events"]] == ["submitted"]
    assert [m.to for m in mail.outbox] == [[officer.email]]


def test_submitting_an_incomplete_application_lists_every_unmet_condition(
    api, facilitator, network
):
    api.force_authenticate(facilitator)
    response = api.post(submit(network))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            L.MEMBERS_OUT_OF_BOUNDS % {"min": 10, "max": 30, "count": 0},
            str(L.DIAGNOSIS_INCOMPLETE),
            L.SHORT_GOAL_MISSING % {"months": 12},
            L.MEDIUM_GOAL_MISSING % {"months": 36},
        ]
    }
    assert Application.objects.get(network=network).status == "draft"


def test_submitting_twice_is_409(api, facilitator, network):
    make_submitted(network)
    api.force_authenticate(facilitator)
    response = api.post(submit(network))
    assert response.status_code == 409
    assert response.json() == {"detail": str(L.APPLICATION_NOT_EDITABLE)}


def test_firm_member_cannot_submit_403(api, firm_user, network):
    make_submittable(network)
    api.force_authenticate(firm_user)
    assert api.post(submit(network)).status_code == 403
    assert Application.objects.get(network=network).status == "draft"


def test_submit_of_another_network_is_404(api, outsider_facilitator, network):
    make_submittable(network)
    api.force_authenticate(outsider_facilitator)
    assert api.post(submit(network)).status_code == 404


def test_submit_requires_login_401(api, network):
    assert api.post(submit(network)).status_code == 401


# --- decide ---------------------------------------------------------------------------------


def test_officer_approves(api, officer, facilitator, network, jobs):
    make_submitted(network)
    api.force_authenticate(officer)
    response = api.post(decide(network), {"decision": "approve"}, format="json")
    jobs.run()
    assert response.status_code == 200, response.json()
    row = Application.objects.get(network=network)
    assert (row.status, row.decided_by) == ("approved", officer)
    assert ApplicationEvent.objects.filter(application=row, action="approved").exists()
    body = response.json()
    assert (body["status"], body["decided_by"], body["decision_reason"]) == (
        "approved", officer.pk, ""
    )  # fmt: skip
    assert facilitator.email in [address for m in mail.outbox for address in m.to]


def test_officer_returns_with_a_reason(api, officer, network):
    make_submitted(network)
    api.force_authenticate(officer)
    response = api.post(
        decide(network), {"decision": "return", "reason": "Add a export goal."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert response.json()["decision_reason"] == "Add a export goal."


def test_rejecting_dissolves_the_network(api, officer, network):
    make_submitted(network)
    api.force_authenticate(officer)
    response = api.post(
        decide(network), {"decision": "reject", "reason": "No common ground."}, format="json"
    )
    assert response.status_code == 200
    assert Network.objects.get(pk=network.pk).phase == "dissolved"
    transition = PhaseTransition.objects.get(network=network)
    assert (transition.from_phase, transition.to_phase) == ("preparation", "dissolved")


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_returning_or_rejecting_needs_a_reason(api, officer, network, decision):
    make_submitted(network)
    api.force_authenticate(officer)
    response = api.post(decide(network), {"decision": decision, "reason": " "}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [str(L.DECISION_REASON_REQUIRED)]}
    assert Application.objects.get(network=network).status == "submitted"


@pytest.mark.parametrize("data", [{"decision": "maybe"}, {"decision": 1}])
def test_unknown_decision_is_400(api, officer, network, data):
    make_submitted(network)
    api.force_authenticate(officer)
    response = api.post(decide(network), data, format="json")
    assert response.status_code == 400
    assert response.json() == {"decision": [str(L.DECISION_UNKNOWN)]}


def test_missing_decision_is_400(api, officer, network):
    api.force_authenticate(officer)
    response = api.post(decide(network), {}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["decision"]


def test_deciding_twice_is_409(api, officer, agency_admin, network):
    make_approved(network, officer)
    api.force_authenticate(agency_admin)
    response = api.post(decide(network), {"decision": "approve"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": str(L.APPLICATION_ALREADY_DECIDED)}


def test_deciding_an_application_not_submitted_is_409(api, officer, network):
    api.force_authenticate(officer)
    response = api.post(decide(network), {"decision": "approve"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": str(L.APPLICATION_NOT_SUBMITTED)}


def test_the_submitter_cannot_decide_four_eyes(api, officer, network):
    make_submittable(network)
    L.application_submit(network=network, actor=officer)
    api.force_authenticate(officer)
    response = api.post(decide(network), {"decision": "approve"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [str(L.FOUR_EYES)]}


def test_approving_a_group_that_shrank_is_400(api, officer, network):
    make_submitted(network)
    network.memberships.first().delete()  # as if it left between submission and review
    api.force_authenticate(officer)
    response = api.post(decide(network), {"decision": "approve"}, format="json")
    assert response.status_code == 400
    unmet = response.json()["non_field_errors"]
    assert L.MEMBERS_OUT_OF_BOUNDS % {"min": 10, "max": 30, "count": 9} in unmet


@pytest.mark.parametrize("persona", ["firm_user", "facilitator"])
def test_firm_member_and_facilitator_cannot_decide_403(api, request, network, persona):
    make_submitted(network)
    api.force_authenticate(request.getfixturevalue(persona))
    response = api.post(decide(network), {"decision": "approve"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": str(access.NOT_AGENCY_STAFF)}
    assert Application.objects.get(network=network).status == "submitted"


def test_officer_of_another_agency_gets_404(api, outsider_officer, network):
    make_submitted(network)
    api.force_authenticate(outsider_officer)
    response = api.post(decide(network), {"decision": "approve"}, format="json")
    assert response.status_code == 404


def test_decide_on_a_network_without_an_application_row_is_409(api, officer, programme):
    network = factories.NetworkFactory(programme=programme)
    Application.objects.filter(network=network).delete()
    api.force_authenticate(officer)
    response = api.post(decide(network), {"decision": "approve"}, format="json")
    assert response.status_code == 409
    assert api.get(application(network)).json()["status"] == "draft"
