"""Joint actions: logging, the confirmation of each firm's participation, declines and edits."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from networks.models import (
    JointAction,
    JointActionDecline,
    JointActionParticipant,
    JointActionType,
    Network,
)
from networks.selectors import joint_actions as joint_action_selectors
from networks.services import joint_actions as S
from networks.services.common import ConflictError
from tests import builders, factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 4)


@pytest.fixture
def firms(network, member_firm):
    """The member firm of `firm_user` and three more active members, in consolidation."""
    return [member_firm, *builders.open_for_joint_actions(network, members=3)]


@pytest.fixture
def second_user(firms):
    """A user of the second member firm."""
    return factories.FirmMemberFactory(username="second", firm=firms[1])


def log(network, actor, firms, **overrides):
    fields = {
        "type": "joint_purchasing",
        "title": "Timber bought together",
        "firms": firms,
        "status": JointAction.Status.DONE,
        "start_date": TODAY,
        "end_date": TODAY + datetime.timedelta(days=10),
        "value": Decimal("1250000.50"),
        "outcome": "12% cheaper timber.",
    }
    fields.update(overrides)
    return S.joint_action_log(network=network, actor=actor, **fields)


def states(joint_action) -> dict:
    """{firm id: confirmed?} for the joint action's participants."""
    rows = JointActionParticipant.objects.filter(joint_action=joint_action)
    return {row.firm_id: row.is_confirmed for row in rows}


def messages_of(excinfo, field) -> list[str]:
    return excinfo.value.message_dict[field]


# --- logging --------------------------------------------------------------------------------


def test_a_firm_logs_it_and_only_its_own_participation_is_confirmed(network, firms, firm_user):
    joint_action = log(network, firm_user, firms[:3])
    assert joint_action.logged_by == firm_user
    assert joint_action.logged_by_firm == firms[0]
    assert (joint_action.type.slug, joint_action.value) == (
        "joint_purchasing",
        Decimal("1250000.50"),
    )
    assert states(joint_action) == {firms[0].pk: True, firms[1].pk: False, firms[2].pk: False}
    own = JointActionParticipant.objects.get(joint_action=joint_action, firm=firms[0])
    assert own.confirmed_by == firm_user


def test_the_logging_firm_is_always_a_participant(network, firms, firm_user):
    joint_action = log(network, firm_user, [firms[1].pk, firms[2].pk])
    assert set(states(joint_action)) == {firms[0].pk, firms[1].pk, firms[2].pk}
    assert states(joint_action)[firms[0].pk] is True


def test_when_the_facilitator_logs_it_every_firm_must_confirm(network, firms, facilitator):
    joint_action = log(network, facilitator, firms[:2])
    assert joint_action.logged_by_firm is None
    assert states(joint_action) == {firms[0].pk: False, firms[1].pk: False}


def test_at_least_two_firms(network, firms, firm_user, facilitator):
    with pytest.raises(ValidationError) as excinfo:
        log(network, firm_user, [])  # the own firm alone
    assert messages_of(excinfo, "firms") == [S.JOINT_ACTION_TWO_FIRMS]
    with pytest.raises(ValidationError) as excinfo:
        log(network, facilitator, [firms[1]])
    assert messages_of(excinfo, "firms") == [S.JOINT_ACTION_TWO_FIRMS]
    assert not JointAction.objects.exists()


def test_only_active_members_take_part(network, firms, firm_user):
    stranger = factories.FirmFactory()
    gone = factories.MembershipFactory(
        network=network, joined_on=datetime.date(2024, 1, 1), left_on=datetime.date(2024, 6, 1)
    ).firm
    for firm in (stranger, gone, 999_999):
        with pytest.raises(ValidationError) as excinfo:
            log(network, firm_user, [firms[1], firm])
        assert messages_of(excinfo, "firms") == [S.JOINT_ACTION_FIRM_NOT_MEMBER]
    assert not JointAction.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "outsider_firm_user", "outsider_facilitator"])
def test_non_members_cannot_log(request, network, firms, persona):
    with pytest.raises(PermissionDenied):
        log(network, request.getfixturevalue(persona), firms[:2])
    assert not JointAction.objects.exists()


def test_a_firm_that_left_cannot_log(network, firms):
    gone = factories.MembershipFactory(
        network=network, joined_on=datetime.date(2024, 1, 1), left_on=datetime.date(2024, 6, 1)
    ).firm
    user = factories.FirmMemberFactory(firm=gone)
    with pytest.raises(PermissionDenied):
        log(network, user, firms[:2])


@pytest.mark.parametrize(
    "phase, allowed",
    [
        (Network.Phase.PREPARATION, False),
        (Network.Phase.CONSOLIDATION, True),
        (Network.Phase.INDEPENDENCE, True),
        (Network.Phase.DISSOLVED, False),
    ],
)
def test_phase_rule(network, firms, firm_user, phase, allowed):
    Network.objects.filter(pk=network.pk).update(phase=phase)
    network.refresh_from_db()
    if allowed:
        assert log(network, firm_user, firms[:2]).pk
    else:
        with pytest.raises(ConflictError) as excinfo:
            log(network, firm_user, firms[:2])
        assert excinfo.value.messages == [str(S.JOINT_ACTION_PHASE)]
        assert not JointAction.objects.exists()


def test_type_is_one_of_the_programmes_by_slug(network, firms, firm_user):
    added = JointActionType.objects.create(
        programme=network.programme, slug="cold_store", name="Shared cold store"
    )
    joint_action = log(network, firm_user, firms[:2], type="cold_store")
    assert joint_action.type == added and joint_action.type.label == "Shared cold store"
    assert log(network, firm_user, firms[:2], type=added).type == added
    other_programme = factories.ProgrammeFactory()
    JointActionType.objects.filter(programme=network.programme, slug="other").update(
        is_active=False
    )
    foreign = JointActionType.objects.get(programme=other_programme, slug="trade_fair")
    for bad in ("no_such_type", "", "other", foreign, None):
        with pytest.raises(ValidationError) as excinfo:
            log(network, firm_user, firms[:2], type=bad)
        assert messages_of(excinfo, "type") == [S.JOINT_ACTION_TYPE_UNKNOWN]


def test_field_rules(network, firms, firm_user):
    cases = [
        ({"title": "  "}, "title", S.JOINT_ACTION_TITLE_REQUIRED),
        ({"status": "finished"}, "status", S.JOINT_ACTION_STATUS_UNKNOWN),
        ({"end_date": TODAY - datetime.timedelta(days=1)}, "end_date", S.JOINT_ACTION_END_BEFORE_START),
        ({"value": Decimal("-1")}, "value", S.JOINT_ACTION_VALUE_INVALID),
        ({"value": 12.5}, "value", S.JOINT_ACTION_VALUE_INVALID),  # floats lose cents
        ({"value": Decimal("1.005")}, "value", S.JOINT_ACTION_VALUE_INVALID),
        ({"value": Decimal("1e14")}, "value", S.JOINT_ACTION_VALUE_INVALID),
        ({"value": Decimal("NaN")}, "value", S.JOINT_ACTION_VALUE_INVALID),
    ]  # fmt: skip
    for overrides, field, message in cases:
        with pytest.raises(ValidationError) as excinfo:
            log(network, firm_user, firms[:2], **overrides)
        assert messages_of(excinfo, field) == [message], overrides
    assert not JointAction.objects.exists()
    # Dates and value are optional.
    joint_action = log(
        network, firm_user, firms[:2], start_date=None, end_date=None, value=Decimal(0)
    )
    assert joint_action.value == 0 and joint_action.start_date is None


# --- confirmation ---------------------------------------------------------------------------


def test_unconfirmed_until_a_user_of_that_firm_confirms(network, firms, firm_user, second_user):
    joint_action = log(network, firm_user, firms[:3])
    assert states(joint_action)[firms[1].pk] is False
    participant = S.joint_action_confirm(joint_action=joint_action, actor=second_user)
    assert (participant.firm, participant.confirmed_by) == (firms[1], second_user)
    assert participant.confirmed_at is not None
    assert states(joint_action) == {firms[0].pk: True, firms[1].pk: True, firms[2].pk: False}


def test_confirming_twice_is_a_conflict(network, firms, firm_user, second_user):
    joint_action = log(network, firm_user, firms[:2])
    S.joint_action_confirm(joint_action=joint_action, actor=second_user)
    with pytest.raises(ConflictError) as excinfo:
        S.joint_action_confirm(joint_action=joint_action, actor=second_user)
    assert excinfo.value.messages == [str(S.PARTICIPATION_ALREADY_CONFIRMED)]


def test_nobody_confirms_another_firms_participation(
    network, firms, firm_user, second_user, facilitator, officer
):
    joint_action = log(network, second_user, firms[1:4])  # firms[0] does not take part
    for actor in (firm_user, facilitator, officer):
        with pytest.raises(PermissionDenied) as excinfo:
            S.joint_action_confirm(joint_action=joint_action, actor=actor)
        if actor is firm_user:
            assert str(excinfo.value) == str(S.PARTICIPATION_NOT_YOURS)
    assert states(joint_action) == {firms[1].pk: True, firms[2].pk: False, firms[3].pk: False}


def test_a_firm_confirms_only_its_own_row(network, firms, facilitator, firm_user):
    joint_action = log(network, facilitator, firms[:3])
    S.joint_action_confirm(joint_action=joint_action, actor=firm_user)
    assert states(joint_action) == {firms[0].pk: True, firms[1].pk: False, firms[2].pk: False}


# --- declining ------------------------------------------------------------------------------


def test_a_firm_declines_its_row_goes_and_the_decline_is_kept(
    network, firms, firm_user, second_user
):
    joint_action = log(network, firm_user, firms[:3])
    S.joint_action_decline(joint_action=joint_action, actor=second_user)
    assert set(states(joint_action)) == {firms[0].pk, firms[2].pk}
    entry = JointActionDecline.objects.get()
    assert (entry.declined_by, entry.joint_action, entry.firm) == (
        second_user, joint_action, firms[1]
    )  # fmt: skip
    [marked] = joint_action_selectors.attach_declines([JointAction.objects.get(pk=joint_action.pk)])
    assert [(d.firm_id, d.firm_name, d.by) for d in marked.declines] == [
        (firms[1].pk, firms[1].name, second_user)
    ]


def test_the_logging_firm_cannot_decline(network, firms, firm_user):
    joint_action = log(network, firm_user, firms[:2])
    with pytest.raises(ConflictError) as excinfo:
        S.joint_action_decline(joint_action=joint_action, actor=firm_user)
    assert excinfo.value.messages == [str(S.LOGGER_CANNOT_DECLINE)]
    assert len(states(joint_action)) == 2 and not JointActionDecline.objects.exists()


def test_only_a_participating_firm_declines(network, firms, second_user, firm_user, facilitator):
    joint_action = log(network, second_user, firms[1:3])
    for actor in (firm_user, facilitator):
        with pytest.raises(PermissionDenied):
            S.joint_action_decline(joint_action=joint_action, actor=actor)
    assert len(states(joint_action)) == 2


# --- editing --------------------------------------------------------------------------------


def test_any_user_of_the_logging_firm_and_the_facilitator_edit(
    network, firms, firm_user, facilitator
):
    joint_action = log(network, firm_user, firms[:2])
    colleague = factories.FirmMemberFactory(firm=firms[0])
    S.joint_action_update(joint_action=joint_action, actor=colleague, status="under_way")
    S.joint_action_update(joint_action=joint_action, actor=facilitator, title="Timber, phase 2")
    joint_action.refresh_from_db()
    assert (joint_action.status, joint_action.title) == ("under_way", "Timber, phase 2")


def test_another_member_cannot_edit(network, firms, firm_user, second_user, officer):
    joint_action = log(network, firm_user, firms[:2])
    S.joint_action_confirm(joint_action=joint_action, actor=second_user)
    for actor in (second_user, officer):
        with pytest.raises(PermissionDenied):
            S.joint_action_update(joint_action=joint_action, actor=actor, title="Mine now")
    joint_action.refresh_from_db()
    assert joint_action.title == "Timber bought together"


def test_edit_adds_firms_unconfirmed_and_deletes_removed_ones(
    network, firms, firm_user, second_user
):
    joint_action = log(network, firm_user, firms[:3])
    S.joint_action_confirm(joint_action=joint_action, actor=second_user)
    S.joint_action_update(
        joint_action=joint_action, actor=firm_user, firms=[firms[0], firms[1], firms[3]],
        reason="The third firm pulled out.",
    )  # fmt: skip
    assert states(joint_action) == {firms[0].pk: True, firms[1].pk: True, firms[3].pk: False}


def test_the_logging_firm_cannot_be_removed(network, firms, firm_user):
    joint_action = log(network, firm_user, firms[:3])
    with pytest.raises(ValidationError) as excinfo:
        S.joint_action_update(joint_action=joint_action, actor=firm_user, firms=firms[1:3])
    assert messages_of(excinfo, "firms") == [S.JOINT_ACTION_LOGGER_STAYS % {"firm": firms[0].name}]
    assert len(states(joint_action)) == 3


def test_edit_keeps_at_least_two_firms_and_checks_merged_dates(network, firms, facilitator):
    joint_action = log(network, facilitator, firms[:2])
    with pytest.raises(ValidationError) as excinfo:
        S.joint_action_update(joint_action=joint_action, actor=facilitator, firms=[firms[0]])
    assert messages_of(excinfo, "firms") == [S.JOINT_ACTION_TWO_FIRMS]
    with pytest.raises(ValidationError) as excinfo:
        S.joint_action_update(
            joint_action=joint_action, actor=facilitator, end_date=TODAY - datetime.timedelta(1)
        )
    assert messages_of(excinfo, "end_date") == [S.JOINT_ACTION_END_BEFORE_START]
    assert len(states(joint_action)) == 2


def test_a_firm_that_has_left_keeps_its_past_participation(network, firms, facilitator):
    joint_action = log(network, facilitator, firms[:2])
    network.memberships.filter(firm=firms[1]).update(left_on=network.created_on)
    S.joint_action_update(
        joint_action=joint_action, actor=facilitator, firms=[firms[0], firms[1], firms[2]]
    )
    assert set(states(joint_action)) == {firms[0].pk, firms[1].pk, firms[2].pk}


def test_nothing_changes_once_the_network_is_dissolved(network, firms, firm_user, second_user):
    joint_action = log(network, firm_user, firms[:2])
    Network.objects.filter(pk=network.pk).update(phase=Network.Phase.DISSOLVED)
    calls = [
        lambda: S.joint_action_update(joint_action=joint_action, actor=firm_user, title="x"),
        lambda: S.joint_action_confirm(joint_action=joint_action, actor=second_user),
        lambda: S.joint_action_decline(joint_action=joint_action, actor=second_user),
    ]
    for call in calls:
        with pytest.raises(ConflictError):
            call()
    assert states(joint_action) == {firms[0].pk: True, firms[1].pk: False}


# --- races (PostgreSQL) ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_confirming_while_the_logger_removes_the_firm_stays_consistent(
    network, firms, firm_user, second_user
):
    """The row lock makes one wait for the other: either the firm is removed first (and the
    confirmation is refused), or it confirms first (and the removal deletes the row)."""
    from tests.services.test_races import race

    assert connection.vendor == "postgresql"
    joint_action = log(network, firm_user, firms[:3])
    outcomes = race(
        lambda: S.joint_action_confirm(joint_action=joint_action, actor=second_user),
        # When the confirmation wins, the change needs a reason (another firm has confirmed).
        lambda: S.joint_action_update(
            joint_action=joint_action,
            actor=firm_user,
            firms=[firms[0], firms[2]],
            reason="The firm dropped out.",
        ),
    )
    confirm, update = outcomes
    assert update[0] == "ok"
    assert confirm[0] == "ok" or isinstance(confirm[1], PermissionDenied)
    assert states(joint_action) == {firms[0].pk: True, firms[2].pk: False}
