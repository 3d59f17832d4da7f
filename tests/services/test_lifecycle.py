"""The lifecycle rules of domain.md section 3, through the services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from networks.lib.dates import add_months
from networks.lib.taxid import RUT_BAD_CHECK_DIGIT
from networks.models import (
    Application,
    ApplicationEvent,
    Firm,
    ImmutableRowError,
    ManagerAppointment,
    Membership,
    Network,
    PhaseTransition,
)
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import firms as firm_services
from networks.services import lifecycle as L
from networks.services import lifecycle as lifecycle_services
from networks.services.common import PHASE_MOVE_NOT_ALLOWED, ConflictError, phase_transition
from networks.services.firms import FIRM_TAX_ID_TAKEN
from tests import builders, factories

pytestmark = pytest.mark.django_db
SALARY = Decimal("1500000")


def messages(exc_info) -> list[str]:
    return [str(m) for m in exc_info.value.messages]


# --- creating networks and firms ------------------------------------------------------------


def test_facilitator_creates_network_in_own_agency(facilitator, programme):
    network = lifecycle_services.network_create(
        actor=facilitator, programme=programme, name="Muebleros de Talca", region="Maule",
        commune="Talca", sector="Furniture",
    )  # fmt: skip
    assert network.facilitator == facilitator
    assert network.phase == Network.Phase.PREPARATION
    assert network.application.status == Application.Status.DRAFT
    assert network.locality == "Talca, Maule"


def test_facilitator_cannot_create_in_another_agency(facilitator):
    other_programme = factories.ProgrammeFactory()
    with pytest.raises(PermissionDenied):
        lifecycle_services.network_create(
            actor=facilitator, programme=other_programme, name="X", region="R", sector="S"
        )
    assert not Network.objects.exists()


def test_firm_members_cannot_register_firms(firm_user):
    with pytest.raises(PermissionDenied):
        firm_services.firm_create(actor=firm_user, name="Nueva", tax_id="76.123.456-0")


def test_staff_cannot_name_another_agencys_facilitator(officer, programme):
    stranger = factories.FacilitatorFactory()
    with pytest.raises(ValidationError) as err:
        lifecycle_services.network_create(actor=officer, programme=programme, name="N", region="R",
                                sector="S", facilitator=stranger)  # fmt: skip
    assert err.value.message_dict == {"facilitator": [str(L.FACILITATOR_OTHER_AGENCY)]}


def test_manager_must_be_of_the_networks_agency(network, officer):
    builders.approved_network(network, officer)
    with pytest.raises(ValidationError) as err:
        lifecycle_services.manager_appoint(network=network, person=factories.FacilitatorFactory(),
                                 actor=officer, start=timezone.localdate(),
                                 monthly_salary=SALARY)  # fmt: skip
    assert err.value.message_dict == {"manager": [str(L.FACILITATOR_OTHER_AGENCY)]}


def test_network_create_names_every_missing_field(officer, programme):
    with pytest.raises(ValidationError) as err:
        lifecycle_services.network_create(
            actor=officer, programme=programme, name=" ", region="", sector=""
        )
    assert set(err.value.message_dict) == {"name", "region", "sector", "facilitator"}


def test_firm_create_with_bad_rut_check_digit_is_refused(facilitator):
    with pytest.raises(ValidationError) as err:
        firm_services.firm_create(actor=facilitator, name="Mueblería Soto", tax_id="76.123.456-1")
    assert err.value.message_dict["tax_id"] == [str(RUT_BAD_CHECK_DIGIT)]
    assert not Firm.objects.exists()


def test_firm_create_normalises_rut_and_refuses_duplicates(facilitator):
    firm = firm_services.firm_create(
        actor=facilitator, name="Mueblería Soto", tax_id="76.123.456-0", employees=12
    )
    assert firm.tax_id == "76123456-0"
    assert firm.tax_id_display == "76.123.456-0"
    assert firm.size_class == "small"
    with pytest.raises(ValidationError) as err:
        firm_services.firm_create(actor=facilitator, name="Otra", tax_id="761234560")
    assert err.value.message_dict["tax_id"] == [str(FIRM_TAX_ID_TAKEN)]


def test_firm_outside_chile_accepts_other_tax_ids(facilitator):
    firm = firm_services.firm_create(
        actor=facilitator, name="Taller", tax_id="20-12345678-3", country="AR"
    )
    assert firm.tax_id == "20-12345678-3"


# --- membership ----------------------------------------------------------------------------


def test_firm_cannot_be_active_member_twice_but_may_join_two_networks(facilitator, network):
    firm = factories.FirmFactory()
    lifecycle_services.membership_add(network=network, firm=firm, actor=facilitator)
    with pytest.raises(ValidationError) as err:
        lifecycle_services.membership_add(network=network, firm=firm, actor=facilitator)
    assert str(L.MEMBER_ALREADY_ACTIVE % {"firm": firm.name}) in messages(err)
    second = factories.NetworkFactory(programme=network.programme, facilitator=facilitator)
    lifecycle_services.membership_add(network=second, firm=firm, actor=facilitator)
    assert Membership.objects.filter(firm=firm, left_on__isnull=True).count() == 2


def test_in_preparation_removing_a_firm_needs_no_reason(facilitator, network):
    firm = factories.MembershipFactory(network=network).firm
    assert (
        lifecycle_services.membership_remove(network=network, firm=firm, actor=facilitator) is None
    )
    assert not Membership.objects.filter(network=network).exists()


def test_after_approval_leaving_needs_a_reason_and_keeps_history(officer, network):
    builders.consolidating_network(network, officer)
    firm = network.memberships.first().firm
    with pytest.raises(ValidationError) as err:
        lifecycle_services.membership_remove(network=network, firm=firm, actor=network.facilitator)
    assert messages(err) == [str(L.MEMBER_LEAVE_REASON_REQUIRED)]
    membership = lifecycle_services.membership_remove(
        network=network, firm=firm, actor=network.facilitator, reason="Closed the workshop"
    )
    assert membership.left_on == timezone.localdate()
    assert membership.leave_reason == "Closed the workshop"
    # It can rejoin later: the constraint only forbids two *active* memberships.
    lifecycle_services.membership_add(network=network, firm=firm, actor=network.facilitator)
    assert Membership.objects.filter(network=network, firm=firm).count() == 2


def test_dropping_under_minimum_in_consolidation_is_flagged_not_blocked(officer, network):

    builders.consolidating_network(network, officer)
    firm = network.memberships.first().firm
    lifecycle_services.membership_remove(
        network=network, firm=firm, actor=officer, reason="Moved away"
    )
    row = lifecycle_selectors.network_list(user=officer).get(pk=network.pk)
    assert row.member_count == 9
    assert lifecycle_selectors.below_minimum(row)


def test_firm_member_cannot_change_membership(firm_user, network):
    with pytest.raises(PermissionDenied):
        lifecycle_services.membership_add(
            network=network, firm=factories.FirmFactory(), actor=firm_user
        )


def test_changes_are_refused_while_under_review(network):
    builders.submitted_network(network)
    with pytest.raises(ConflictError) as err:
        lifecycle_services.membership_add(
            network=network, firm=factories.FirmFactory(), actor=network.facilitator
        )
    assert err.value.messages == [str(L.APPLICATION_UNDER_REVIEW)]
    with pytest.raises(ConflictError):
        lifecycle_services.diagnosis_save(network=network, actor=network.facilitator, problems="x")


# --- diagnosis and goals ---------------------------------------------------------------------


def test_diagnosis_save_and_profile(facilitator, network):
    diagnosis = lifecycle_services.diagnosis_save(
        network=network, actor=facilitator, problems=" Isolation ", technology_level=1
    )
    assert diagnosis.problems == "Isolation"
    assert diagnosis.profile is None  # not all nine rated yet
    with pytest.raises(ValidationError) as err:
        lifecycle_services.diagnosis_save(network=network, actor=facilitator, trust=7)
    assert "trust" in err.value.message_dict


def test_goal_create_validates_fields(facilitator, network):
    with pytest.raises(ValidationError) as err:
        lifecycle_services.goal_create(network=network, actor=facilitator, horizon="long", title="",
                             due_date=None)  # fmt: skip
    assert set(err.value.message_dict) == {"horizon", "title", "due_date"}
    goal = lifecycle_services.goal_create(
        network=network, actor=facilitator, horizon="short", title="Buy together",
        due_date=add_months(timezone.localdate(), 6), indicator="firms", baseline=Decimal(0),
        target=Decimal(8),
    )  # fmt: skip
    lifecycle_services.goal_update(goal=goal, actor=facilitator, target=Decimal(10))
    goal.refresh_from_db()
    assert goal.target == Decimal(10)
    lifecycle_services.goal_delete(goal=goal, actor=facilitator)
    assert not network.goals.exists()


# --- submitting ------------------------------------------------------------------------------


def test_submit_lists_every_unmet_condition(facilitator, network):
    with pytest.raises(ValidationError) as err:
        lifecycle_services.application_submit(network=network, actor=facilitator)
    assert messages(err) == [
        str(L.MEMBERS_OUT_OF_BOUNDS % {"min": 10, "max": 30, "count": 0}),
        str(L.DIAGNOSIS_INCOMPLETE),
        L.SHORT_GOAL_MISSING % {"months": 12},
        L.MEDIUM_GOAL_MISSING % {"months": 36},
    ]
    assert Application.objects.get(network=network).status == Application.Status.DRAFT
    assert not ApplicationEvent.objects.exists()


@pytest.mark.parametrize("count, ok", [(9, False), (10, True), (30, True), (31, False)])
def test_member_bounds(facilitator, network, count, ok):
    builders.add_members(network, count)
    builders.complete_diagnosis(network)
    builders.add_goals(network)
    if ok:
        application = lifecycle_services.application_submit(network=network, actor=facilitator)
        assert application.status == Application.Status.SUBMITTED
    else:
        with pytest.raises(ValidationError) as err:
            lifecycle_services.application_submit(network=network, actor=facilitator)
        assert messages(err) == [
            str(L.MEMBERS_OUT_OF_BOUNDS % {"min": 10, "max": 30, "count": count})
        ]


def test_bounds_are_programme_settings(facilitator, network):
    network.programme.min_firms, network.programme.max_firms = 5, 8
    network.programme.save()
    builders.submittable_network(network, members=6)
    assert (
        lifecycle_services.application_submit(network=network, actor=facilitator).status
        == "submitted"
    )


def test_goals_must_be_measurable_and_within_horizon(facilitator, network):
    builders.add_members(network, 10)
    builders.complete_diagnosis(network)
    short, medium = builders.add_goals(network)
    short.due_date = add_months(timezone.localdate(), 13)  # too late for a short goal
    short.save()
    medium.baseline = None  # not measurable
    medium.save()
    with pytest.raises(ValidationError) as err:
        lifecycle_services.application_submit(network=network, actor=facilitator)
    assert messages(err) == [
        L.SHORT_GOAL_MISSING % {"months": 12},
        L.MEDIUM_GOAL_MISSING % {"months": 36},
    ]


def test_submit_mails_agency_staff(facilitator, network, officer, agency_admin, mailoutbox,
                                   jobs):  # fmt: skip
    builders.submittable_network(network)
    outsider = factories.AgencyStaffFactory()
    lifecycle_services.application_submit(network=network, actor=facilitator)
    assert mailoutbox == []  # nothing is sent inside the service: a job per mail
    assert len(jobs.deferred("notification_mail")) == 2
    jobs.run()
    recipients = sorted(to for mail in mailoutbox for to in mail.to)
    assert recipients == sorted([officer.email, agency_admin.email])
    assert outsider.email not in recipients
    assert network.name in mailoutbox[0].subject


def test_submitting_twice_conflicts(facilitator, network):
    builders.submitted_network(network)
    with pytest.raises(ConflictError) as err:
        lifecycle_services.application_submit(network=network, actor=facilitator)
    assert err.value.messages == [str(L.APPLICATION_NOT_EDITABLE)]


# --- deciding --------------------------------------------------------------------------------


def test_only_agency_staff_of_the_agency_decide(network, facilitator, firm_user,
                                                outsider_officer):  # fmt: skip
    builders.submitted_network(network)
    for actor in (facilitator, firm_user, outsider_officer):
        with pytest.raises(PermissionDenied):
            lifecycle_services.application_decide(
                application=network.application, actor=actor, decision="approve"
            )
    assert Application.objects.get(network=network).status == "submitted"


def test_four_eyes_submitter_cannot_decide(network, officer):
    builders.submittable_network(network)
    lifecycle_services.application_submit(network=network, actor=officer)
    with pytest.raises(ValidationError) as err:
        lifecycle_services.application_decide(
            application=network.application, actor=officer, decision="approve"
        )
    assert messages(err) == [str(L.FOUR_EYES)]
    assert Application.objects.get(network=network).status == "submitted"


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_return_and_reject_need_a_reason(network, officer, decision):
    builders.submitted_network(network)
    with pytest.raises(ValidationError) as err:
        lifecycle_services.application_decide(
            application=network.application, actor=officer, decision=decision, reason="  "
        )
    assert err.value.message_dict == {"reason": [str(L.DECISION_REASON_REQUIRED)]}


def test_unknown_decision_is_refused(network, officer):
    builders.submitted_network(network)
    with pytest.raises(ValidationError) as err:
        lifecycle_services.application_decide(application=network.application, actor=officer,
                                    decision="maybe")  # fmt: skip
    assert err.value.message_dict == {"decision": [str(L.DECISION_UNKNOWN)]}


def test_only_submitted_applications_are_decided(network, officer):
    builders.submittable_network(network)
    application = Application.objects.get(network=network)
    with pytest.raises(ConflictError) as err:
        lifecycle_services.application_decide(
            application=application, actor=officer, decision="approve"
        )
    assert err.value.messages == [str(L.APPLICATION_NOT_SUBMITTED)]


def test_deciding_twice_conflicts(network, officer):
    builders.approved_network(network, officer)
    with pytest.raises(ConflictError) as err:
        lifecycle_services.application_decide(
            application=network.application, actor=officer, decision="reject", reason="late"
        )
    assert err.value.messages == [str(L.APPLICATION_ALREADY_DECIDED)]


def test_approval_rechecks_conditions(network, officer):
    builders.submitted_network(network)
    # A firm vanishes behind the services' back (e.g. fixed by an admin): the rule still holds.
    network.memberships.first().delete()
    with pytest.raises(ValidationError) as err:
        lifecycle_services.application_decide(application=network.application, actor=officer,
                                    decision="approve")  # fmt: skip
    assert messages(err) == [str(L.MEMBERS_OUT_OF_BOUNDS % {"min": 10, "max": 30, "count": 9})]
    assert Application.objects.get(network=network).status == "submitted"


def test_return_then_resubmit_keeps_history(network, officer, mailoutbox, jobs):
    builders.submitted_network(network)
    jobs.run()
    mailoutbox.clear()  # the agency's mail about the submission
    lifecycle_services.application_decide(
        application=network.application, actor=officer, decision="return",
        reason="Add a medium-term export goal",
    )  # fmt: skip
    jobs.run()
    assert [m.to for m in mailoutbox] == [[network.facilitator.email]]
    assert "Add a medium-term export goal" in mailoutbox[0].body
    lifecycle_services.diagnosis_save(network=network, actor=network.facilitator, problems="Better")
    lifecycle_services.application_submit(network=network, actor=network.facilitator)
    lifecycle_services.application_decide(
        application=network.application, actor=officer, decision="approve"
    )
    actions = list(network.application.events.values_list("action", flat=True))
    assert actions == ["submitted", "returned", "submitted", "approved"]


def test_reject_dissolves_network_with_transition(network, officer):
    builders.submitted_network(network)
    lifecycle_services.application_decide(
        application=network.application, actor=officer, decision="reject", reason="No basis"
    )
    network.refresh_from_db()
    assert network.phase == Network.Phase.DISSOLVED
    transition = network.transitions.get()
    assert (transition.from_phase, transition.to_phase) == ("preparation", "dissolved")
    assert "No basis" in transition.reason


# --- the manager -----------------------------------------------------------------------------


def test_appoint_first_manager_starts_consolidation_and_term(network, officer):
    builders.approved_network(network, officer)
    start = datetime.date(2026, 3, 15)
    appointment = lifecycle_services.manager_appoint(
        network=network, person=network.facilitator, actor=officer, start=start,
        monthly_salary=SALARY,
    )  # fmt: skip
    network.refresh_from_db()
    assert network.phase == Network.Phase.CONSOLIDATION
    assert network.term_start == start
    assert network.handover_due == datetime.date(2029, 3, 15)
    assert appointment.end_date is None
    transition = network.transitions.get()
    assert (transition.from_phase, transition.to_phase, transition.actor) == (
        "preparation", "consolidation", officer,
    )  # fmt: skip


def test_appointment_may_carry_a_past_date(network, officer):
    builders.approved_network(network, officer)
    lifecycle_services.manager_appoint(network=network, person=network.facilitator, actor=officer,
                             start=datetime.date(2019, 1, 31), monthly_salary=SALARY)  # fmt: skip
    network.refresh_from_db()
    assert network.handover_due == datetime.date(2022, 1, 31)


def test_term_length_is_a_programme_setting(network, officer):
    network.programme.term_months = 24
    network.programme.save()
    builders.consolidating_network(network, officer, start=datetime.date(2026, 1, 1))
    assert network.handover_due == datetime.date(2028, 1, 1)


def test_appoint_needs_approved_application(network, officer):
    builders.submitted_network(network)
    with pytest.raises(ValidationError) as err:
        lifecycle_services.manager_appoint(network=network, person=network.facilitator, actor=officer,
                                 start=timezone.localdate(), monthly_salary=SALARY)  # fmt: skip
    assert messages(err) == [str(L.APPLICATION_NOT_APPROVED)]
    network.refresh_from_db()
    assert network.phase == "preparation"


def test_appointing_twice_conflicts(network, officer):
    builders.consolidating_network(network, officer)
    with pytest.raises(ConflictError) as err:
        lifecycle_services.manager_appoint(network=network, person=network.facilitator, actor=officer,
                                 start=timezone.localdate(), monthly_salary=SALARY)  # fmt: skip
    assert err.value.messages == [str(L.MANAGER_ALREADY_APPOINTED)]
    assert ManagerAppointment.objects.filter(network=network).count() == 1


def test_appoint_validates_person_salary_and_date(network, officer, firm_user):
    builders.approved_network(network, officer)
    with pytest.raises(ValidationError) as err:
        lifecycle_services.manager_appoint(
            network=network, person=firm_user, actor=officer,
            start=add_months(timezone.localdate(), 13), monthly_salary=Decimal("-1"),
        )  # fmt: skip
    assert err.value.message_dict == {
        "manager": [str(L.MANAGER_NOT_FACILITATOR)],
        "monthly_salary": [str(L.MANAGER_SALARY_INVALID)],
        "start_date": [str(L.MANAGER_START_TOO_FAR)],
    }


def test_facilitator_and_firm_cannot_appoint(network, officer, firm_user):
    builders.approved_network(network, officer)
    for actor in (network.facilitator, firm_user):
        with pytest.raises(PermissionDenied):
            lifecycle_services.manager_appoint(network=network, person=network.facilitator, actor=actor,
                                     start=timezone.localdate(), monthly_salary=SALARY)  # fmt: skip


def test_replacing_manager_keeps_the_clock(network, officer):
    start = datetime.date(2025, 6, 1)
    builders.consolidating_network(network, officer, start=start)
    due = network.handover_due
    newcomer = factories.FacilitatorFactory(agency=officer.agency)
    with pytest.raises(ValidationError) as err:
        lifecycle_services.manager_replace(network=network, person=newcomer, actor=officer,
                                 start=datetime.date(2026, 1, 1), monthly_salary=SALARY,
                                 reason="")  # fmt: skip
    assert err.value.message_dict == {"reason": [str(L.MANAGER_REPLACE_REASON_REQUIRED)]}
    lifecycle_services.manager_replace(network=network, person=newcomer, actor=officer,
                             start=datetime.date(2026, 1, 1), monthly_salary=SALARY,
                             reason="Moved to Santiago")  # fmt: skip
    network.refresh_from_db()
    assert (network.term_start, network.handover_due) == (start, due)
    assert network.facilitator == newcomer
    old, new = network.appointments.order_by("start_date")
    assert old.end_date == datetime.date(2026, 1, 1) and old.end_reason == "Moved to Santiago"
    assert new.end_date is None
    assert network.transitions.count() == 1  # no phase change


def test_replace_without_manager_conflicts(network, officer):
    builders.approved_network(network, officer)
    with pytest.raises(ConflictError) as err:
        lifecycle_services.manager_replace(network=network, person=network.facilitator, actor=officer,
                                 start=timezone.localdate(), monthly_salary=SALARY,
                                 reason="x")  # fmt: skip
    assert err.value.messages == [str(L.MANAGER_NONE_YET)]


# --- phases ----------------------------------------------------------------------------------


def test_dissolve_from_each_phase_with_reason(officer):
    preparation = factories.NetworkFactory(programme__agency=officer.agency)
    consolidation = builders.consolidating_network(
        factories.NetworkFactory(programme__agency=officer.agency), officer
    )
    for network in (preparation, consolidation):
        with pytest.raises(ValidationError) as err:
            lifecycle_services.network_dissolve(network=network, actor=officer, reason="")
        assert messages(err) == [str(L.DISSOLVE_REASON_REQUIRED)]
        lifecycle_services.network_dissolve(
            network=network, actor=officer, reason="Group fell apart"
        )
        network.refresh_from_db()
        assert network.phase == "dissolved"
        assert network.transitions.last().reason == "Group fell apart"
        with pytest.raises(ConflictError):
            lifecycle_services.network_dissolve(network=network, actor=officer, reason="again")
    assert not ManagerAppointment.objects.filter(end_date__isnull=True).exists()


def test_only_agency_staff_dissolve(network, facilitator, firm_user, outsider_officer):
    for actor in (facilitator, firm_user, outsider_officer):
        with pytest.raises(PermissionDenied):
            lifecycle_services.network_dissolve(network=network, actor=actor, reason="x")


@pytest.mark.parametrize(
    "start, to",
    [
        ("preparation", "independence"),  # skipping
        ("consolidation", "preparation"),  # backwards
        ("independence", "consolidation"),
        ("dissolved", "preparation"),
        ("dissolved", "dissolved"),
    ],
)
def test_no_phase_goes_backwards_or_skips(network, officer, start, to):
    Network.objects.filter(pk=network.pk).update(phase=start)
    network.refresh_from_db()
    with pytest.raises(ConflictError) as err:
        phase_transition(network=network, to_phase=to, actor=officer)
    assert err.value.messages == [
        str(PHASE_MOVE_NOT_ALLOWED % {"from": Network.Phase(start).label,
                                      "to": Network.Phase(to).label})
    ]  # fmt: skip
    assert not PhaseTransition.objects.exists()


def test_phase_transitions_are_immutable(network, officer):
    builders.consolidating_network(network, officer)
    transition = network.transitions.get()
    transition.reason = "rewritten"
    with pytest.raises(ImmutableRowError):
        transition.save()
    with pytest.raises(ImmutableRowError):
        transition.delete()
    event = ApplicationEvent.objects.first()
    with pytest.raises(ImmutableRowError):
        event.delete()


def test_dissolved_network_cannot_be_changed(network, officer, facilitator):
    lifecycle_services.network_dissolve(network=network, actor=officer, reason="Ended")
    with pytest.raises(ConflictError) as err:
        lifecycle_services.goal_create(network=network, actor=facilitator, horizon="short", title="x",
                             due_date=timezone.localdate())  # fmt: skip
    assert err.value.messages == [str(L.NETWORK_CLOSED)]


def test_admin_shows_transitions_read_only(client, network, officer):
    from django.contrib.auth import get_user_model

    builders.consolidating_network(network, officer)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-long-enough")
    client.force_login(admin)
    transition = network.transitions.get()
    url = f"/admin/networks/phasetransition/{transition.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="reason"' not in response.content  # shown, not editable
    response = client.post(url, {"reason": "rewritten"})
    assert response.status_code == 403
    assert (
        client.post(f"/admin/networks/phasetransition/{transition.pk}/delete/").status_code == 403
    )
    transition.refresh_from_db()
    assert transition.reason != "rewritten"
