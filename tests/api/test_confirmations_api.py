"""/api/v1/: each participant's answer (with how it came), and the facilitator recording a
firm's answer on its behalf (POST joint-actions/{id}/record-answer/)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from networks.models import (
    Attendance,
    AttendanceDecline,
    JointActionDecline,
    JointActionParticipant,
)
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


# --- attendance: the facilitator's record, the firm's own decline -----------------------------


@pytest.fixture
def held(network, firms):
    """An activity held yesterday, attended by the first three firms."""
    return builders.activity(network, *firms[:3], date=timezone.localdate() - timedelta(days=1))


def test_the_facilitator_records_a_firms_attendance_by_phone(api, facilitator, firms, held):
    api.force_authenticate(facilitator)
    body = {"firm": firms[1].pk, "answer": "confirm", "method": "in_person"}
    response = api.post(f"/api/v1/activities/{held.pk}/record-answer/", body, format="json")
    assert response.status_code == 200, response.json()
    rows = {row["firm"]: row for row in response.json()["attendance"]}
    assert rows[firms[1].pk]["confirmation_method"] == "in_person"
    assert rows[firms[1].pk]["recorded_by_facilitator"]
    assert rows[firms[0].pk]["confirmation_method"] == ""  # not answered yet
    body = {"firm": firms[2].pk, "answer": "decline", "method": "paper", "note": "Signed list"}
    declined = api.post(f"/api/v1/activities/{held.pk}/record-answer/", body, format="json")
    assert [d["firm"] for d in declined.json()["declined"]] == [firms[2].pk]
    assert firms[2].pk not in {row["firm"] for row in declined.json()["attendance"]}
    assert AttendanceDecline.objects.get().confirmation_method == "paper"


def test_a_firm_says_through_the_api_that_it_was_not_there(api, firm_user, firms, held):
    api.force_authenticate(firm_user)
    response = api.post(f"/api/v1/activities/{held.pk}/decline-attendance/", format="json")
    assert response.status_code == 200, response.json()
    assert [d["firm"] for d in response.json()["declined"]] == [firm_user.firm_id]
    assert not Attendance.objects.filter(activity=held, firm=firm_user.firm).exists()
    # A body is refused (strict input); a second decline finds no attendance left.
    again = api.post(f"/api/v1/activities/{held.pk}/decline-attendance/", format="json")
    assert again.status_code in (400, 409)
    assert AttendanceDecline.objects.count() == 1


def test_only_the_facilitator_records_and_outsiders_find_nothing(
    api, firm_user, officer, outsider_facilitator, firms, held
):
    body = {"firm": firms[1].pk, "answer": "confirm", "method": "phone"}
    for user, status in ((firm_user, 403), (officer, 403), (outsider_facilitator, 404)):
        api.force_authenticate(user)
        address = f"/api/v1/activities/{held.pk}/record-answer/"
        assert api.post(address, body, format="json").status_code == status, user
    api.force_authenticate(outsider_facilitator)
    assert api.post(f"/api/v1/activities/{held.pk}/decline-attendance/").status_code == 404
    assert not Attendance.objects.filter(confirmed_at__isnull=False).exists()
