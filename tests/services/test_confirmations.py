"""A firm's answer (docs/records.md): through the signed e-mailed link, recorded by the
facilitator, reminders, and attendance declines. The hostile cases first."""

import datetime
import re

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from networks.lib import links
from networks.models import (
    Attendance,
    AttendanceDecline,
    ConfirmationMethod,
    JointActionDecline,
    JointActionParticipant,
    Kind,
    Membership,
    Network,
    Notification,
)
from networks.selectors import confirmations as confirmation_selectors
from networks.services import confirmations as C
from networks.services import joint_actions as joint_action_services
from networks.services.common import ConflictError
from tests import builders, factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def firms(network, member_firm):
    return [member_firm, *builders.open_for_joint_actions(network, members=3)]


@pytest.fixture
def contact(firms):
    """The contact of the second firm: the one who gets the e-mail."""
    return factories.FirmMemberFactory(username="ana", first_name="Ana", firm=firms[1])


@pytest.fixture
def logged(network, firm_user, firms, contact):
    """Firm A (firm_user's) logs a joint action with firms B and C."""
    return joint_action_services.joint_action_log(
        network=network, actor=firm_user, type="joint_purchasing", title="Timber together",
        firms=firms[:3], status="done",
    )  # fmt: skip


def mailed_link(mailoutbox, jobs, to: str) -> str:
    jobs.run()
    mail = next(m for m in mailoutbox if m.to == [to])
    return re.search(r"/answer/([^/\s]+)/", mail.body).group(1)


def token_for(row, user, kind=links.JOINT_ACTION) -> str:
    parent = row.joint_action_id if kind == links.JOINT_ACTION else row.activity_id
    return links.make(links.Link(kind, row.pk, parent, row.firm_id, user.pk))


def row_of(joint_action, firm):
    return JointActionParticipant.objects.filter(joint_action=joint_action, firm=firm).first()


# --- the link -------------------------------------------------------------------------------


def test_the_mail_carries_a_link_that_confirms_for_the_recipients_firm(
    logged, firms, contact, mailoutbox, jobs
):
    token = mailed_link(mailoutbox, jobs, contact.email)
    state = confirmation_selectors.link_state(token)
    assert state.problem == "" and state.answer is None and state.firm_name == firms[1].name
    assert state.firms == sorted(f.name for f in firms[:3])
    C.link_answer(token=token, confirm=True)
    row = row_of(logged, firms[1])
    assert row.confirmed_by == contact and row.confirmation_method == ConfirmationMethod.LINK
    assert not row.recorded_on_behalf
    assert row_of(logged, firms[2]).confirmed_at is None  # C is untouched


def test_a_used_link_shows_the_answer_and_cannot_change_it(logged, firms, contact):
    token = token_for(row_of(logged, firms[1]), contact)
    C.link_answer(token=token, confirm=True)
    with pytest.raises(ConflictError) as err:
        C.link_answer(token=token, confirm=False)
    assert err.value.messages == [str(C.ALREADY_ANSWERED % {"firm": firms[1].name})]
    answer = confirmation_selectors.link_state(token).answer
    assert answer.confirmed and answer.by == contact
    assert row_of(logged, firms[1]).confirmed_at is not None
    assert not JointActionDecline.objects.exists()


def test_a_link_declines_once_and_then_shows_the_decline(logged, firms, contact):
    token = token_for(row_of(logged, firms[1]), contact)
    C.link_answer(token=token, confirm=False)
    assert row_of(logged, firms[1]) is None
    decline = JointActionDecline.objects.get(joint_action=logged, firm=firms[1])
    assert decline.declined_by == contact and decline.confirmation_method == "link"
    state = confirmation_selectors.link_state(token)
    assert state.answer is not None and not state.answer.confirmed
    with pytest.raises(ConflictError):
        C.link_answer(token=token, confirm=True)
    assert JointActionDecline.objects.count() == 1


def test_an_altered_link_changes_nothing(logged, firms, contact):
    token = token_for(row_of(logged, firms[1]), contact)
    for bad in (token[:-2], token + "x", "nonsense", token.replace(":", ";", 1)):
        with pytest.raises(ConflictError) as err:
            C.link_answer(token=bad, confirm=True)
        assert err.value.messages == [str(confirmation_selectors.LINK_INVALID)]
    assert row_of(logged, firms[1]).confirmed_at is None


def test_a_link_for_firm_b_cannot_be_turned_into_one_for_firm_c(logged, firms, contact):
    """The signature covers every id: a payload naming C's row with B's signature is refused,
    and a genuine token's firm must match the row it names."""
    token = token_for(row_of(logged, firms[1]), contact)
    payload, signature = token.rsplit(":", 2)[0], token.rsplit(":", 1)[1]
    other_row = row_of(logged, firms[2])
    forged = signing.dumps(
        ["j", other_row.pk, logged.pk, firms[2].pk, contact.pk], salt="another-salt"
    )
    for bad in (forged, f"{payload}:{signature[:-1]}A"):
        with pytest.raises(ConflictError):
            C.link_answer(token=bad, confirm=True)
    mixed = links.make(links.Link("j", other_row.pk, logged.pk, firms[1].pk, contact.pk))
    with pytest.raises(ConflictError):
        C.link_answer(token=mixed, confirm=True)
    assert (
        not JointActionParticipant.objects.filter(joint_action=logged, confirmed_at__isnull=False)
        .exclude(firm=firms[0])
        .exists()
    )


def test_an_expired_link_changes_nothing(logged, firms, contact, settings, monkeypatch):
    token = token_for(row_of(logged, firms[1]), contact)
    later = timezone.now().timestamp() + settings.CONFIRMATION_LINK_DAYS * 86400 + 60
    monkeypatch.setattr("time.time", lambda: later)
    with pytest.raises(ConflictError) as err:
        C.link_answer(token=token, confirm=True)
    assert err.value.messages == [str(confirmation_selectors.LINK_EXPIRED)]
    assert row_of(logged, firms[1]).confirmed_at is None


def test_a_link_for_a_firm_that_has_left_says_so(logged, network, firms, contact):
    token = token_for(row_of(logged, firms[1]), contact)
    Membership.objects.filter(network=network, firm=firms[1]).update(left_on=timezone.localdate())
    state = confirmation_selectors.link_state(token)
    assert state.problem == str(
        confirmation_selectors.LINK_FIRM_LEFT % {"firm": firms[1].name, "network": network.name}
    )
    with pytest.raises(ConflictError):
        C.link_answer(token=token, confirm=True)
    assert row_of(logged, firms[1]).confirmed_at is None


def test_a_link_for_a_deleted_joint_action_says_so(logged, firms, contact):
    token = token_for(row_of(logged, firms[1]), contact)
    logged.delete()
    state = confirmation_selectors.link_state(token)
    assert state.problem == str(confirmation_selectors.LINK_GONE_JOINT_ACTION)
    with pytest.raises(ConflictError):
        C.link_answer(token=token, confirm=True)


def test_a_link_whose_recipient_left_the_firm_no_longer_works(logged, firms, contact):
    token = token_for(row_of(logged, firms[1]), contact)
    contact.firm = firms[2]
    contact.save(update_fields=["firm"])
    assert "no longer speaks for" in confirmation_selectors.link_state(token).problem
    with pytest.raises(ConflictError):
        C.link_answer(token=token, confirm=True)
    assert row_of(logged, firms[1]).confirmed_at is None


def test_a_link_for_a_firm_taken_off_the_list_says_so(logged, firms, firm_user, contact):
    token = token_for(row_of(logged, firms[1]), contact)
    joint_action_services.joint_action_update(
        joint_action=logged, actor=firm_user, firms=[firms[0], firms[2]]
    )
    assert "is no longer listed" in confirmation_selectors.link_state(token).problem


def test_the_mail_has_no_answer_link_for_other_kinds(network, facilitator, mailoutbox, jobs):
    from networks.services import notifications as notification_services

    notification_services.notify(
        kind=Kind.ARREARS_BEGAN, recipients=[facilitator], network=network, url="/",
        params={"firm": "X", "amount": "1", "row": 1, "parent": 1, "firm_id": 1},
    )  # fmt: skip
    jobs.run()
    assert "/answer/" not in mailoutbox[0].body


# --- recorded by the facilitator ------------------------------------------------------------


def test_the_facilitator_records_a_confirmation_by_phone_with_a_paper(
    logged, network, firms, facilitator, media
):
    paper = SimpleUploadedFile("firma.pdf", PDF, content_type="application/pdf")
    C.participation_record(
        joint_action=logged, firm_id=firms[2].pk, actor=facilitator, confirm=True,
        method="phone", note="  Pedro, 4 April  ", evidence=paper,
    )  # fmt: skip
    row = row_of(logged, firms[2])
    assert row.confirmed_by == facilitator and row.confirmation_method == "phone"
    assert row.recorded_on_behalf and row.confirmation_note == "Pedro, 4 April"
    assert row.confirmation_evidence_name == "firma.pdf" and row.confirmation_evidence


def test_the_facilitator_records_a_decline_on_paper(logged, firms, facilitator):
    C.participation_record(
        joint_action=logged, firm_id=firms[2].pk, actor=facilitator, confirm=False,
        method="paper",
    )  # fmt: skip
    assert row_of(logged, firms[2]) is None
    decline = JointActionDecline.objects.get(firm=firms[2])
    assert decline.declined_by == facilitator and decline.recorded_on_behalf


@pytest.mark.parametrize("who", ["firm_user", "officer", "outsider_facilitator"])
def test_only_the_facilitator_records_for_a_firm(request, logged, firms, who):
    with pytest.raises(PermissionDenied):
        C.participation_record(
            joint_action=logged, firm_id=firms[2].pk, actor=request.getfixturevalue(who),
            confirm=True, method="phone",
        )  # fmt: skip
    assert row_of(logged, firms[2]).confirmed_at is None


def test_recording_needs_how_it_was_obtained_and_a_listed_firm(logged, firms, facilitator):
    with pytest.raises(ValidationError) as err:
        C.participation_record(
            joint_action=logged, firm_id=firms[3].pk, actor=facilitator, confirm=True,
            method="self",
        )  # fmt: skip
    assert err.value.message_dict == {
        "method": [str(C.RECORD_METHOD_REQUIRED)], "firm": [str(C.RECORD_FIRM_NOT_LISTED)],
    }  # fmt: skip
    with pytest.raises(ConflictError):  # A logged it: confirmed at once, nothing to record
        C.participation_record(
            joint_action=logged, firm_id=firms[0].pk, actor=facilitator, confirm=True,
            method="phone",
        )  # fmt: skip


def test_a_refused_file_records_nothing(logged, firms, facilitator, media):
    exe = SimpleUploadedFile("firma.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    with pytest.raises(ValidationError) as err:
        C.participation_record(
            joint_action=logged, firm_id=firms[2].pk, actor=facilitator, confirm=True,
            method="paper", evidence=exe,
        )  # fmt: skip
    assert "evidence" in err.value.message_dict
    assert row_of(logged, firms[2]).confirmed_at is None


def test_after_a_recorded_answer_the_firms_link_shows_it(logged, firms, facilitator, contact):
    token = token_for(row_of(logged, firms[1]), contact)
    C.participation_record(
        joint_action=logged, firm_id=firms[1].pk, actor=facilitator, confirm=True,
        method="in_person",
    )  # fmt: skip
    answer = confirmation_selectors.link_state(token).answer
    assert answer.on_behalf and answer.by == facilitator and answer.method_label == "in person"


# --- reminders ------------------------------------------------------------------------------


def test_a_reminder_sends_a_fresh_link_to_the_firms_users(
    logged, firms, facilitator, contact, mailoutbox, jobs
):
    jobs.run()
    mailoutbox.clear()
    assert C.participation_remind(joint_action=logged, firm_id=firms[1].pk, actor=facilitator) == 1
    token = mailed_link(mailoutbox, jobs, contact.email)
    assert confirmation_selectors.link_state(token).problem == ""


def test_a_firm_without_users_cannot_be_reminded(logged, firms, facilitator):
    with pytest.raises(ConflictError) as err:
        C.participation_remind(joint_action=logged, firm_id=firms[2].pk, actor=facilitator)
    assert err.value.messages == [str(C.REMIND_NO_USERS % {"firm": firms[2].name})]
    assert not Notification.objects.filter(params__firm_id=firms[2].pk).exists()


def test_only_the_facilitator_reminds(logged, firms, firm_user):
    with pytest.raises(PermissionDenied):
        C.participation_remind(joint_action=logged, firm_id=firms[1].pk, actor=firm_user)


# --- attendance -----------------------------------------------------------------------------


@pytest.fixture
def held(network, firms, facilitator, contact):
    """An activity held today that the facilitator recorded B and C attending."""
    from networks.services import activities as activity_services

    return activity_services.activity_log(
        network=network, actor=facilitator, type=builders.activity_type(network),
        title="Taller de costos", date=timezone.localdate(),
        attendees=firms[1:3],
    )  # fmt: skip


def test_attendance_is_asked_of_the_attending_firms_and_answered_by_link(
    held, firms, contact, mailoutbox, jobs
):
    assert Notification.objects.filter(kind=Kind.ATTENDANCE_TO_CONFIRM).count() == 1
    token = mailed_link(mailoutbox, jobs, contact.email)
    state = confirmation_selectors.link_state(token)
    assert state.kind == links.ATTENDANCE and state.problem == ""
    C.link_answer(token=token, confirm=True)
    row = Attendance.objects.get(activity=held, firm=firms[1])
    assert row.confirmed_by == contact and row.confirmation_method == "link"


def test_a_declined_attendance_no_longer_counts(held, firms, contact):
    row = Attendance.objects.get(activity=held, firm=firms[1])
    C.link_answer(token=token_for(row, contact, links.ATTENDANCE), confirm=False)
    assert not Attendance.objects.filter(activity=held, firm=firms[1]).exists()
    assert AttendanceDecline.objects.get(activity=held).firm == firms[1]


def test_an_activity_ahead_asks_nobody(network, firms, facilitator, contact):
    from networks.services import activities as activity_services

    ahead = activity_services.activity_log(
        network=network, actor=facilitator, type=builders.activity_type(network),
        title="Feria", date=timezone.localdate() + datetime.timedelta(days=5),
        attendees=firms[1:3],
    )  # fmt: skip
    assert not Notification.objects.filter(kind=Kind.ATTENDANCE_TO_CONFIRM).exists()
    row = Attendance.objects.get(activity=ahead, firm=firms[1])
    state = confirmation_selectors.link_state(token_for(row, contact, links.ATTENDANCE))
    assert "once it has taken place" in state.problem


def test_the_firm_declines_its_own_attendance(held, firms, contact):
    C.attendance_decline(activity=held, actor=contact)
    assert not Attendance.objects.filter(activity=held, firm=firms[1]).exists()
    assert AttendanceDecline.objects.get().confirmation_method == "self"
    with pytest.raises(ValidationError):
        C.attendance_decline(activity=held, actor=contact)


def test_the_facilitator_records_attendance_in_person(held, firms, facilitator):
    C.attendance_record(
        activity=held, firm_id=firms[2].pk, actor=facilitator, confirm=True, method="in_person"
    )
    row = Attendance.objects.get(activity=held, firm=firms[2])
    assert row.recorded_on_behalf and row.confirmed_by == facilitator


def test_nothing_is_answered_in_a_dissolved_network(held, network, firms, contact, facilitator):
    Network.objects.filter(pk=network.pk).update(phase=Network.Phase.DISSOLVED)
    held.network.phase = Network.Phase.DISSOLVED
    row = Attendance.objects.get(activity=held, firm=firms[1])
    with pytest.raises(ConflictError):
        C.link_answer(token=token_for(row, contact, links.ATTENDANCE), confirm=True)
    assert Attendance.objects.get(pk=row.pk).confirmed_at is None


# --- the periodic reminder ------------------------------------------------------------------


def test_a_firm_that_has_not_answered_after_a_week_is_reminded_once(logged, firms, contact):
    asked = timezone.localdate()
    assert C.answer_reminders_send(today=asked) == 0  # not a week yet
    week_later = asked + datetime.timedelta(days=7)
    assert C.answer_reminders_send(today=week_later) == 1  # B's contact; C has no user
    reminders = Notification.objects.filter(recipient=contact, kind=Kind.JOINT_ACTION_TO_CONFIRM)
    assert reminders.count() == 2  # the first request and the reminder
    assert C.answer_reminders_send(today=week_later + datetime.timedelta(days=1)) == 0
    # Past the link's life, nobody is reminded (a new joint action's firm still is).
    assert C.answer_reminders_send(today=asked + datetime.timedelta(days=40)) == 0


def test_a_firm_that_answered_is_not_reminded(logged, firms, contact):
    C.link_answer(token=token_for(row_of(logged, firms[1]), contact), confirm=True)
    assert C.answer_reminders_send(today=timezone.localdate() + datetime.timedelta(days=8)) == 0


def test_attendance_not_answered_is_reminded_once(held, firms, contact):
    later = timezone.localdate() + datetime.timedelta(days=7)
    assert C.answer_reminders_send(today=later) == 1
    assert C.answer_reminders_send(today=later) == 0
    assert Notification.objects.filter(kind=Kind.ATTENDANCE_TO_CONFIRM).count() == 2


def test_no_answer_is_recorded_or_asked_for_an_activity_ahead(network, firms, facilitator):
    ahead = builders.activity(
        network, firms[1], date=timezone.localdate() + datetime.timedelta(days=3)
    )
    for call in (
        lambda: C.attendance_record(
            activity=ahead, firm_id=firms[1].pk, actor=facilitator, confirm=True, method="phone"
        ),
        lambda: C.attendance_remind(activity=ahead, firm_id=firms[1].pk, actor=facilitator),
    ):
        with pytest.raises(ConflictError) as err:
            call()
        assert "once it has taken place" in err.value.messages[0]
    assert Attendance.objects.get(activity=ahead).confirmed_at is None


def test_the_mail_is_in_the_recipients_language_with_its_own_link(
    network, firm_user, firms, mailoutbox, jobs
):
    ana = factories.FirmMemberFactory(firm=firms[1], language="es", email="ana@example.cl")
    joe = factories.FirmMemberFactory(firm=firms[2], language="en", email="joe@example.com")
    joint_action_services.joint_action_log(
        network=network, actor=firm_user, type="joint_purchasing", title="Madera",
        firms=firms[:3], status="done",
    )  # fmt: skip
    jobs.run()
    by_to = {m.to[0]: m for m in mailoutbox}
    assert "Responda con un clic" in by_to[ana.email].body
    assert "Answer with one click" in by_to[joe.email].body
    tokens = {to: re.search(r"/answer/([^/\s]+)/", m.body).group(1) for to, m in by_to.items()}
    assert links.read(tokens[ana.email]).firm_id == firms[1].pk
    assert links.read(tokens[joe.email]).user_id == joe.pk
