"""/api/v1/networks/{id}/activities/ and /api/v1/activities/{id}/: activities, attachments,
attendance confirmations."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from networks.files.uploads import UPLOAD_TYPE_REFUSED
from networks.lib.dates import day
from networks.models import Activity, ActivityType, Attachment, Attendance, Network
from networks.services import activities as A
from tests import factories
from tests.builders import activity_type, working_network
from tests.factories import ELF, PDF, ActivityFactory, AttachmentFactory

pytestmark = pytest.mark.django_db

LIST_QUERIES = 6  # network, count, page, attendance, attachments, declines


@pytest.fixture
def firms(network, member_firm):
    return [member_firm, *working_network(network, members=4)]


@pytest.fixture
def activity(network, firms):
    return ActivityFactory(network=network, title="Kiln visit", attendees=firms[:3])


def activities(network) -> str:
    return f"/api/v1/networks/{network.pk}/activities/"


def one(activity) -> str:
    return f"/api/v1/activities/{activity.pk}/"


def attachments(activity) -> str:
    return f"/api/v1/activities/{activity.pk}/attachments/"


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def payload(firms, **overrides) -> dict:
    body = {
        "type": "factory_visit",
        "title": "Visit to the kilns",
        "date": timezone.localdate().isoformat(),
        "place": "San Javier",
        "host_firm": firms[0].pk,
        "attendees": [firms[1].pk, firms[2].pk],
        "description": "The host showed its new kiln.",
        "outcomes": "Shared firing schedule.",
        "cost": "45000.00",
    }
    body.update(overrides)
    return body


# --- access ---------------------------------------------------------------------------------


def test_anonymous_is_401(api, network, activity):
    assert api.get(activities(network)).status_code == 401
    assert api.get(one(activity)).status_code == 401
    assert api.post(attachments(activity)).status_code == 401


@pytest.mark.parametrize(
    "persona", ["outsider_officer", "outsider_facilitator", "outsider_firm_user"]
)
def test_outsiders_are_404(api, request, network, firms, activity, media, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.get(activities(network)).status_code == 404
    assert api.post(activities(network), payload(firms), format="json").status_code == 404
    assert api.get(one(activity)).status_code == 404
    assert api.patch(one(activity), {"title": "x"}, format="json").status_code == 404
    assert api.delete(one(activity)).status_code == 404
    upload = SimpleUploadedFile("m.pdf", PDF)
    assert api.post(attachments(activity), {"file": upload}, format="multipart").status_code == 404
    assert Activity.objects.get().title == "Kiln visit"
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_firm_member_of_network_a_sees_nothing_of_network_b(api, firm_user, other_network):
    theirs = ActivityFactory(network=other_network)
    api.force_authenticate(firm_user)
    assert api.get(activities(other_network)).status_code == 404
    assert api.get(one(theirs)).status_code == 404


def test_firm_member_may_read_but_not_write(api, firm_user, network, firms, activity, media):
    api.force_authenticate(firm_user)
    assert api.get(activities(network)).json()["count"] == 1
    assert api.get(one(activity)).json()["title"] == "Kiln visit"
    assert api.post(activities(network), payload(firms), format="json").status_code == 403
    assert api.patch(one(activity), {"title": "x"}, format="json").status_code == 403
    assert api.delete(one(activity)).status_code == 403
    upload = SimpleUploadedFile("m.pdf", PDF)
    assert api.post(attachments(activity), {"file": upload}, format="multipart").status_code == 403
    assert Activity.objects.get().title == "Kiln visit"
    assert not Attachment.objects.exists()


# --- list and create ------------------------------------------------------------------------


def test_facilitator_logs_an_activity(api, facilitator, network, firms):
    api.force_authenticate(facilitator)
    response = api.post(activities(network), payload(firms), format="json")
    assert response.status_code == 201, response.json()
    activity = Activity.objects.get()
    body = response.json()
    assert body == {
        "id": activity.pk,
        "network": network.pk,
        "type": "factory_visit",
        "type_label": "factory visit",
        "title": "Visit to the kilns",
        "date": timezone.localdate().isoformat(),
        "place": "San Javier",
        "host_firm": firms[0].pk,
        "attendees": body["attendees"],
        "attendance": body["attendance"],
        "declined": [],
        "description": "The host showed its new kiln.",
        "outcomes": "Shared firing schedule.",
        "cost": "45000.00",
        "attachments": [],
        "created_by": facilitator.pk,
        "created_at": body["created_at"],
    }
    assert set(body["attendees"]) == {firms[1].pk, firms[2].pk}
    assert {row["firm"] for row in body["attendance"]} == {firms[1].pk, firms[2].pk}
    assert all(row["confirmed_at"] is None for row in body["attendance"])
    assert set(activity.attendees.all()) == {firms[1], firms[2]}


def test_agency_added_type_by_slug(api, officer, network, firms):
    ActivityType.objects.create(programme=network.programme, slug="mentoring", name="Mentoring")
    api.force_authenticate(officer)
    body = payload(firms, type="mentoring", host_firm=None, attendees=[])
    response = api.post(activities(network), body, format="json")
    assert response.status_code == 201
    assert (response.json()["type"], response.json()["type_label"]) == ("mentoring", "Mentoring")


def test_unknown_or_foreign_type_is_400(api, facilitator, network, firms, other_network):
    ActivityType.objects.create(programme=other_network.programme, slug="theirs", name="Theirs")
    api.force_authenticate(facilitator)
    for slug in ("nope", "theirs"):
        response = api.post(activities(network), payload(firms, type=slug), format="json")
        assert response.status_code == 400
        assert response.json() == {"type": [str(A.ACTIVITY_TYPE_INVALID)]}
    assert not Activity.objects.exists()


def test_rules_come_back_as_field_errors(api, facilitator, network, firms):
    late = factories.MembershipFactory(
        network=network, joined_on=timezone.localdate() + datetime.timedelta(days=3)
    ).firm
    too_far = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    api.force_authenticate(facilitator)
    response = api.post(
        activities(network),
        payload(firms, host_firm=None, attendees=[firms[1].pk, late.pk], cost="-1", date=too_far),
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"host_firm", "cost", "date"}  # all broken rules at once
    assert body["host_firm"] == [str(A.ACTIVITY_HOST_REQUIRED)]
    assert body["cost"] == [str(A.ACTIVITY_COST_NEGATIVE)]
    response = api.post(
        activities(network), payload(firms, attendees=[firms[1].pk, late.pk]), format="json"
    )
    assert response.json() == {
        "attendees": [
            A.ACTIVITY_ATTENDEES_NOT_MEMBERS
            % {"date": day(timezone.localdate()), "firms": late.name}
        ]
    }
    assert not Activity.objects.exists()


def test_a_firm_outside_the_network_is_unknown(api, facilitator, network, firms, other_network):
    # Another network's firm is not named in the answer, only its id.
    stranger = factories.MembershipFactory(network=other_network).firm
    api.force_authenticate(facilitator)
    response = api.post(activities(network), payload(firms, attendees=[stranger.pk]), format="json")
    assert response.status_code == 400
    assert stranger.name not in response.content.decode()
    assert "attendees" in response.json()


def test_wrong_phase_is_a_non_field_error(api, facilitator, network, firms):
    Network.objects.filter(pk=network.pk).update(phase="preparation")
    api.force_authenticate(facilitator)
    response = api.post(activities(network), payload(firms), format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [str(A.ACTIVITY_WRONG_PHASE)]}
    assert not Activity.objects.exists()


def test_list_filters_and_paginates(api, officer, network, firms):
    today = timezone.localdate()
    ActivityFactory(network=network, title="Fair", date=today - datetime.timedelta(days=30),
                    type=activity_type(network, "trade_fair"))  # fmt: skip
    ActivityFactory(network=network, title="Workshop", date=today)
    api.force_authenticate(officer)
    body = api.get(activities(network)).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [row["title"] for row in body["results"]] == ["Workshop", "Fair"]  # newest first
    assert [r["title"] for r in api.get(activities(network), {"type": "trade_fair"}).json()[
        "results"
    ]] == ["Fair"]  # fmt: skip
    since = (today - datetime.timedelta(days=1)).isoformat()
    assert api.get(activities(network), {"date_from": since}).json()["count"] == 1
    until = (today - datetime.timedelta(days=1)).isoformat()
    assert api.get(activities(network), {"date_to": until}).json()["results"][0]["title"] == "Fair"
    bad = api.get(activities(network), {"date_from": "yesterday"})
    assert bad.status_code == 400 and "date_from" in bad.json()


def test_list_queries_do_not_grow(
    api, facilitator, network, firms, media, django_assert_max_num_queries
):
    firms += working_network(network, members=5)
    for _n in range(3):
        AttachmentFactory(activity=ActivityFactory(network=network, attendees=firms))
    api.force_authenticate(facilitator)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert api.get(activities(network)).json()["count"] == 3
    for _n in range(22):
        activity = ActivityFactory(network=network, attendees=firms)
        AttachmentFactory.create_batch(2, activity=activity)
    assert Attendance.objects.count() == 250
    with django_assert_max_num_queries(LIST_QUERIES):
        body = api.get(activities(network), {"type": "group_workshop"}).json()
    assert body["count"] == 25 and all(len(row["attendees"]) == 10 for row in body["results"])


# --- one activity ---------------------------------------------------------------------------


def test_patch_replaces_attendees_keeping_confirmations(api, facilitator, network, firms, activity):
    Attendance.objects.filter(activity=activity, firm=firms[0]).update(confirmed_at=timezone.now())
    api.force_authenticate(facilitator)
    body = {"attendees": [firms[0].pk, firms[4].pk], "title": "Day 2"}
    # A firm has confirmed: the change needs a reason (tests/api/test_history_reasons_api.py).
    assert list(api.patch(one(activity), body, format="json").json()) == ["reason"]
    response = api.patch(one(activity), {**body, "reason": "Day 2 ran apart."}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Day 2"
    rows = {r["firm"]: r["confirmed_at"] for r in response.json()["attendance"]}
    assert set(rows) == {firms[0].pk, firms[4].pk} and rows[firms[0].pk] is not None
    assert set(Activity.objects.get().attendees.all()) == {firms[0], firms[4]}


def test_patch_type_by_slug_and_bad_input(api, officer, network, firms, activity):
    api.force_authenticate(officer)
    assert api.patch(one(activity), {"type": "trade_fair"}, format="json").json()["type"] == (
        "trade_fair"
    )
    response = api.patch(one(activity), {"cost": "-3"}, format="json")
    assert response.status_code == 400 and response.json() == {
        "cost": [str(A.ACTIVITY_COST_NEGATIVE)]
    }
    assert Activity.objects.get().cost == 0


def test_delete(api, facilitator, activity, media, django_capture_on_commit_callbacks):
    AttachmentFactory(activity=activity)
    api.force_authenticate(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(one(activity)).status_code == 204
    assert not Activity.objects.exists() and stored_files(media) == []


# --- attachments ----------------------------------------------------------------------------


def test_upload_an_attachment(api, facilitator, firm_user, activity, media):
    api.force_authenticate(facilitator)
    upload = SimpleUploadedFile("Lista.pdf", PDF, content_type="application/octet-stream")
    response = api.post(attachments(activity), {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert response.json() == {
        "id": attachment.pk,
        "name": "Lista.pdf",
        "size": len(PDF),
        "content_type": "application/pdf",
        "download_url": f"http://testserver/api/v1/attachments/{attachment.pk}/download/",
    }
    api.force_authenticate(firm_user)
    body = api.get(one(activity)).json()
    assert body["attachments"] == [response.json()]
    download = api.get(body["attachments"][0]["download_url"], HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert 'filename="Lista.pdf"' in download["Content-Disposition"]


def test_api_download_is_404_to_outsiders_and_401_to_anonymous(
    api, outsider_firm_user, activity, media
):
    address = f"/api/v1/attachments/{AttachmentFactory(activity=activity).pk}/download/"
    assert api.get(address).status_code == 401
    api.force_authenticate(outsider_firm_user)
    assert api.get(address).status_code == 404


def test_executable_renamed_pdf_is_refused(api, facilitator, activity, media):
    api.force_authenticate(facilitator)
    upload = SimpleUploadedFile("minutes.pdf", ELF, content_type="application/pdf")
    response = api.post(attachments(activity), {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": [str(UPLOAD_TYPE_REFUSED)]}
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_upload_without_a_file_is_400(api, facilitator, activity, media):
    api.force_authenticate(facilitator)
    response = api.post(attachments(activity), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


# --- attendance confirmation ----------------------------------------------------------------


def test_firm_user_confirms_its_own_attendance(api, firm_user, member_firm, activity):
    api.force_authenticate(firm_user)
    response = api.post(f"/api/v1/activities/{activity.pk}/confirm-attendance/")
    assert response.status_code == 200
    assert (response.json()["firm"], response.json()["confirmed_by"]) == (
        member_firm.pk, firm_user.pk,
    )  # fmt: skip
    assert Attendance.objects.filter(activity=activity, confirmed_at__isnull=False).count() == 1


def test_confirming_without_attending_or_for_others(api, firm_user, facilitator, network, firms):
    activity = ActivityFactory(network=network, attendees=firms[1:])
    address = f"/api/v1/activities/{activity.pk}/confirm-attendance/"
    api.force_authenticate(firm_user)
    response = api.post(address)
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [str(A.ATTENDANCE_NOT_ATTENDEE)]}
    api.force_authenticate(facilitator)
    assert api.post(address).status_code == 403
    assert not Attendance.objects.filter(confirmed_at__isnull=False).exists()
