"""/api/v1/: each participant's answer (with how it came), and the facilitator recording a
firm's answer on its behalf (POST joint-actions/{id}/record-answer/)."""

from decimal import Decimal

import pytest

from networks.models import JointActionDecline, JointActionParticipant
from networks.services import confirmations as C
from networks.services import joint_actions as S
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(network, member_firm):
    return [member_firm, *builders.open_for_joint_actions(network, members=3)]


@pytest.fixture
def joint_action(network, firms, firm_user):
    return S.joint_action_log(
        network=network, actor=firm_user, type="shared_equipment", title="A shared CNC router",
        firms=firms[:3], status="under_way", value=Decimal("8000000"),
    )  # fmt: skip


def record(joint_action) -> str:
    return f"/api/v1/joint-actions/{joint_action.pk}/record-answer/"


def test_the_facilitator_records_an_answer_by_phone(api, facilitator, firms, joint_action):
    api.force_authenticate(facilitator)
    body = {"firm": firms[1].pk, "answer": "confirm", "method": "phone", "note": "Ana, 4 Apr"}
    response = api.post(record(joint_action), body, format="json")
    assert response.status_code == 200
    by_firm = {p["firm"]: p for p in response.json()["participants"]}
    answer = by_firm[firms[1].pk]
    assert answer["confirmed"] and answer["confirmation_method"] == "phone"
    assert answer["recorded_by_facilitator"] and answer["confirmed_by"] == facilitator.pk
    assert by_firm[firms[0].pk]["confirmation_method"] == "self"
    assert not by_firm[firms[0].pk]["recorded_by_facilitator"]


def test_a_recorded_decline_shows_among_the_declined(api, facilitator, firms, joint_action):
    api.force_authenticate(facilitator)
    body = {"firm": firms[2].pk, "answer": "decline", "method": "email"}
    declined = api.post(record(joint_action), body, format="json").json()["declined"]
    assert declined[0]["firm"] == firms[2].pk and declined[0]["recorded_by_facilitator"]
    assert JointActionDecline.objects.get().confirmation_method == "email"


def test_bad_input_names_the_field_and_changes_nothing(api, facilitator, firms, joint_action):
    api.force_authenticate(facilitator)
    response = api.post(
        record(joint_action), {"firm": firms[1].pk, "answer": "confirm", "method": "self"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "method" in response.json()
    response = api.post(
        record(joint_action), {"firm": firms[3].pk, "answer": "confirm", "method": "phone"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"firm": [str(C.RECORD_FIRM_NOT_LISTED)]}
    assert not JointActionParticipant.objects.filter(
        joint_action=joint_action, confirmation_method="phone"
    ).exists()


def test_an_answer_given_already_is_a_conflict(api, facilitator, firms, joint_action):
    api.force_authenticate(facilitator)
    body = {"firm": firms[0].pk, "answer": "decline", "method": "phone"}
    response = api.post(record(joint_action), body, format="json")
    assert response.status_code == 409
    assert JointActionParticipant.objects.filter(firm=firms[0]).exists()


def test_a_firm_user_and_the_agency_may_not_record(api, firm_user, officer, firms, joint_action):
    for user in (firm_user, officer):
        api.force_authenticate(user)
        body = {"firm": firms[1].pk, "answer": "confirm", "method": "phone"}
        assert api.post(record(joint_action), body, format="json").status_code == 403
