"""Services: joint strategic projects (co-financing, milestones, participants) and marketing as
a group (sales per participating firm; the joint action's value is their sum)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from networks.models import JointAction, JointProject, JointProjectFirm, Milestone
from networks.services import group_sales as G
from networks.services import projects as P
from networks.services.common import ConflictError
from tests import factories
from tests.builders import days_ago, joint_action, open_for_joint_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(network):
    return open_for_joint_actions(network, members=3)


def plan(network, actor, firms, **kwargs):
    kwargs.setdefault("budget", Decimal("10000000"))
    kwargs.setdefault("agency_funding", Decimal("6000000"))
    kwargs.setdefault("firms_funding", Decimal("3000001"))
    return P.project_create(
        network=network, actor=actor, title="Shared drying kiln",
        goal="Dry timber to export standard together.", firms=firms, **kwargs,
    )  # fmt: skip


def test_a_project_splits_the_firms_co_financing_exactly(network, facilitator, firms):
    project = plan(network, facilitator, firms)
    shares = dict(project.participants.values_list("firm_id", "contribution"))
    assert sum(shares.values()) == project.firms_funding == Decimal("3000001")
    # CLP: whole pesos; the odd peso goes to the lowest firm id.
    assert sorted(shares.values()) == [Decimal("1000000")] * 2 + [Decimal("1000001")]
    assert shares[min(shares)] == Decimal("1000001")
    assert project.other_funding == Decimal("999999")


def test_contributions_per_firm_make_the_firms_total(network, officer, firms):
    a, b, c = firms
    project = plan(
        network, officer, firms, contributions={a.pk: Decimal("500000"), b.pk: Decimal("250000")}
    )
    assert project.firms_funding == Decimal("750000")
    assert JointProjectFirm.objects.get(project=project, firm=c).contribution == 0


def test_co_financing_never_above_the_budget(network, facilitator, firms):
    with pytest.raises(ValidationError) as exc:
        plan(network, facilitator, firms, budget=Decimal("100"), agency_funding=Decimal("90"),
             firms_funding=Decimal("20"))  # fmt: skip
    assert list(exc.value.message_dict) == ["agency_funding"]
    assert not JointProject.objects.exists()


def test_participants_are_active_members_two_at_least(network, facilitator, firms, other_network):
    stranger = factories.MembershipFactory(network=other_network).firm
    for chosen in ([firms[0]], [firms[0], stranger]):
        with pytest.raises(ValidationError) as exc:
            plan(network, facilitator, chosen)
        assert list(exc.value.message_dict) == ["firms"]


def test_firms_and_outsiders_may_not_plan_and_preparation_is_too_early(
    network, facilitator, firms, firm_user, outsider_officer
):
    for user in (firm_user, outsider_officer):
        with pytest.raises(PermissionDenied):
            plan(network, user, firms)
    network.phase = "preparation"
    network.save()
    with pytest.raises(ConflictError):
        plan(network, facilitator, firms)


def test_milestones_with_dates_and_status(network, facilitator, firms):
    project = plan(network, facilitator, firms)
    milestone = P.milestone_add(
        project=project, actor=facilitator, title="Kiln bought", due_on=days_ago(-30)
    )
    with pytest.raises(ValidationError) as exc:
        P.milestone_update(milestone=milestone, actor=facilitator, status="done")
    assert exc.value.message_dict == {"done_on": [str(P.MILESTONE_DONE_DATE)]}
    P.milestone_update(milestone=milestone, actor=facilitator, status="done", done_on=days_ago(1))
    assert Milestone.objects.get().done_on == days_ago(1)


def test_update_keeps_the_contributions_unless_told(network, facilitator, firms):
    project = plan(network, facilitator, firms)
    before = dict(project.participants.values_list("firm_id", "contribution"))
    P.project_update(project=project, actor=facilitator, status="under_way")
    assert dict(project.participants.values_list("firm_id", "contribution")) == before
    P.project_update(project=project, actor=facilitator, firms=firms[:2],
                     firms_funding=Decimal("10"))  # fmt: skip
    assert dict(project.participants.values_list("firm_id", "contribution")) == {
        firms[0].pk: Decimal("5"), firms[1].pk: Decimal("5"),
    }  # fmt: skip


# --- marketing as a group ----------------------------------------------------------------------


def test_sales_per_firm_make_the_joint_actions_value(network, facilitator, firms):
    action = joint_action(network, *firms, value=Decimal("1"))
    a, b, c = firms
    total = G.joint_action_record_sales(
        joint_action=action, actor=facilitator,
        sales={a.pk: Decimal("1200000"), b.pk: Decimal("800000")},
    )  # fmt: skip
    assert total == Decimal("2000000") == JointAction.objects.get().value
    sales = dict(action.participants.values_list("firm_id", "sales"))
    assert sales == {a.pk: Decimal("1200000"), b.pk: Decimal("800000"), c.pk: None}


def test_sales_only_for_participants_and_by_who_may_edit(
    network, facilitator, firms, firm_user, member_firm
):
    a, b, c = firms
    action = joint_action(network, a, b)
    with pytest.raises(ValidationError):
        G.joint_action_record_sales(joint_action=action, actor=facilitator, sales={c.pk: 5})
    with pytest.raises(PermissionDenied):
        G.joint_action_record_sales(joint_action=action, actor=firm_user, sales={a.pk: 5})
    assert JointAction.objects.get().value == action.value


def test_a_joint_action_belongs_to_a_project_of_its_own_network(
    network, facilitator, firms, other_network
):
    project = plan(network, facilitator, firms)
    action = joint_action(network, *firms)
    G.joint_action_set_project(joint_action=action, actor=facilitator, project=project)
    assert JointAction.objects.get().project == project
    other_network.phase = "consolidation"
    other_network.save()
    theirs = [
        row.firm for row in factories.MembershipFactory.create_batch(2, network=other_network)
    ]
    elsewhere = plan(other_network, other_network.facilitator, theirs)
    with pytest.raises(ValidationError):
        G.joint_action_set_project(joint_action=action, actor=facilitator, project=elsewhere)


# --- properties: the splits add up exactly ------------------------------------------------------

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(
    total=st.decimals(min_value=0, max_value=10**11, places=0),
    firms=st.integers(min_value=2, max_value=30),
    currency=st.sampled_from(["CLP", "USD", "UF"]),
)
def test_co_financing_split_adds_up_and_differs_by_one_unit_at_most(total, firms, currency):
    from networks.lib.money import quantum

    shares = P.split_contributions(total, list(range(1, firms + 1)), currency)
    assert sum(shares.values()) == total
    assert max(shares.values()) - min(shares.values()) <= quantum(currency)
    assert all(v >= 0 and v == v.quantize(quantum(currency)) for v in shares.values())


@SETTINGS
@given(
    total=st.decimals(min_value=0, max_value=10**11, places=0),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=2, max_size=30),
)
def test_an_order_split_by_weights_adds_up_to_the_order(total, weights):
    sales = G.split_sales(total, {i + 1: Decimal(w) for i, w in enumerate(weights)}, "CLP")
    assert sum(sales.values()) == total
    assert all(v >= 0 for v in sales.values())


@SETTINGS
@given(amounts=st.lists(st.decimals(min_value=0, max_value=10**9, places=0), min_size=2,
                        max_size=6))  # fmt: skip
def test_the_joint_sales_are_the_sum_of_the_firms_sales(facilitator, network, amounts):
    firms = open_for_joint_actions(network, members=len(amounts))
    action = joint_action(network, *firms)
    total = G.joint_action_record_sales(
        joint_action=action, actor=facilitator,
        sales={firm.pk: amount for firm, amount in zip(firms, amounts, strict=True)},
    )  # fmt: skip
    assert total == sum(amounts) == JointAction.objects.get(pk=action.pk).value


def test_once_sales_are_recorded_the_value_is_their_sum_and_not_edited_apart(
    network, facilitator, firms
):
    from networks.services import joint_actions as J

    a, b, _c = firms
    action = joint_action(network, a, b)
    G.joint_action_record_sales(joint_action=action, actor=facilitator, sales={a.pk: 10, b.pk: 5})
    with pytest.raises(ValidationError) as exc:
        J.joint_action_update(joint_action=action, actor=facilitator, value=Decimal("99"))
    assert exc.value.message_dict == {"value": [str(J.JOINT_ACTION_VALUE_IS_SALES)]}
    J.joint_action_update(joint_action=action, actor=facilitator, value=Decimal("15"))
    assert JointAction.objects.get().value == Decimal("15")
