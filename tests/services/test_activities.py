"""Activities: who logs them, when, with which firms; attachments; attendance confirmations."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from networks.files.uploads import UPLOAD_TYPE_REFUSED
from networks.lib.dates import add_months, day
from networks.models import Activity, ActivityType, Attachment, Attendance, Membership, Network
from networks.services import activities as A
from networks.services.common import ConflictError
from networks.services.lifecycle import NETWORK_CLOSED
from tests import builders, factories
from tests.builders import activity_type, working_network
from tests.factories import ELF, PDF, PNG, ActivityFactory, AttachmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(network):
    return working_network(network, members=4)


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def log(network, actor, **fields):
    fields.setdefault("type", activity_type(network))
    fields.setdefault("title", "Costing workshop")
    fields.setdefault("date", timezone.localdate())
    return A.activity_log(network=network, actor=actor, **fields)


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


# --- logging --------------------------------------------------------------------------------


def test_facilitator_logs_an_activity_with_its_attendees(network, facilitator, firms):
    host = firms[0]
    activity = log(
        network, facilitator, type=activity_type(network, "factory_visit"), title=" Visit ",
        date=datetime.date(2025, 3, 4), place="Talca", host_firm=host,
        attendees=[firms[1], firms[2], firms[1]], description="Saw the kilns.",
        outcomes="Two firms will share the kiln.", cost=Decimal("150000.50"),
    )  # fmt: skip
    activity.refresh_from_db()
    assert (activity.title, activity.host_firm, activity.created_by) == ("Visit", host, facilitator)
    assert activity.cost == Decimal("150000.50")
    assert set(activity.attendees.all()) == {firms[1], firms[2]}  # the duplicate counted once
    assert not Attendance.objects.filter(confirmed_at__isnull=False).exists()


def test_agency_staff_may_log_too(network, officer, firms):
    assert log(network, officer).created_by == officer


@pytest.mark.parametrize(
    "persona", ["firm_user", "outsider_facilitator", "outsider_officer", "outsider_firm_user"]
)
def test_others_may_not_log(request, network, firms, persona):
    with pytest.raises(PermissionDenied):
        log(network, request.getfixturevalue(persona))
    assert not Activity.objects.exists()


@pytest.mark.parametrize("phase", ["preparation", "dissolved"])
def test_only_in_consolidation_and_independence(network, facilitator, firms, phase):
    Network.objects.filter(pk=network.pk).update(phase=phase)
    network.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        log(network, facilitator)
    assert err.value.messages == [str(A.ACTIVITY_WRONG_PHASE)]
    assert not hasattr(err.value, "error_dict")  # no field: shown above the form
    assert not Activity.objects.exists()


def test_phase_rule_through_the_real_lifecycle(network, facilitator, officer):
    with pytest.raises(ValidationError):
        log(network, facilitator)
    builders.consolidating_network(network, officer)
    members = [m.firm for m in Membership.objects.filter(network=network)]
    activity = log(network, facilitator, attendees=members)
    assert activity.attendance.count() == 10
    Network.objects.filter(pk=network.pk).update(phase="independence")
    network.refresh_from_db()
    assert log(network, facilitator, title="After the handover").pk


def test_date_at_most_a_year_ahead(network, facilitator, firms):
    limit = add_months(timezone.localdate(), 12)
    assert log(network, facilitator, date=limit).date == limit
    with pytest.raises(ValidationError) as err:
        log(network, facilitator, date=limit + datetime.timedelta(days=1))
    assert errors(err) == {"date": [A.ACTIVITY_DATE_TOO_FAR % {"limit": day(limit)}]}
    assert Activity.objects.count() == 1


def test_attendees_must_be_members_on_the_date(network, facilitator, firms):
    day = datetime.date(2025, 5, 10)
    joined_later = factories.MembershipFactory(network=network, joined_on=day.replace(day=11))
    left_before = factories.MembershipFactory(
        network=network, joined_on=datetime.date(2024, 1, 1), left_on=day.replace(day=9)
    )
    left_that_day = factories.MembershipFactory(
        network=network, joined_on=datetime.date(2024, 1, 1), left_on=day
    )
    stranger = factories.FirmFactory(name="Stranger Ltd")
    with pytest.raises(ValidationError) as err:
        log(
            network, facilitator, date=day,
            attendees=[firms[0], joined_later.firm, left_before.firm, stranger],
        )  # fmt: skip
    names = ", ".join(sorted([joined_later.firm.name, left_before.firm.name, stranger.name]))
    message = A.ACTIVITY_ATTENDEES_NOT_MEMBERS % {"date": "10 May 2025", "firms": names}
    assert errors(err) == {"attendees": [message]}
    assert not Activity.objects.exists() and not Attendance.objects.exists()
    # The day a firm leaves, it is still a member.
    assert log(network, facilitator, date=day, attendees=[left_that_day.firm, firms[0]]).pk


def test_factory_visit_needs_a_host_that_is_a_member(network, facilitator, firms):
    visit = activity_type(network, "factory_visit")
    with pytest.raises(ValidationError) as err:
        log(network, facilitator, type=visit)
    assert errors(err) == {"host_firm": [A.ACTIVITY_HOST_REQUIRED]}
    stranger = factories.FirmFactory()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        log(network, facilitator, type=visit, host_firm=stranger)
    assert errors(err) == {
        "host_firm": [A.ACTIVITY_HOST_NOT_MEMBER % {"firm": stranger.name, "date": day(today)}]
    }
    assert log(network, facilitator, type=visit, host_firm=firms[0]).host_firm == firms[0]


def test_type_must_be_an_active_type_of_the_programme(network, facilitator, firms, other_network):
    foreign = activity_type(other_network)
    with pytest.raises(ValidationError) as err:
        log(network, facilitator, type=foreign)
    assert errors(err) == {"type": [A.ACTIVITY_TYPE_INVALID]}
    retired = ActivityType.objects.create(
        programme=network.programme, slug="cooking_class", name="Cooking class", is_active=False
    )
    with pytest.raises(ValidationError):
        log(network, facilitator, type=retired)
    added = ActivityType.objects.create(
        programme=network.programme, slug="mentoring", name="Mentoring"
    )
    activity = log(network, facilitator, type=added)
    assert activity.type.label == "Mentoring"


def test_cost_not_negative_and_title_required(network, facilitator, firms):
    with pytest.raises(ValidationError) as err:
        log(network, facilitator, title="  ", cost=Decimal("-1"))
    assert errors(err) == {
        "title": [A.ACTIVITY_TITLE_REQUIRED],
        "cost": [A.ACTIVITY_COST_NEGATIVE],
    }
    assert log(network, facilitator, cost=None).cost == 0


# --- updating and deleting ------------------------------------------------------------------


def test_update_replaces_attendance_keeping_confirmations(network, facilitator, firms):
    activity = log(network, facilitator, attendees=firms[:3])
    Attendance.objects.filter(activity=activity, firm=firms[0]).update(confirmed_at=timezone.now())
    A.activity_update(
        activity=activity, actor=facilitator, attendees=[firms[0], firms[3]], title="Renamed",
        reason="The sheet was read wrong.",
    )  # fmt: skip
    rows = {row.firm_id: row for row in Attendance.objects.filter(activity=activity)}
    assert set(rows) == {firms[0].pk, firms[3].pk}
    assert rows[firms[0].pk].confirmed_at is not None
    assert rows[firms[3].pk].confirmed_at is None
    assert Activity.objects.get(pk=activity.pk).title == "Renamed"


def test_update_checks_the_same_rules_and_changes_nothing_when_refused(network, facilitator, firms):
    activity = log(network, facilitator, attendees=firms[:2])
    before_join = A.member_ids_on(network, datetime.date(2023, 12, 31))
    assert before_join == set()
    # Moving the date before the firms joined makes the kept attendees invalid.
    with pytest.raises(ValidationError) as err:
        A.activity_update(
            activity=activity, actor=facilitator, date=datetime.date(2023, 12, 31), title="X"
        )
    assert set(errors(err)) == {"attendees"}
    activity.refresh_from_db()
    assert (activity.date, activity.title) == (timezone.localdate(), "Costing workshop")
    stranger = factories.FirmFactory()
    with pytest.raises(ValidationError):
        A.activity_update(activity=activity, actor=facilitator, attendees=[firms[0], stranger])
    assert set(activity.attendees.all()) == {firms[0], firms[1]}


def test_update_keeps_a_retired_type(network, facilitator, firms):
    activity = log(network, facilitator)
    ActivityType.objects.filter(pk=activity.type_id).update(is_active=False)
    A.activity_update(activity=activity, actor=facilitator, title="Still a workshop")
    other_retired = activity_type(network, "trade_fair")
    ActivityType.objects.filter(pk=other_retired.pk).update(is_active=False)
    other_retired.refresh_from_db()
    with pytest.raises(ValidationError):
        A.activity_update(activity=activity, actor=facilitator, type=other_retired)


def test_update_refused_to_firms_and_after_dissolution(network, facilitator, firm_user, firms):
    activity = log(network, facilitator)
    with pytest.raises(PermissionDenied):
        A.activity_update(activity=activity, actor=firm_user, title="Mine")
    Network.objects.filter(pk=network.pk).update(phase="dissolved")
    activity.network.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        A.activity_update(activity=activity, actor=facilitator, title="Late")
    assert err.value.messages == [str(A.ACTIVITY_WRONG_PHASE)]


def test_update_refuses_unknown_fields(network, facilitator, firms):
    with pytest.raises(TypeError):
        A.activity_update(activity=log(network, facilitator), actor=facilitator, network=None)


def test_delete_removes_rows_and_files(
    network, facilitator, firms, media, django_capture_on_commit_callbacks
):
    activity = log(network, facilitator, attendees=firms[:2])
    A.attachment_add(activity=activity, actor=facilitator, upload=SimpleUploadedFile("m.pdf", PDF))
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        A.activity_delete(activity=activity, actor=facilitator)
    assert not Activity.objects.exists() and not Attendance.objects.exists()
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_delete_refused_to_firms(network, facilitator, firm_user, firms):
    activity = log(network, facilitator)
    with pytest.raises(PermissionDenied):
        A.activity_delete(activity=activity, actor=firm_user)
    assert Activity.objects.filter(pk=activity.pk).exists()


# --- attachments ----------------------------------------------------------------------------


def test_attachment_is_stored_under_a_random_name(network, facilitator, firms, media):
    activity = log(network, facilitator)
    attachment = A.attachment_add(
        activity=activity, actor=facilitator, upload=SimpleUploadedFile("Acta firmada.pdf", PDF)
    )
    attachment.refresh_from_db()
    assert attachment.original_name == "Acta firmada.pdf"
    assert (attachment.content_type, attachment.size) == ("application/pdf", len(PDF))
    assert "Acta" not in attachment.file.name and attachment.file.name.startswith("attachments/")
    [path] = stored_files(media)
    assert path.read_bytes() == PDF


def test_executable_renamed_pdf_is_refused_and_nothing_written(network, facilitator, firms, media):
    activity = log(network, facilitator)
    with pytest.raises(ValidationError) as err:
        A.attachment_add(
            activity=activity, actor=facilitator, upload=SimpleUploadedFile("minutes.pdf", ELF)
        )
    assert errors(err) == {"file": [UPLOAD_TYPE_REFUSED]}
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_attachments_only_by_those_who_may_change(network, facilitator, firm_user, firms, media):
    activity = log(network, facilitator)
    with pytest.raises(PermissionDenied):
        A.attachment_add(
            activity=activity, actor=firm_user, upload=SimpleUploadedFile("p.png", PNG)
        )
    attachment = AttachmentFactory(activity=activity)
    with pytest.raises(PermissionDenied):
        A.attachment_delete(attachment=attachment, actor=firm_user)
    assert Attachment.objects.count() == 1 and len(stored_files(media)) == 1


def test_attachment_delete_removes_the_file(
    network, officer, firms, media, django_capture_on_commit_callbacks
):
    attachment = AttachmentFactory(activity=ActivityFactory(network=network))
    with django_capture_on_commit_callbacks(execute=True):
        A.attachment_delete(attachment=attachment, actor=officer)
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_no_attachments_once_dissolved(network, facilitator, firms, media):
    activity = ActivityFactory(network=network)
    Network.objects.filter(pk=network.pk).update(phase="dissolved")
    activity.network.refresh_from_db()
    with pytest.raises(ConflictError) as err:
        A.attachment_add(
            activity=activity, actor=facilitator, upload=SimpleUploadedFile("p.png", PNG)
        )
    assert err.value.messages == [str(NETWORK_CLOSED)]
    assert stored_files(media) == []


# --- attendance confirmations ---------------------------------------------------------------


def test_a_firm_confirms_its_own_attendance(network, facilitator, member_firm, firm_user, firms):
    activity = log(network, facilitator, attendees=[member_firm, firms[0]])
    row = A.attendance_confirm(activity=activity, actor=firm_user)
    assert (row.firm, row.confirmed_by) == (member_firm, firm_user)
    first = row.confirmed_at
    assert A.attendance_confirm(activity=activity, actor=firm_user).confirmed_at == first
    other = Attendance.objects.get(activity=activity, firm=firms[0])
    assert other.confirmed_at is None  # nobody confirms for another firm


def test_a_firm_that_did_not_attend_cannot_confirm(network, facilitator, firm_user, firms):
    activity = log(network, facilitator, attendees=[firms[0]])
    with pytest.raises(ValidationError) as err:
        A.attendance_confirm(activity=activity, actor=firm_user)
    assert err.value.messages == [str(A.ATTENDANCE_NOT_ATTENDEE)]
    assert not Attendance.objects.filter(confirmed_at__isnull=False).exists()


@pytest.mark.parametrize("persona", ["facilitator", "officer"])
def test_only_firm_users_confirm(request, network, member_firm, firms, persona):
    user = request.getfixturevalue(persona)
    activity = log(network, request.getfixturevalue("facilitator"), attendees=[member_firm])
    with pytest.raises(PermissionDenied):
        A.attendance_confirm(activity=activity, actor=user)
    assert not Attendance.objects.filter(confirmed_at__isnull=False).exists()
