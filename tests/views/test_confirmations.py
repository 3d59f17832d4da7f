"""The pages of a firm's answer: the e-mailed link's page (no login; GET changes nothing), the
facilitator's record page and reminders, and how an answer shows afterwards."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from networks.lib import links
from networks.models import (
    Attendance,
    AttendanceDecline,
    JointActionDecline,
    JointActionParticipant,
    Notification,
)
from networks.selectors import confirmations as confirmation_selectors
from networks.services import confirmations as C
from networks.services import joint_actions as joint_action_services
from networks.views.common import FORM_ALREADY_SAVED, FORM_TOKEN_FIELD
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def firms(network, member_firm):
    return [member_firm, *builders.open_for_joint_actions(network, members=3)]


@pytest.fixture
def contact(firms):
    return factories.FirmMemberFactory(
        username="ana", first_name="Ana", last_name="Soto", firm=firms[1], language="en"
    )


@pytest.fixture
def logged(network, firm_user, firms, contact):
    return joint_action_services.joint_action_log(
        network=network, actor=firm_user, type="joint_purchasing", title="Timber together",
        firms=firms[:3], status="done",
    )  # fmt: skip


def row_of(joint_action, firm):
    return JointActionParticipant.objects.filter(joint_action=joint_action, firm=firm).first()


def link_url(row, user) -> str:
    token = links.make(links.Link("j", row.pk, row.joint_action_id, row.firm_id, user.pk))
    return reverse("networks:confirmation-link", args=[token])


def url(name, *args):
    return reverse(f"networks:{name}", args=args)


# --- the link's page ------------------------------------------------------------------------


def test_opening_the_link_changes_nothing_and_says_what_is_confirmed(
    client, logged, network, firms, contact
):
    address = link_url(row_of(logged, firms[1]), contact)
    for _ in range(2):  # a mail scanner, then the person
        response = client.get(address)
        assert response.status_code == 200
    html = response.content.decode()
    for text in (network.name, "Timber together", firms[0].name, firms[1].name, firms[2].name):
        assert text in html
    assert 'value="confirm"' in html and 'value="decline"' in html
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert row_of(logged, firms[1]).confirmed_at is None
    assert not JointActionDecline.objects.exists()


def test_the_post_confirms_without_a_login_then_shows_the_answer(client, logged, firms, contact):
    address = link_url(row_of(logged, firms[1]), contact)
    response = client.post(address, {"answer": "confirm"}, follow=True)
    assert shows(response, "Thank you: your answer is recorded.")
    assert shows(response, "This link has been used")
    assert "Ana Soto" in response.content.decode()
    assert 'value="confirm"' not in response.content.decode()
    row = row_of(logged, firms[1])
    assert row.confirmed_by == contact and row.confirmation_method == "link"


def test_a_second_post_changes_nothing_and_says_why(client, logged, firms, contact):
    address = link_url(row_of(logged, firms[1]), contact)
    client.post(address, {"answer": "confirm"})
    response = client.post(address, {"answer": "decline"}, follow=True)
    assert shows(response, C.ALREADY_ANSWERED % {"firm": firms[1].name})
    assert row_of(logged, firms[1]).confirmed_at is not None
    assert not JointActionDecline.objects.exists()


def test_a_post_without_an_answer_changes_nothing(client, logged, firms, contact):
    address = link_url(row_of(logged, firms[1]), contact)
    assert client.post(address, {"answer": "maybe"}).status_code == 200
    assert row_of(logged, firms[1]).confirmed_at is None


def test_an_altered_link_says_so_with_a_login_link(client, logged, firms, contact):
    response = client.get(link_url(row_of(logged, firms[1]), contact)[:-3] + "xx/")
    assert response.status_code == 404
    assert shows(response, confirmation_selectors.LINK_INVALID)
    assert reverse("login") in response.content.decode()
    assert client.post(reverse("networks:confirmation-link", args=["x"]), {"answer": "confirm"})
    assert row_of(logged, firms[1]).confirmed_at is None


def test_the_page_speaks_the_recipients_language(client, logged, firms, contact):
    contact.language = "es"
    contact.save(update_fields=["language"])
    html = client.get(link_url(row_of(logged, firms[1]), contact)).content.decode()
    assert "¿Participó su empresa?" in html


def test_the_decline_button_removes_the_firm_and_tells_the_logger(
    client, logged, firms, contact, firm_user
):
    client.post(link_url(row_of(logged, firms[1]), contact), {"answer": "decline"})
    assert row_of(logged, firms[1]) is None
    assert Notification.objects.filter(recipient=firm_user, kind="joint_action_declined").exists()


# --- after confirming: the state, not a lone red button --------------------------------------


def test_after_confirming_the_firm_sees_who_confirmed_and_a_small_change(
    client, logged, network, firms, contact
):
    joint_action_services.joint_action_confirm(joint_action=logged, actor=contact)
    client.force_login(contact)
    html = client.get(url("joint-action-detail", network.pk, logged.pk)).content.decode()
    assert f"{firms[1].name} took part" in html and "by Ana Soto on" in html
    assert "<summary>Change the answer</summary>" in html
    assert html.index("<summary>Change the answer</summary>") < html.index(
        "did not take part</button>"
    )


# --- recorded by the facilitator ------------------------------------------------------------


def test_the_facilitator_records_by_phone_and_it_shows_as_such(
    client, logged, network, firms, facilitator, media
):
    client.force_login(facilitator)
    address = url("participation-record", network.pk, logged.pk)
    page = client.get(address + f"?firm={firms[2].pk}")
    assert page.status_code == 200 and firms[2].name in page.content.decode()
    paper = SimpleUploadedFile("acta.pdf", PDF, content_type="application/pdf")
    response = client.post(
        address,
        {"firm": firms[2].pk, "answer": "confirm", "method": "phone", "note": "Pedro",
         "evidence": paper},
        follow=True,
    )  # fmt: skip
    assert shows(response, f"{firms[2].name}'s answer is recorded.")
    assert "recorded by the facilitator (by phone)" in response.content.decode()
    row = row_of(logged, firms[2])
    assert row.confirmed_by == facilitator and row.recorded_on_behalf
    download = client.get(url("confirmation-evidence", network.pk, "participant", row.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    listing = client.get(url("joint-action-list", network.pk)).content.decode()
    assert "1 recorded by the facilitator" in listing


def test_the_record_form_names_what_is_missing(client, logged, network, firms, facilitator):
    client.force_login(facilitator)
    response = client.post(
        url("participation-record", network.pk, logged.pk), {"firm": firms[2].pk}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "answer" in errors and "method" in errors
    assert row_of(logged, firms[2]).confirmed_at is None


def test_a_firm_user_cannot_record_or_remind(client, logged, network, firms, firm_user):
    client.force_login(firm_user)
    assert client.get(url("participation-record", network.pk, logged.pk)).status_code == 403
    response = client.post(url("participation-remind", network.pk, logged.pk), {"firm": 1})
    assert response.status_code == 403


def test_an_outsider_gets_404(client, logged, network, outsider_facilitator):
    client.force_login(outsider_facilitator)
    assert client.get(url("participation-record", network.pk, logged.pk)).status_code == 404


def test_the_facilitator_reminds_a_firm(client, logged, network, firms, facilitator, contact):
    client.force_login(facilitator)
    before = Notification.objects.filter(recipient=contact).count()
    response = client.post(
        url("participation-remind", network.pk, logged.pk), {"firm": firms[1].pk}, follow=True
    )
    assert shows(response, "Reminder sent, with a new link, to 1 people.")
    assert Notification.objects.filter(recipient=contact).count() == before + 1
    response = client.post(
        url("participation-remind", network.pk, logged.pk), {"firm": firms[2].pk}, follow=True
    )
    assert shows(response, C.REMIND_NO_USERS % {"firm": firms[2].name})


# --- attendance: one truth ------------------------------------------------------------------


@pytest.fixture
def held(network, firms):
    return builders.activity(network, firms[1], firms[2], date=timezone.localdate())


def test_the_activity_page_shows_attended_and_each_firms_answer(
    client, held, network, firms, facilitator, contact
):
    Attendance.objects.filter(activity=held, firm=firms[1]).update(
        confirmed_at=timezone.now(), confirmed_by=contact, confirmation_method="link"
    )
    client.force_login(facilitator)
    html = client.get(url("activity-detail", network.pk, held.pk)).content.decode()
    assert "✓ confirmed by the firm" in html and "(through the e-mailed link)" in html
    assert html.count("attended; the firm has not confirmed") == 1
    assert "Record its answer" in html and "Send the link again" in html


def test_a_firm_says_it_was_not_there_and_no_longer_counts(client, held, network, firms, contact):
    client.force_login(contact)
    html = client.get(url("activity-detail", network.pk, held.pk)).content.decode()
    assert f"{firms[1].name} was not there" in html
    response = client.post(url("attendance-decline", network.pk, held.pk), follow=True)
    assert shows(response, "You said your firm was not there. The facilitator sees it.")
    assert not Attendance.objects.filter(activity=held, firm=firms[1]).exists()
    assert AttendanceDecline.objects.filter(activity=held, firm=firms[1]).exists()
    assert "Firms that said they were not there" in response.content.decode()


def test_the_firm_home_lists_activities_and_joint_actions_waiting(
    client, held, logged, firms, contact
):
    client.force_login(contact)
    html = client.get(reverse("networks:home"), follow=True).content.decode()
    assert "2 items wait for your confirmation" in html
    assert "Timber together" in html and held.title in html
    assert "Confirm we attended" in html


def test_the_facilitator_records_attendance(client, held, network, firms, facilitator):
    client.force_login(facilitator)
    response = client.post(
        url("attendance-record", network.pk, held.pk),
        {"firm": firms[2].pk, "answer": "decline", "method": "in_person"},
        follow=True,
    )
    assert shows(response, f"{firms[2].name}'s answer is recorded.")
    assert "recorded by the facilitator (in person)" in response.content.decode()
    assert not Attendance.objects.filter(activity=held, firm=firms[2]).exists()


def test_a_declines_paper_is_linked_for_the_facilitator_only(
    client, held, network, firms, facilitator, contact, media
):
    paper = SimpleUploadedFile("no-fue.pdf", PDF, content_type="application/pdf")
    C.attendance_record(
        activity=held, firm_id=firms[1].pk, actor=facilitator, confirm=False, method="paper",
        evidence=paper,
    )  # fmt: skip
    decline = AttendanceDecline.objects.get()
    address = url("confirmation-evidence", network.pk, "attendance-decline", decline.pk)
    client.force_login(facilitator)
    html = client.get(url("activity-detail", network.pk, held.pk)).content.decode()
    assert address in html and "no-fue.pdf" in html
    assert b"".join(client.get(address).streaming_content) == PDF
    assert client.get(url("confirmation-evidence", network.pk, "nothing", 1)).status_code == 404
    client.force_login(contact)
    assert address not in client.get(url("activity-detail", network.pk, held.pk)).content.decode()
    assert client.get(address).status_code == 403


LINK_PAGE_QUERIES = 5  # the joint action, its participants, a decline, the recipient, membership
RECORD_PAGE_QUERIES = 6  # session, user, network, joint action, participants, the bell


def test_the_answer_pages_do_not_grow_with_the_firms(
    client, logged, network, firms, contact, facilitator, django_assert_max_num_queries
):
    address = link_url(row_of(logged, firms[1]), contact)
    record = url("participation-record", network.pk, logged.pk)
    client.force_login(facilitator)
    for more in (0, 20):
        JointActionParticipant.objects.bulk_create(
            JointActionParticipant(joint_action=logged, firm=firm)
            for firm in builders.add_members(network, more)
        )
        with django_assert_max_num_queries(RECORD_PAGE_QUERIES):
            assert client.get(record).status_code == 200
        client.logout()
        with django_assert_max_num_queries(LINK_PAGE_QUERIES):
            assert client.get(address).status_code == 200
        client.force_login(facilitator)


def test_a_decline_recorded_twice_by_a_double_click_is_recorded_once(
    client, logged, network, firms, facilitator
):
    client.force_login(facilitator)
    address = url("participation-record", network.pk, logged.pk)
    page = client.get(address).content.decode()
    token = re.search(rf'name="{FORM_TOKEN_FIELD}" value="([^"]+)"', page).group(1)
    data = {"firm": firms[2].pk, "answer": "decline", "method": "phone", FORM_TOKEN_FIELD: token}
    first = client.post(address, data)
    second = client.post(address, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert shows(client.get(second["Location"]), FORM_ALREADY_SAVED)
    assert JointActionDecline.objects.filter(joint_action=logged, firm=firms[2]).count() == 1
