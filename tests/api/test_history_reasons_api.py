"""History you can rely on, through the API: attendance, participants and handover commitments
keep their history, and a change to a record others rely on needs a reason (400 naming
`reason` without one), which the history keeps.

When a record "needs a reason" (networks.services.history):
- an activity, once a member firm has confirmed its attendance;
- a joint action, once a participating firm other than the one that logged it has confirmed;
- a goal actual, once it is more than GOAL_ACTUAL_GRACE_DAYS old or an evaluation of the
  network was recorded after it;
- a payment, always (it settles charged dues);
- a firm's figures, always once recorded;
- a handover proposal, when it replaces an open one (the agency was asked to confirm that one).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from networks.models import (
    Activity,
    Attendance,
    FirmIndicator,
    GoalActual,
    Handover,
    HandoverCommitment,
    JointAction,
    JointActionParticipant,
    Membership,
    Payment,
)
from networks.services import history as H
from tests import factories
from tests.builders import evaluate, term_network
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

REASON = "The attendance sheet was read wrong."


@pytest.fixture
def running(network, officer, member_firm):
    return term_network(network, officer, months=30, pay=False)


def firms_of(network) -> list:
    return [m.firm for m in Membership.objects.filter(network=network).order_by("firm_id")]


def today() -> str:
    return timezone.localdate().isoformat()


def reasons(model, pk) -> list:
    return list(
        model.history.filter(id=pk)
        .order_by("history_date")
        .values_list("history_type", "history_change_reason")
    )


# --- activities and their attendance --------------------------------------------------------


@pytest.fixture
def activity(api, running, facilitator, member_firm):
    firms = firms_of(running)
    other = next(f for f in firms if f != member_firm)
    api.force_authenticate(facilitator)
    body = {"type": "group_workshop", "title": "Costing", "date": today(),
            "attendees": [member_firm.pk, other.pk]}  # fmt: skip
    response = api.post(f"/api/v1/networks/{running.pk}/activities/", body, format="json")
    assert response.status_code == 201
    return Activity.objects.get(pk=response.json()["id"])


def test_attendance_keeps_its_history(api, activity, firm_user, member_firm):
    row = Attendance.objects.get(activity=activity, firm=member_firm)
    assert reasons(Attendance, row.pk) == [("+", None)]
    api.force_authenticate(firm_user)
    assert api.post(f"/api/v1/activities/{activity.pk}/confirm-attendance/").status_code == 200
    history = Attendance.history.filter(id=row.pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~"]
    assert history.last().confirmed_by_id == firm_user.pk


def test_an_unconfirmed_activity_changes_without_a_reason(api, activity, facilitator):
    api.force_authenticate(facilitator)
    response = api.patch(f"/api/v1/activities/{activity.pk}/", {"title": "Pricing"}, "json")
    assert response.status_code == 200
    assert reasons(Activity, activity.pk) == [("+", None), ("~", None)]


def _confirm(api, activity, firm_user):
    api.force_authenticate(firm_user)
    api.post(f"/api/v1/activities/{activity.pk}/confirm-attendance/")


def test_a_confirmed_activity_needs_a_reason(api, activity, facilitator, firm_user, member_firm):
    _confirm(api, activity, firm_user)
    api.force_authenticate(facilitator)
    url = f"/api/v1/activities/{activity.pk}/"
    response = api.patch(url, {"attendees": [member_firm.pk]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [str(H.ACTIVITY_REASON_REQUIRED)]}
    assert Attendance.objects.filter(activity=activity).count() == 2

    response = api.patch(url, {"attendees": [member_firm.pk], "reason": REASON}, format="json")
    assert response.status_code == 200
    assert Attendance.objects.filter(activity=activity).count() == 1
    removed = Attendance.history.filter(activity_id=activity.pk, history_type="-").get()
    assert removed.history_change_reason == REASON
    assert removed.history_user_id == facilitator.pk


def test_a_confirmed_activity_saved_unchanged_needs_no_reason(api, activity, facilitator,
                                                             firm_user):  # fmt: skip
    _confirm(api, activity, firm_user)
    api.force_authenticate(facilitator)
    response = api.patch(f"/api/v1/activities/{activity.pk}/", {"title": "Costing"}, "json")
    assert response.status_code == 200


def test_deleting_a_confirmed_activity_needs_a_reason(api, activity, facilitator, firm_user):
    _confirm(api, activity, firm_user)
    api.force_authenticate(facilitator)
    url = f"/api/v1/activities/{activity.pk}/"
    response = api.delete(url)
    assert response.status_code == 400
    assert response.json() == {"reason": [str(H.ACTIVITY_REASON_REQUIRED)]}
    assert api.delete(url + "?reason=Logged+twice.").status_code == 204
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert reasons(Activity, activity.pk)[-1] == ("-", "Logged twice.")
    gone = Attendance.history.filter(activity_id=activity.pk, history_type="-")
    assert {h.history_change_reason for h in gone} == {"Logged twice."}


# --- joint actions and their participants ---------------------------------------------------


@pytest.fixture
def joint_action(api, running, firm_user, member_firm):
    other = next(f for f in firms_of(running) if f != member_firm)
    api.force_authenticate(firm_user)
    body = {"type": "joint_purchasing", "title": "Timber", "firms": [member_firm.pk, other.pk],
            "status": "planned"}  # fmt: skip
    response = api.post(f"/api/v1/networks/{running.pk}/joint-actions/", body, format="json")
    assert response.status_code == 201, response.json()
    return JointAction.objects.get(pk=response.json()["id"])


def test_participants_keep_their_history(joint_action):
    rows = JointActionParticipant.history.filter(joint_action_id=joint_action.pk)
    assert sorted(h.history_type for h in rows) == ["+", "+"]


def test_the_loggers_own_confirmation_needs_no_reason(api, joint_action, firm_user):
    api.force_authenticate(firm_user)
    response = api.patch(f"/api/v1/joint-actions/{joint_action.pk}/", {"title": "Pine"}, "json")
    assert response.status_code == 200


def test_a_joint_action_another_firm_confirmed_needs_a_reason(api, joint_action, firm_user):
    other = joint_action.participants.exclude(firm=firm_user.firm).get().firm
    api.force_authenticate(factories.FirmMemberFactory(firm=other))
    assert api.post(f"/api/v1/joint-actions/{joint_action.pk}/confirm/").status_code == 200
    api.force_authenticate(firm_user)
    url = f"/api/v1/joint-actions/{joint_action.pk}/"
    response = api.patch(url, {"value": "900000"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [str(H.JOINT_ACTION_REASON_REQUIRED)]}
    response = api.patch(url, {"value": "900000", "reason": "Invoice came in."}, format="json")
    assert response.status_code == 200
    assert reasons(JointAction, joint_action.pk)[-1] == ("~", "Invoice came in.")


# --- payments -------------------------------------------------------------------------------


@pytest.fixture
def payment(api, running, facilitator, member_firm):
    api.force_authenticate(facilitator)
    body = {"firm": member_firm.pk, "date": today(), "amount": "45000", "reference": "TRF 1"}
    response = api.post(f"/api/v1/networks/{running.pk}/payments/", body, format="json")
    return Payment.objects.get(pk=response.json()["id"])


def test_a_payment_always_needs_a_reason(api, payment, facilitator):
    api.force_authenticate(facilitator)
    url = f"/api/v1/payments/{payment.pk}/"
    response = api.patch(url, {"amount": "4500"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [str(H.PAYMENT_REASON_REQUIRED)]}
    response = api.patch(url, {"amount": "4500", "reason": "Typed a zero too many."}, "json")
    assert response.status_code == 200
    assert response.json()["amount"] == "4500.00"
    payment.refresh_from_db()
    assert payment.amount == Decimal("4500")
    assert reasons(Payment, payment.pk) == [("+", None), ("~", "Typed a zero too many.")]


def test_a_payment_recorded_twice_is_removed_with_a_reason(api, payment, facilitator):
    api.force_authenticate(facilitator)
    url = f"/api/v1/payments/{payment.pk}/"
    assert api.delete(url).status_code == 400
    response = api.delete(url, {"reason": "Recorded twice."}, format="json")
    assert response.status_code == 204
    assert not Payment.objects.filter(pk=payment.pk).exists()
    assert reasons(Payment, payment.pk)[-1] == ("-", "Recorded twice.")


def test_payment_rules_still_hold_on_a_change(api, payment, facilitator):
    api.force_authenticate(facilitator)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    body = {"amount": "0", "date": tomorrow, "reason": "x"}
    response = api.patch(f"/api/v1/payments/{payment.pk}/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"amount", "date"}


def test_who_may_see_and_change_a_payment(api, payment, running, member_firm, firm_user,
                                          outsider_facilitator):  # fmt: skip
    url = f"/api/v1/payments/{payment.pk}/"
    body = {"amount": "1", "reason": "x"}
    api.force_authenticate(None)
    assert api.get(url).status_code == 401
    api.force_authenticate(firm_user)  # the paying firm: sees it, cannot change it
    assert api.get(url).json()["amount"] == "45000.00"
    assert api.patch(url, body, format="json").status_code == 403
    assert api.delete(url, {"reason": "x"}, format="json").status_code == 403
    other = next(f for f in firms_of(running) if f != member_firm)
    api.force_authenticate(factories.FirmMemberFactory(firm=other))  # another member: hidden
    assert api.get(url).status_code == 404
    assert api.patch(url, body, format="json").status_code == 404
    api.force_authenticate(outsider_facilitator)
    assert api.get(url).status_code == 404
    assert Payment.objects.get(pk=payment.pk).amount == Decimal("45000")


# --- goal actuals ---------------------------------------------------------------------------


@pytest.fixture
def actual(running, facilitator):
    goal = GoalFactory(network=running)
    return GoalActual.objects.create(
        goal=goal, period_end=timezone.localdate(), value=Decimal("3"), recorded_by=facilitator
    )


def test_a_fresh_goal_actual_changes_without_a_reason(api, actual, facilitator):
    api.force_authenticate(facilitator)
    response = api.patch(f"/api/v1/goal-actuals/{actual.pk}/", {"value": "4"}, format="json")
    assert response.status_code == 200
    assert response.json()["value"] == "4.00"


def test_an_old_goal_actual_needs_a_reason(api, actual, facilitator):
    days = H.GOAL_ACTUAL_GRACE_DAYS + 1
    GoalActual.objects.filter(pk=actual.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    api.force_authenticate(facilitator)
    url = f"/api/v1/goal-actuals/{actual.pk}/"
    response = api.patch(url, {"value": "4"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [str(H.GOAL_ACTUAL_REASON_REQUIRED)]}
    assert api.patch(url, {"value": "4", "reason": "Audited."}, "json").status_code == 200
    assert reasons(GoalActual, actual.pk)[-1] == ("~", "Audited.")


def test_a_goal_actual_an_evaluation_came_after_needs_a_reason(api, actual, running, officer,
                                                                facilitator):  # fmt: skip
    evaluate(running, officer, met=3)
    api.force_authenticate(facilitator)
    response = api.patch(f"/api/v1/goal-actuals/{actual.pk}/", {"value": "4"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]


def test_goal_actuals_are_changed_by_the_facilitator_only(api, actual, firm_user,
                                                          outsider_officer):  # fmt: skip
    url = f"/api/v1/goal-actuals/{actual.pk}/"
    api.force_authenticate(firm_user)
    assert api.get(url).status_code == 200
    assert api.patch(url, {"value": "9"}, format="json").status_code == 403
    api.force_authenticate(outsider_officer)
    assert api.get(url).status_code == 404
    assert GoalActual.objects.get(pk=actual.pk).value == Decimal("3")


# --- firm figures ---------------------------------------------------------------------------


@pytest.fixture
def figures(api, firm_user, member_firm):
    api.force_authenticate(firm_user)
    body = {"date": today(), "is_baseline": True, "employees": 12}
    response = api.post(f"/api/v1/firms/{member_firm.pk}/indicators/", body, format="json")
    return FirmIndicator.objects.get(pk=response.json()["id"])


def test_recorded_figures_always_need_a_reason(api, figures, firm_user):
    api.force_authenticate(firm_user)
    url = f"/api/v1/firm-indicators/{figures.pk}/"
    response = api.patch(url, {"employees": 14}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [str(H.INDICATOR_REASON_REQUIRED)]}
    response = api.patch(url, {"employees": 14, "reason": "Two hires missed."}, format="json")
    assert response.status_code == 200
    assert response.json()["employees"] == 14
    assert reasons(FirmIndicator, figures.pk)[-1] == ("~", "Two hires missed.")


def test_another_member_firm_cannot_reach_the_figures(api, figures, running, member_firm):
    other = next(f for f in firms_of(running) if f != member_firm)
    api.force_authenticate(factories.FirmMemberFactory(firm=other))
    url = f"/api/v1/firm-indicators/{figures.pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"employees": 1, "reason": "x"}, format="json").status_code == 404


# --- handover commitments -------------------------------------------------------------------


def _handover(running, share="10", **extra):
    firms = firms_of(running)
    shares = [share] + [str((Decimal(100) - Decimal(share)) / (len(firms) - 1))] * (len(firms) - 1)
    return {"date": running.handover_due.isoformat(), "manager": running.facilitator_id,
            "monthly_salary": "1300000",
            "commitments": [{"firm": f.pk, "share_percent": s} for f, s in zip(firms, shares, strict=True)],
            **extra}  # fmt: skip


def test_replacing_an_open_proposal_needs_a_reason(api, running, facilitator):
    api.force_authenticate(facilitator)
    url = f"/api/v1/networks/{running.pk}/handover/"
    assert api.post(url, _handover(running), format="json").status_code == 201
    first = Handover.objects.get()
    assert HandoverCommitment.history.filter(handover_id=first.pk, history_type="+").count() == 11

    response = api.post(url, _handover(running, share="20"), format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": [str(H.HANDOVER_REASON_REQUIRED)]}
    assert Handover.objects.count() == 1

    body = _handover(running, share="20", reason="The bakery takes a larger share.")
    assert api.post(url, body, format="json").status_code == 201
    first.refresh_from_db()
    assert first.status == Handover.Status.WITHDRAWN
    assert reasons(Handover, first.pk)[-1] == ("~", "The bakery takes a larger share.")
    assert HandoverCommitment.objects.filter(handover=first).count() == 11  # kept as they were
