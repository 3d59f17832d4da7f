"""Services: a goal's period actuals (with evidence) and a firm's indicators."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from networks.files.uploads import UPLOAD_TYPE_REFUSED
from networks.models import Attachment, FirmIndicator, GoalActual, Network
from networks.services import progress as P
from networks.services.common import ConflictError
from networks.services.lifecycle import NETWORK_CLOSED
from tests import factories
from tests.builders import days_ago
from tests.factories import FirmIndicatorFactory, GoalFactory, pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def goal(network):
    return GoalFactory(network=network)


def errors(exc_info) -> dict:
    return {
        field: [str(m) for m in messages] for field, messages in exc_info.value.message_dict.items()
    }


# --- goal actuals ---------------------------------------------------------------------------


def test_the_facilitator_records_a_periods_value(goal, facilitator):
    actual = P.goal_actual_record(
        goal=goal, actor=facilitator, period_end=days_ago(1), value=Decimal("3.5"),
        comment="  Three firms bought timber together. ",
    )  # fmt: skip
    row = GoalActual.objects.get()
    assert (row.pk, row.value, row.period_end, row.recorded_by) == (
        actual.pk, Decimal("3.5"), days_ago(1), facilitator,
    )  # fmt: skip
    assert row.comment == "Three firms bought timber together."


def test_agency_staff_may_record_too(goal, officer):
    P.goal_actual_record(goal=goal, actor=officer, period_end=days_ago(1), value=Decimal("1"))
    assert GoalActual.objects.filter(recorded_by=officer).exists()


def test_one_value_per_period(goal, facilitator):
    P.goal_actual_record(goal=goal, actor=facilitator, period_end=days_ago(30), value=Decimal("1"))
    with pytest.raises(ValidationError) as exc:
        P.goal_actual_record(
            goal=goal, actor=facilitator, period_end=days_ago(30), value=Decimal("2")
        )
    assert list(errors(exc)) == ["period_end"]
    assert "There is already a value for the period ending" in errors(exc)["period_end"][0]
    assert GoalActual.objects.get().value == Decimal("1")


def test_a_period_that_has_not_ended_is_refused(goal, facilitator):
    with pytest.raises(ValidationError) as exc:
        P.goal_actual_record(goal=goal, actor=facilitator, period_end=days_ago(-1), value=1)
    assert errors(exc) == {"period_end": [str(P.ACTUAL_PERIOD_IN_FUTURE)]}


@pytest.mark.parametrize("persona", ["firm_user", "outsider_facilitator", "outsider_officer"])
def test_only_those_who_may_change_the_network_record(request, goal, persona):
    with pytest.raises(PermissionDenied):
        P.goal_actual_record(
            goal=goal, actor=request.getfixturevalue(persona), period_end=days_ago(1), value=1
        )
    assert not GoalActual.objects.exists()


def test_a_dissolved_networks_goals_take_no_values(goal, facilitator, network):
    Network.objects.filter(pk=network.pk).update(phase=Network.Phase.DISSOLVED)
    goal.network.refresh_from_db()
    with pytest.raises(ConflictError) as exc:
        P.goal_actual_record(goal=goal, actor=facilitator, period_end=days_ago(1), value=1)
    assert str(exc.value) == str(NETWORK_CLOSED)


def test_evidence_is_stored_with_the_value(goal, facilitator):
    actual = P.goal_actual_record(
        goal=goal, actor=facilitator, period_end=days_ago(1), value=1, evidence=pdf("acta.pdf")
    )
    attachment = Attachment.objects.get()
    assert attachment.goal_actual == actual and attachment.activity is None
    assert (attachment.original_name, attachment.content_type) == ("acta.pdf", "application/pdf")
    assert attachment.uploaded_by == facilitator
    assert "acta" not in attachment.file.name  # stored under a random name
    assert attachment.file.read().startswith(b"%PDF-")


def test_bad_evidence_refuses_the_whole_value(goal, facilitator):
    fake = SimpleUploadedFile("acta.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    with pytest.raises(ValidationError) as exc:
        P.goal_actual_record(
            goal=goal, actor=facilitator, period_end=days_ago(1), value=1, evidence=fake
        )
    assert errors(exc) == {"evidence": [str(UPLOAD_TYPE_REFUSED)]}
    assert not GoalActual.objects.exists() and not Attachment.objects.exists()


# --- firm indicators ------------------------------------------------------------------------


def record(firm, actor, date, is_baseline=False, **figures):
    return P.firm_indicator_record(
        firm=firm, actor=actor, date=date, is_baseline=is_baseline, **figures
    )


def test_the_firm_records_its_baseline_and_a_follow_up(member_firm, firm_user):
    record(member_firm, firm_user, days_ago(200), True, employees=10,
           annual_sales=Decimal("1000000"), notes=" first ")  # fmt: skip
    record(member_firm, firm_user, days_ago(10), employees=12, certifications=1)
    rows = list(FirmIndicator.objects.order_by("date"))
    assert [(r.is_baseline, r.employees, r.recorded_by) for r in rows] == [
        (True, 10, firm_user), (False, 12, firm_user),
    ]  # fmt: skip
    assert rows[0].notes == "first" and rows[1].annual_sales is None


@pytest.mark.parametrize("persona", ["facilitator", "officer"])
def test_the_facilitator_and_the_agency_record_a_members_figures(request, member_firm, persona):
    actor = request.getfixturevalue(persona)
    record(member_firm, actor, days_ago(3), True, employees=4)
    assert FirmIndicator.objects.get().recorded_by == actor


def test_another_member_firm_may_not_record(network, member_firm):
    other = factories.MembershipFactory(network=network).firm
    other_user = factories.FirmMemberFactory(firm=other)
    with pytest.raises(PermissionDenied):
        record(member_firm, other_user, days_ago(3), True, employees=4)
    assert not FirmIndicator.objects.exists()


@pytest.mark.parametrize(
    "field, value, label",
    [
        ("employees", -1, "Employees"),
        ("annual_sales", Decimal("-0.01"), "Annual sales"),
        ("exports", Decimal("-5"), "Exports"),
        ("average_wage", Decimal("-1"), "Average monthly wage"),
        ("people_trained", -2, "People trained"),
        ("certifications", -1, "Certifications held"),
        ("technologies", -1, "Technologies adopted"),
    ],
)
def test_negative_figures_are_refused_naming_the_figure(member_firm, firm_user, field, value,
                                                        label):  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        record(member_firm, firm_user, days_ago(3), True, **{field: value})
    assert errors(exc) == {field: [f"{label} cannot be negative."]}
    assert not FirmIndicator.objects.exists()


def test_a_second_baseline_is_refused(member_firm, firm_user):
    record(member_firm, firm_user, days_ago(100), True, employees=3)
    with pytest.raises(ValidationError) as exc:
        record(member_firm, firm_user, days_ago(50), True, employees=4)
    assert list(errors(exc)) == ["is_baseline"]
    assert "already has a baseline" in errors(exc)["is_baseline"][0]
    assert FirmIndicator.objects.count() == 1


def test_a_follow_up_before_the_baseline_is_refused(member_firm, firm_user):
    record(member_firm, firm_user, days_ago(100), True, employees=3)
    with pytest.raises(ValidationError) as exc:
        record(member_firm, firm_user, days_ago(150), employees=4)
    assert list(errors(exc)) == ["date"]
    assert "cannot be dated before the baseline" in errors(exc)["date"][0]


def test_a_baseline_after_existing_follow_ups_is_refused(member_firm, firm_user):
    record(member_firm, firm_user, days_ago(100), employees=3)
    with pytest.raises(ValidationError) as exc:
        record(member_firm, firm_user, days_ago(50), True, employees=4)
    assert "A baseline must come before the follow-ups" in errors(exc)["date"][0]
    record(member_firm, firm_user, days_ago(150), True, employees=2)  # before them: fine
    assert FirmIndicator.objects.filter(is_baseline=True).count() == 1


def test_a_date_in_the_future_is_refused(member_firm, firm_user):
    with pytest.raises(ValidationError) as exc:
        record(member_firm, firm_user, days_ago(-1), True, employees=3)
    assert errors(exc) == {"date": [str(P.INDICATOR_DATE_IN_FUTURE)]}


def test_one_report_per_date(member_firm, firm_user):
    FirmIndicatorFactory(firm=member_firm, date=days_ago(5), employees=1)
    with pytest.raises(ValidationError) as exc:
        record(member_firm, firm_user, days_ago(5), employees=3)
    assert "already has figures dated" in errors(exc)["date"][0]


def test_exports_above_sales_and_empty_reports_are_refused(member_firm, firm_user):
    with pytest.raises(ValidationError) as exc:
        record(member_firm, firm_user, days_ago(5), True, annual_sales=Decimal("10"),
               exports=Decimal("11"))  # fmt: skip
    assert errors(exc) == {"exports": [str(P.INDICATOR_EXPORTS_ABOVE_SALES)]}
    with pytest.raises(ValidationError) as exc:
        record(member_firm, firm_user, days_ago(5), True, notes="nothing to say")
    assert errors(exc) == {P.NON_FIELD: [str(P.INDICATOR_EMPTY)]}
    assert not FirmIndicator.objects.exists()


# --- which network a report is for, and what the firm shares ---------------------------------


def test_a_firm_in_two_networks_chooses_or_keeps_the_figures_its_own(
    member_firm, firm_user, network, other_network
):
    factories.MembershipFactory(network=other_network, firm=member_firm)
    with pytest.raises(ValidationError) as exc:
        record(member_firm, firm_user, days_ago(5), employees=3)
    assert errors(exc) == {"network": [str(P.INDICATOR_NETWORK_REQUIRED)]}
    P.firm_indicator_record(firm=member_firm, actor=firm_user, date=days_ago(5),
                            is_baseline=False, network=other_network, employees=3)  # fmt: skip
    P.firm_indicator_record(firm=member_firm, actor=firm_user, date=days_ago(5),
                            is_baseline=False, network=None, employees=4)  # fmt: skip
    assert sorted(FirmIndicator.objects.values_list("network", "employees"), key=str) == sorted(
        [(other_network.pk, 3), (None, 4)], key=str
    )


def test_a_firm_records_only_for_networks_it_is_still_in(member_firm, firm_user, network):
    network.memberships.filter(firm=member_firm).update(joined_on=days_ago(30), left_on=days_ago(1))
    with pytest.raises(ValidationError) as exc:
        P.firm_indicator_record(firm=member_firm, actor=firm_user, date=days_ago(5),
                                is_baseline=False, network=network, employees=3)  # fmt: skip
    assert errors(exc) == {"network": [str(P.INDICATOR_NETWORK_UNKNOWN)]}
    record(member_firm, firm_user, days_ago(5), employees=3)  # no network left: its own
    assert FirmIndicator.objects.get().network is None


@pytest.mark.parametrize("persona", ["facilitator", "officer"])
def test_only_the_firm_decides_what_it_shares(request, member_firm, network, persona):
    with pytest.raises(PermissionDenied):
        P.firm_figures_share(
            firm=member_firm, network=network, actor=request.getfixturevalue(persona), share=True
        )
    assert not member_firm.memberships.filter(shares_figures=True).exists()


def test_sharing_covers_every_stint_of_the_firm_in_the_network(member_firm, firm_user, network):
    first = network.memberships.get(firm=member_firm)
    first.left_on = first.joined_on
    first.save()
    factories.MembershipFactory(network=network, firm=member_firm)  # it rejoined
    assert P.firm_figures_share(firm=member_firm, network=network, actor=firm_user, share=True) == 2
    assert P.firm_figures_share(firm=member_firm, network=network, actor=firm_user, share=True) == 0


def test_sharing_with_a_network_the_firm_was_never_in_is_refused(
    member_firm, firm_user, other_network
):
    with pytest.raises(ValidationError) as exc:
        P.firm_figures_share(firm=member_firm, network=other_network, actor=firm_user, share=True)
    assert errors(exc) == {"network": [str(P.SHARE_NOT_A_NETWORK_OF_THE_FIRM)]}
