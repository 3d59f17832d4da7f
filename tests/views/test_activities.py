"""The activity pages: list, log, edit, detail, delete, attachments, attendance confirmation."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from networks.files.uploads import UPLOAD_TYPE_REFUSED
from networks.lib.dates import day
from networks.models import Activity, Attachment, Attendance, Network
from networks.selectors import network_page
from networks.services import activities as A
from tests import factories
from tests.builders import activity_type, working_network
from tests.factories import ELF, PDF, ActivityFactory, AttachmentFactory
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

LIST_PAGE_QUERIES = (
    8  # session, user, network, type filter, type choices, count, page (+1: the bell)
)
DETAIL_PAGE_QUERIES = 8  # session, user, network, activity, attendance, attachments, declines
# (+1: the bell)
SECTION_QUERIES = 1  # the recent activities with their counts


@pytest.fixture
def firms(network, member_firm):
    return [member_firm, *working_network(network, members=4)]


@pytest.fixture
def activity(network, firms):
    return ActivityFactory(network=network, title="Kiln visit", attendees=firms[:3])


def url(name, *args):
    return reverse(f"networks:{name}", args=args)


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def grow(network, firms, count, attendees=10):
    """`count` activities, each attended by up to `attendees` firms."""
    while len(firms) < attendees:
        firms += working_network(network, members=attendees - len(firms))
    for n in range(count):
        ActivityFactory(
            network=network, title=f"Activity {n}",
            date=timezone.localdate() - datetime.timedelta(days=n), attendees=firms[:attendees],
        )  # fmt: skip


def form_data(network, firms, **overrides):
    data = {
        "type": activity_type(network).pk,
        "title": "Costing workshop",
        "date": timezone.localdate().isoformat(),
        "place": "Talca",
        "attendees": [firm.pk for firm in firms[:2]],
        "description": "Costs and prices.",
        "outcomes": "Three firms will price together.",
        "cost": "25000",
    }
    data.update(overrides)
    return data


# --- access ---------------------------------------------------------------------------------


def _page_urls(network, activity, attachment):
    return [
        ("get", url("activity-list", network.pk)),
        ("get", url("activity-detail", network.pk, activity.pk)),
        ("get", url("activity-create", network.pk)),
        ("post", url("activity-create", network.pk)),
        ("get", url("activity-edit", network.pk, activity.pk)),
        ("post", url("activity-edit", network.pk, activity.pk)),
        ("get", url("activity-delete", network.pk, activity.pk)),
        ("post", url("activity-delete", network.pk, activity.pk)),
        ("post", url("attendance-confirm", network.pk, activity.pk)),
        ("post", url("attachment-add", network.pk, activity.pk)),
        ("get", url("attachment-download", attachment.pk)),
        ("get", url("attachment-delete", attachment.pk)),
        ("post", url("attachment-delete", attachment.pk)),
    ]


@pytest.mark.parametrize(
    "persona", ["outsider_facilitator", "outsider_officer", "outsider_firm_user"]
)
def test_outsiders_get_404_everywhere(client, request, network, activity, media, persona):
    attachment = AttachmentFactory(activity=activity)
    client.force_login(request.getfixturevalue(persona))
    for method, address in _page_urls(network, activity, attachment):
        assert getattr(client, method)(address).status_code == 404, (method, address)
    assert Activity.objects.filter(pk=activity.pk, title="Kiln visit").exists()
    assert Attachment.objects.count() == 1


def test_anonymous_users_go_to_the_login_page(client, network, activity, media):
    attachment = AttachmentFactory(activity=activity)
    for method, address in _page_urls(network, activity, attachment):
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login")), address


def test_firm_member_of_network_a_reaches_nothing_of_network_b(
    client, firm_user, other_network, media
):
    theirs = ActivityFactory(network=other_network)
    attachment = AttachmentFactory(activity=theirs)
    client.force_login(firm_user)
    assert client.get(url("activity-list", other_network.pk)).status_code == 404
    assert client.get(url("activity-detail", other_network.pk, theirs.pk)).status_code == 404
    assert client.get(url("attachment-download", attachment.pk)).status_code == 404


def test_another_networks_activity_is_not_found_under_this_network(
    client, facilitator, network, other_network
):
    theirs = ActivityFactory(network=other_network)
    client.force_login(facilitator)
    assert client.get(url("activity-detail", network.pk, theirs.pk)).status_code == 404
    assert client.post(url("activity-delete", network.pk, theirs.pk)).status_code == 404
    assert Activity.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    "name, method",
    [
        ("activity-create", "get"), ("activity-create", "post"), ("activity-edit", "get"),
        ("activity-edit", "post"), ("activity-delete", "get"), ("activity-delete", "post"),
        ("attachment-add", "post"),
    ],
)  # fmt: skip
def test_firm_members_may_look_but_not_change(client, firm_user, network, activity, name, method):
    args = [network.pk] if name == "activity-create" else [network.pk, activity.pk]
    client.force_login(firm_user)
    assert getattr(client, method)(url(name, *args)).status_code == 403
    assert Activity.objects.get(pk=activity.pk).title == "Kiln visit"


def test_firm_member_may_not_delete_an_attachment(client, firm_user, activity, media):
    attachment = AttachmentFactory(activity=activity)
    client.force_login(firm_user)
    assert client.get(url("attachment-delete", attachment.pk)).status_code == 403
    assert client.post(url("attachment-delete", attachment.pk)).status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()


# --- list -----------------------------------------------------------------------------------


def test_list_newest_first_twenty_a_page(client, firm_user, network, firms):
    grow(network, firms, 23, attendees=2)
    client.force_login(firm_user)
    html = client.get(url("activity-list", network.pk)).content.decode()
    assert "23 activities." in html
    assert html.index("Activity 0<") < html.index("Activity 1<") < html.index("Activity 19<")
    assert "Activity 20<" not in html and "Page 1 of 2" in html
    second = client.get(url("activity-list", network.pk), {"page": 2}).content.decode()
    assert "Activity 22<" in second and "Activity 0<" not in second
    assert "Log an activity" not in html  # a firm member only reads


def test_list_filters_by_type_and_dates(client, facilitator, network, firms):
    today = timezone.localdate()
    ActivityFactory(network=network, title="Old fair", date=today - datetime.timedelta(days=40),
                    type=activity_type(network, "trade_fair"))  # fmt: skip
    ActivityFactory(network=network, title="New fair", date=today,
                    type=activity_type(network, "trade_fair"))  # fmt: skip
    ActivityFactory(network=network, title="A workshop", date=today)
    client.force_login(facilitator)
    html = client.get(
        url("activity-list", network.pk),
        {"type": "trade_fair", "date_from": (today - datetime.timedelta(days=7)).isoformat()},
    ).content.decode()
    assert "New fair" in html and "Old fair" not in html and "A workshop" not in html
    assert "1 activity." in html
    html = client.get(
        url("activity-list", network.pk), {"date_to": (today - datetime.timedelta(days=1))}
    ).content.decode()
    assert "Old fair" in html and "New fair" not in html
    assert "Log an activity" in html


def test_list_invalid_dates_show_a_form_error(client, facilitator, network, firms):
    ActivityFactory(network=network, title="Still listed")
    client.force_login(facilitator)
    response = client.get(url("activity-list", network.pk), {"date_from": "31/02/2025"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"] == ["Enter a valid date."]
    assert shows(response, "Enter a valid date.") and shows(response, "Still listed")
    response = client.get(
        url("activity-list", network.pk), {"date_from": "2025-05-02", "date_to": "2025-05-01"}
    )
    assert response.context["form"].errors["date_to"] == [
        "The start of the range is after its end."
    ]


def test_list_query_count_does_not_grow(
    client, facilitator, network, firms, django_assert_max_num_queries
):
    grow(network, firms, 3)
    client.force_login(facilitator)
    with django_assert_max_num_queries(LIST_PAGE_QUERIES):
        assert "3 activities." in client.get(url("activity-list", network.pk)).content.decode()
    grow(network, firms, 22)
    with django_assert_max_num_queries(LIST_PAGE_QUERIES):
        html = client.get(url("activity-list", network.pk), {"type": "group_workshop"})
    assert "25 activities." in html.content.decode()


# --- logging and editing --------------------------------------------------------------------


def test_facilitator_logs_an_activity(client, facilitator, network, firms):
    client.force_login(facilitator)
    page = client.get(url("activity-create", network.pk)).content.decode()
    assert 'type="date"' in page and 'type="checkbox"' in page
    for firm in firms:
        assert firm.name in page
    assert "factory visit" in page.lower()
    response = client.post(url("activity-create", network.pk), form_data(network, firms))
    activity = Activity.objects.get()
    assert response["Location"] == url("activity-detail", network.pk, activity.pk)
    assert (activity.title, activity.cost, activity.created_by) == (
        "Costing workshop", Decimal("25000"), facilitator,
    )  # fmt: skip
    assert set(activity.attendees.all()) == set(firms[:2])


def test_form_shows_the_services_messages(client, facilitator, network, firms):
    stranger_member = factories.MembershipFactory(
        network=network, joined_on=timezone.localdate() + datetime.timedelta(days=5)
    ).firm
    client.force_login(facilitator)
    data = form_data(
        network, firms, type=activity_type(network, "factory_visit").pk, cost="-5",
        attendees=[firms[0].pk, stranger_member.pk],
    )  # fmt: skip
    response = client.post(url("activity-create", network.pk), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["host_firm"] == [str(A.ACTIVITY_HOST_REQUIRED)]
    assert errors["cost"] == [str(A.ACTIVITY_COST_NEGATIVE)]
    assert errors["attendees"] == [
        A.ACTIVITY_ATTENDEES_NOT_MEMBERS
        % {"date": day(timezone.localdate()), "firms": stranger_member.name}
    ]
    assert not Activity.objects.exists()


def test_future_date_refused_on_the_page(client, facilitator, network, firms):
    client.force_login(facilitator)
    too_far = timezone.localdate() + datetime.timedelta(days=400)
    response = client.post(
        url("activity-create", network.pk), form_data(network, firms, date=too_far.isoformat())
    )
    assert "date" in response.context["form"].errors
    assert shows(response, "The date cannot be more than a year ahead")
    assert not Activity.objects.exists()


def test_wrong_phase_is_said_up_front_and_refused(client, facilitator, network, member_firm):
    client.force_login(facilitator)
    assert shows(client.get(url("activity-create", network.pk)), A.ACTIVITY_WRONG_PHASE)
    response = client.post(url("activity-create", network.pk), form_data(network, [member_firm]))
    assert response.context["form"].non_field_errors() == [str(A.ACTIVITY_WRONG_PHASE)]
    assert not Activity.objects.exists()
    html = client.get(url("network-detail", network.pk)).content.decode()
    assert "Log an activity" not in html


def test_edit_changes_the_activity_and_keeps_confirmations(
    client, facilitator, network, firms, activity
):
    Attendance.objects.filter(activity=activity, firm=firms[0]).update(confirmed_at=timezone.now())
    client.force_login(facilitator)
    page = client.get(url("activity-edit", network.pk, activity.pk)).content.decode()
    assert 'value="Kiln visit"' in page
    data = form_data(
        network, firms, title="Kiln visit, day 2", attendees=[firms[0].pk, firms[4].pk]
    )
    # A firm has confirmed: the form asks why (tests/views/test_history_reasons_pages.py).
    response = client.post(url("activity-edit", network.pk, activity.pk), data)
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    data["reason"] = "Day 2 was a separate visit."
    response = client.post(url("activity-edit", network.pk, activity.pk), data)
    assert response["Location"] == url("activity-detail", network.pk, activity.pk)
    activity.refresh_from_db()
    assert activity.title == "Kiln visit, day 2"
    rows = {row.firm_id: row.confirmed_at for row in activity.attendance.all()}
    assert set(rows) == {firms[0].pk, firms[4].pk} and rows[firms[0].pk] is not None


def test_officer_of_the_agency_may_edit(client, officer, network, firms, activity):
    client.force_login(officer)
    data = form_data(network, firms, title="Checked by the agency")
    client.post(url("activity-edit", network.pk, activity.pk), data)
    assert Activity.objects.get(pk=activity.pk).title == "Checked by the agency"


# --- detail, confirmation, delete -----------------------------------------------------------


def test_detail_query_count_does_not_grow(
    client, firm_user, network, firms, media, django_assert_max_num_queries
):
    activity = ActivityFactory(network=network, attendees=firms[:2])
    AttachmentFactory(activity=activity)
    client.force_login(firm_user)
    address = url("activity-detail", network.pk, activity.pk)
    with django_assert_max_num_queries(DETAIL_PAGE_QUERIES):
        assert client.get(address).status_code == 200
    many = working_network(network, members=20)
    Attendance.objects.bulk_create(Attendance(activity=activity, firm=firm) for firm in many)
    AttachmentFactory.create_batch(5, activity=activity)
    with django_assert_max_num_queries(DETAIL_PAGE_QUERIES):
        html = client.get(address).content.decode()
    assert html.count("the firm has not confirmed") == 22


def test_detail_shows_attendance_in_words(client, facilitator, network, firms, activity, media):
    Attendance.objects.filter(activity=activity, firm=firms[1]).update(confirmed_at=timezone.now())
    attachment = AttachmentFactory(activity=activity, original_name="Lista asistencia.pdf")
    client.force_login(facilitator)
    html = client.get(url("activity-detail", network.pk, activity.pk)).content.decode()
    assert html.count("the firm has not confirmed") == 2
    assert html.count("✓ confirmed by the firm") == 1
    assert url("attachment-download", attachment.pk) in html and "Lista asistencia.pdf" in html
    assert 'enctype="multipart/form-data"' in html  # the upload form
    assert url("activity-edit", network.pk, activity.pk) in html
    assert "Confirm that" not in html


def test_attending_firm_user_confirms_from_the_detail_page(
    client, firm_user, member_firm, network, activity
):
    client.force_login(firm_user)
    html = client.get(url("activity-detail", network.pk, activity.pk)).content.decode()
    assert f"Confirm that {member_firm.name} attended" in html
    assert 'enctype="multipart/form-data"' not in html and "Edit" not in html
    response = client.post(url("attendance-confirm", network.pk, activity.pk), follow=True)
    assert shows(response, "Your firm's attendance is confirmed.")
    row = Attendance.objects.get(activity=activity, firm=member_firm)
    assert row.confirmed_by == firm_user and row.confirmed_at is not None
    name = firm_user.get_full_name() or firm_user.username
    assert f"{member_firm.name} attended: by {name} on" in response.content.decode()
    assert "Confirm that" not in response.content.decode()
    assert Attendance.objects.filter(activity=activity, confirmed_at__isnull=False).count() == 1


def test_firm_that_did_not_attend_gets_the_message(client, firm_user, network, firms):
    activity = ActivityFactory(network=network, attendees=firms[1:3])
    client.force_login(firm_user)
    html = client.get(url("activity-detail", network.pk, activity.pk)).content.decode()
    assert "Confirm that" not in html
    response = client.post(url("attendance-confirm", network.pk, activity.pk), follow=True)
    assert shows(response, A.ATTENDANCE_NOT_ATTENDEE)
    assert not Attendance.objects.filter(confirmed_at__isnull=False).exists()


def test_facilitator_cannot_confirm_for_a_firm(client, facilitator, network, activity):
    client.force_login(facilitator)
    assert client.post(url("attendance-confirm", network.pk, activity.pk)).status_code == 403
    assert not Attendance.objects.filter(confirmed_at__isnull=False).exists()


def test_delete_asks_then_deletes(
    client, facilitator, network, activity, media, django_capture_on_commit_callbacks
):
    AttachmentFactory(activity=activity)
    client.force_login(facilitator)
    page = client.get(url("activity-delete", network.pk, activity.pk))
    assert shows(page, "Delete the activity “Kiln visit”?")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("activity-delete", network.pk, activity.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("activity-list", network.pk)
    assert shows(response, "Activity “Kiln visit” deleted.")
    assert not Activity.objects.exists() and stored_files(media) == []


# --- attachments ----------------------------------------------------------------------------


def test_upload_and_download(client, facilitator, firm_user, network, activity, media):
    client.force_login(facilitator)
    upload = SimpleUploadedFile("Acta reunión.pdf", PDF, content_type="text/html")
    response = client.post(
        url("attachment-add", network.pk, activity.pk), {"file": upload}, follow=True
    )
    assert shows(response, "“Acta reunión.pdf” attached.")
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"  # by content, not the browser's claim
    client.force_login(firm_user)  # anyone who may see the network may download
    download = client.get(url("attachment-download", attachment.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Acta" in download["Content-Disposition"]


def test_executable_renamed_pdf_is_refused_on_the_page(
    client, facilitator, network, activity, media
):
    client.force_login(facilitator)
    upload = SimpleUploadedFile("minutes.pdf", ELF, content_type="application/pdf")
    response = client.post(url("attachment-add", network.pk, activity.pk), {"file": upload})
    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"] == [str(UPLOAD_TYPE_REFUSED)]
    assert shows(response, UPLOAD_TYPE_REFUSED)
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_attachment_url_opened_by_outsider_is_404_and_anonymous_login(
    client, outsider_officer, activity, media
):
    attachment = AttachmentFactory(activity=activity)
    address = url("attachment-download", attachment.pk)
    response = client.get(address)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(outsider_officer)
    assert client.get(address).status_code == 404
    assert client.get(url("attachment-download", 999999)).status_code == 404


def test_missing_file_is_404_not_a_crash(client, facilitator, activity, media):
    attachment = AttachmentFactory(activity=activity)
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(facilitator)
    assert client.get(url("attachment-download", attachment.pk)).status_code == 404


def test_attachment_delete_asks_then_deletes(
    client, officer, network, activity, media, django_capture_on_commit_callbacks
):
    attachment = AttachmentFactory(activity=activity, original_name="photo.pdf")
    client.force_login(officer)
    assert shows(client.get(url("attachment-delete", attachment.pk)), "“photo.pdf”")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("attachment-delete", attachment.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("activity-detail", network.pk, activity.pk)
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_media_url_does_not_serve_files(client, facilitator, activity, media):
    attachment = AttachmentFactory(activity=activity)
    client.force_login(facilitator)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(f"/{attachment.file.name}").status_code == 404


# --- the network page section ---------------------------------------------------------------


def test_network_page_shows_the_last_three(client, facilitator, firm_user, network, firms):
    grow(network, firms, 7, attendees=3)
    client.force_login(facilitator)
    html = client.get(url("network-detail", network.pk)).content.decode()
    section = html[html.index('id="activities-heading"') :]
    assert "Activity 2<" in section and "Activity 3<" not in section
    assert url("activity-list", network.pk) in section
    # Logging one is a next step of the overview, above the latest.
    assert url("activity-create", network.pk) in html and "Log an activity" in html
    client.force_login(firm_user)
    html = client.get(url("network-detail", network.pk)).content.decode()
    assert "Activity 0<" in html and "Log an activity" not in html


def _section_queries(user, network) -> int:
    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        context = network_page.activities_section(network_page.NetworkPage(network, request.user))
        render_to_string("networks/_detail_activities.html", {**context, "network": network})
    return len(queries)


def _page_queries(client, network) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("network-detail", network.pk)).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["facilitator", "officer", "firm_user"])
def test_network_page_section_queries_do_not_grow(client, request, network, firms, persona):
    user = request.getfixturevalue(persona)
    network = Network.objects.select_related("programme__agency").get(pk=network.pk)
    client.force_login(user)
    grow(network, firms, 3)
    small_section, small_page = _section_queries(user, network), _page_queries(client, network)
    grow(network, firms, 22)
    assert Attendance.objects.count() == 250
    assert _section_queries(user, network) == small_section <= SECTION_QUERIES
    assert _page_queries(client, network) == small_page
