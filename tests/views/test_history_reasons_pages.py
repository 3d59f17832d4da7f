"""History you can rely on, through the pages: the forms ask for a reason when a record others
rely on changes (the rule in the help text), the corrections of payments, goal values and firm
figures, and the audit history showing attendance, participants, the handover and the reasons.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import (
    Activity,
    Attendance,
    FirmIndicator,
    GoalActual,
    Handover,
    JointActionParticipant,
    Membership,
    Payment,
)
from networks.services import history as H
from networks.services import term as T
from tests import factories
from tests.builders import activity_type, participants, term_network
from tests.factories import ActivityFactory, GoalFactory, JointActionFactory
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(network, officer, member_firm):
    return term_network(network, officer, months=30, pay=False)


def firms_of(network) -> list:
    return [m.firm for m in Membership.objects.filter(network=network).order_by("firm_id")]


def history_page(client, officer, network) -> str:
    client.force_login(officer)
    return client.get(reverse("networks:network-history", args=[network.pk])).content.decode()


# --- activities -----------------------------------------------------------------------------


@pytest.fixture
def confirmed_activity(running, member_firm, firm_user):
    activity = ActivityFactory(network=running, title="Kiln visit", attendees=firms_of(running)[:3])
    Attendance.objects.filter(activity=activity, firm=member_firm).update(
        confirmed_by=firm_user, confirmed_at=timezone.now()
    )
    return activity


def _activity_data(activity, **changes):
    return {
        "type": activity.type_id, "title": activity.title, "date": activity.date.isoformat(),
        "attendees": [a.firm_id for a in activity.attendance.all()], "cost": "0", **changes,
    }  # fmt: skip


def test_editing_a_confirmed_activity_asks_why(client, facilitator, officer, running,
                                              confirmed_activity):  # fmt: skip
    url = reverse("networks:activity-edit", args=[running.pk, confirmed_activity.pk])
    client.force_login(facilitator)
    page = client.get(url)
    assert shows(page, H.ACTIVITY_REASON_HELP)
    assert page.context["form"].fields["reason"].required
    data = _activity_data(confirmed_activity, title="Kiln visit, day 2")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [str(H.ACTIVITY_REASON_REQUIRED)]
    assert Activity.objects.get().title == "Kiln visit"
    response = client.post(url, {**data, "reason": "It was the second day."})
    assert response.status_code == 302
    html = history_page(client, officer, running)
    assert "It was the second day." in html


def test_an_unconfirmed_activity_is_edited_without_a_reason(client, facilitator, running):
    activity = ActivityFactory(network=running, title="Kiln visit", attendees=firms_of(running)[:2])
    url = reverse("networks:activity-edit", args=[running.pk, activity.pk])
    client.force_login(facilitator)
    assert not client.get(url).context["form"].fields["reason"].required
    assert client.post(url, _activity_data(activity, title="Pricing")).status_code == 302


def test_deleting_a_confirmed_activity_asks_why(client, facilitator, running, confirmed_activity):
    url = reverse("networks:activity-delete", args=[running.pk, confirmed_activity.pk])
    client.force_login(facilitator)
    assert shows(client.get(url), H.ACTIVITY_REASON_HELP)
    response = client.post(url, {})
    assert response.status_code == 200 and Activity.objects.exists()
    assert client.post(url, {"reason": "Logged twice."}).status_code == 302
    assert not Activity.objects.exists()
    gone = Attendance.history.filter(activity_id=confirmed_activity.pk, history_type="-")
    assert {h.history_change_reason for h in gone} == {"Logged twice."}


def test_the_history_shows_attendance_and_its_confirmation(client, officer, running, facilitator,
                                                           firm_user):  # fmt: skip
    client.force_login(facilitator)
    firms = firms_of(running)
    data = {
        "type": activity_type(running).pk,
        "title": "Costing",
        "cost": "0",
        "date": timezone.localdate().isoformat(),
        "attendees": [f.pk for f in firms[:2]],
    }
    client.post(reverse("networks:activity-create", args=[running.pk]), data)
    activity = Activity.objects.get()
    client.force_login(firm_user)
    client.post(reverse("networks:attendance-confirm", args=[running.pk, activity.pk]))
    client.force_login(officer)
    response = client.get(reverse("networks:network-history", args=[running.pk]))
    kinds = [(e.kind, e.action) for e in response.context["page"].object_list]
    assert kinds[0] == ("attendance", "changed")  # the confirmation, newest first
    assert kinds.count(("attendance", "created")) == 2
    assert f"{firm_user.firm.name} · Costing" in response.content.decode()


# --- joint actions --------------------------------------------------------------------------


def test_a_joint_action_confirmed_by_another_firm_asks_why(client, running, firm_user,
                                                           member_firm):  # fmt: skip
    other = next(f for f in firms_of(running) if f != member_firm)
    joint_action = JointActionFactory(
        network=running, logged_by=firm_user, logged_by_firm=member_firm, title="Timber"
    )
    participants(joint_action, [member_firm, other], confirmed=[member_firm, other])
    url = reverse("networks:joint-action-edit", args=[running.pk, joint_action.pk])
    client.force_login(firm_user)
    page = client.get(url)
    assert shows(page, H.JOINT_ACTION_REASON_HELP)
    data = {"type": joint_action.type.slug, "title": "Pine", "firms": [member_firm.pk, other.pk],
            "status": "planned", "value": "0"}  # fmt: skip
    response = client.post(url, data)
    assert response.context["form"].errors["reason"] == [str(H.JOINT_ACTION_REASON_REQUIRED)]
    assert client.post(url, {**data, "reason": "Pine, not oak."}).status_code == 302
    assert joint_action.history.latest().history_change_reason == "Pine, not oak."
    assert JointActionParticipant.objects.filter(joint_action=joint_action).count() == 2


# --- payments -------------------------------------------------------------------------------


@pytest.fixture
def payment(running, member_firm, facilitator):
    return T.payment_record(
        network=running, firm=member_firm, actor=facilitator, date=timezone.localdate(),
        amount=Decimal("45000"), reference="TRF 1",
    )  # fmt: skip


def test_correcting_a_payment_always_asks_why(client, facilitator, officer, running, payment):
    ledger = reverse("networks:firm-ledger", args=[running.pk, payment.firm_id])
    url = reverse("networks:payment-edit", args=[running.pk, payment.pk])
    client.force_login(facilitator)
    assert url in client.get(ledger).content.decode()  # the ledger links to the correction
    page = client.get(url)
    assert shows(page, H.PAYMENT_REASON_HELP)
    data = {"date": payment.date.isoformat(), "amount": "4500", "reference": "TRF 1"}
    response = client.post(url, data)
    assert response.context["form"].errors["reason"] == [str(H.PAYMENT_REASON_REQUIRED)]
    response = client.post(url, {**data, "reason": "A zero too many."})
    assert response["Location"] == ledger
    assert Payment.objects.get().amount == Decimal("4500")
    assert "A zero too many." in history_page(client, officer, running)


def test_a_payment_recorded_twice_is_removed_from_its_page(client, facilitator, running, payment):
    url = reverse("networks:payment-edit", args=[running.pk, payment.pk])
    client.force_login(facilitator)
    data = {"date": payment.date.isoformat(), "amount": "45000", "action": "delete"}
    assert client.post(url, data).status_code == 200 and Payment.objects.exists()
    assert client.post(url, {**data, "reason": "Recorded twice."}).status_code == 302
    assert not Payment.objects.exists()
    assert Payment.history.get(history_type="-").history_change_reason == "Recorded twice."


def test_payment_correction_access(client, running, payment, firm_user, outsider_facilitator):
    url = reverse("networks:payment-edit", args=[running.pk, payment.pk])
    assert client.get(url).status_code == 302  # the login page
    client.force_login(firm_user)
    assert client.get(url).status_code == 403
    client.force_login(outsider_facilitator)
    assert client.get(url).status_code == 404
    other = factories.NetworkFactory(programme=running.programme, facilitator=running.facilitator)
    client.force_login(running.facilitator)
    wrong = reverse("networks:payment-edit", args=[other.pk, payment.pk])
    assert client.get(wrong).status_code == 404


# --- goal values and firm figures -----------------------------------------------------------


def test_a_goal_value_is_corrected_freely_for_a_week_then_with_a_reason(client, facilitator,
                                                                        running):  # fmt: skip
    goal = GoalFactory(network=running)
    actual = GoalActual.objects.create(
        goal=goal, period_end=timezone.localdate(), value=Decimal("3"), recorded_by=facilitator
    )
    url = reverse("networks:goal-actual-edit", args=[running.pk, goal.pk, actual.pk])
    client.force_login(facilitator)
    progress = client.get(reverse("networks:goal-progress", args=[running.pk, goal.pk]))
    assert url in progress.content.decode()
    assert client.post(url, {"value": "4"}).status_code == 302
    GoalActual.objects.filter(pk=actual.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=H.GOAL_ACTUAL_GRACE_DAYS + 1)
    )
    response = client.post(url, {"value": "5"})
    assert response.context["form"].errors["reason"] == [str(H.GOAL_ACTUAL_REASON_REQUIRED)]
    assert client.post(url, {"value": "5", "reason": "Audited."}).status_code == 302
    assert GoalActual.objects.get().value == Decimal("5")


def test_firm_figures_are_corrected_by_the_firm_with_a_reason(client, firm_user, member_firm,
                                                              facilitator):  # fmt: skip
    report = FirmIndicator.objects.create(
        firm=member_firm, date=timezone.localdate(), is_baseline=True, employees=12,
        recorded_by=firm_user,
    )  # fmt: skip
    url = reverse("networks:firm-indicator-edit", args=[member_firm.pk, report.pk])
    client.force_login(firm_user)
    assert (
        url
        in client.get(reverse("networks:firm-indicators", args=[member_firm.pk])).content.decode()
    )
    response = client.post(url, {"employees": "14"})
    assert response.context["form"].errors["reason"] == [str(H.INDICATOR_REASON_REQUIRED)]
    assert client.post(url, {"employees": "14", "reason": "Two hires."}).status_code == 302
    report.refresh_from_db()
    assert (report.employees, report.is_baseline) == (14, True)
    assert report.history.latest().history_change_reason == "Two hires."


def test_another_member_firm_cannot_open_the_correction(client, running, member_firm):
    report = FirmIndicator.objects.create(
        firm=member_firm, date=timezone.localdate(), employees=12, recorded_by=running.facilitator
    )
    other = next(f for f in firms_of(running) if f != member_firm)
    client.force_login(factories.FirmMemberFactory(firm=other))
    url = reverse("networks:firm-indicator-edit", args=[member_firm.pk, report.pk])
    assert client.get(url).status_code == 404
    wrong = reverse("networks:firm-indicator-edit", args=[other.pk, report.pk])
    assert client.get(wrong).status_code == 404


# --- the handover ---------------------------------------------------------------------------


def test_replacing_an_open_handover_proposal_asks_why(client, facilitator, running):
    firms = firms_of(running)
    url = reverse("networks:handover-propose", args=[running.pk])
    data = {
        "date": running.handover_due.isoformat(),
        "manager": running.facilitator_id,
        "monthly_salary": "1300000",
        **{f"share_{f.pk}": "10" if i == 0 else "9" for i, f in enumerate(firms)},
    }
    client.force_login(facilitator)
    assert not shows(client.get(url), H.HANDOVER_REASON_HELP)
    assert client.post(url, data).status_code == 302
    assert shows(client.get(url), H.HANDOVER_REASON_HELP)
    response = client.post(url, data)
    assert shows(response, H.HANDOVER_REASON_REQUIRED)
    assert Handover.objects.count() == 1
    assert client.post(url, {**data, "reason": "New salary agreed."}).status_code == 302
    assert list(Handover.objects.order_by("pk").values_list("status", flat=True)) == [
        "withdrawn", "proposed",
    ]  # fmt: skip
