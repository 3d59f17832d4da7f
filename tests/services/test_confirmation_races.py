"""Two answers for one firm at the same moment, for real on PostgreSQL: one wins, the other
finds it (services/confirmations locks the joint action, then the row)."""

import pytest
from django.db import connection

from networks.lib import links
from networks.models import JointActionDecline, JointActionParticipant
from networks.services import confirmations as C
from networks.services.common import ConflictError
from tests import builders, factories
from tests.services.test_races import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_link_and_the_facilitator_answer_at_once_one_wins(network, facilitator):
    assert connection.vendor == "postgresql"
    firms = builders.open_for_joint_actions(network, members=3)
    contact = factories.FirmMemberFactory(firm=firms[1])
    joint_action = builders.joint_action(network, *firms)
    row = JointActionParticipant.objects.get(joint_action=joint_action, firm=firms[1])
    token = links.make(links.Link("j", row.pk, joint_action.pk, firms[1].pk, contact.pk))

    outcomes = race(
        lambda: C.link_answer(token=token, confirm=False),
        lambda: C.participation_record(
            joint_action=joint_action, firm_id=firms[1].pk, actor=facilitator, confirm=True,
            method="phone",
        ),
    )  # fmt: skip
    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ConflictError)
    confirmed = JointActionParticipant.objects.filter(pk=row.pk, confirmed_at__isnull=False)
    declined = JointActionDecline.objects.filter(joint_action=joint_action, firm=firms[1])
    # Exactly one answer stands: the confirmation or the decline, never both.
    assert confirmed.count() + declined.count() == 1


def test_the_same_link_pressed_twice_at_once_answers_once(network):
    firms = builders.open_for_joint_actions(network, members=2)
    contact = factories.FirmMemberFactory(firm=firms[1])
    joint_action = builders.joint_action(network, *firms)
    row = JointActionParticipant.objects.get(joint_action=joint_action, firm=firms[1])
    token = links.make(links.Link("j", row.pk, joint_action.pk, firms[1].pk, contact.pk))

    outcomes = race(
        lambda: C.link_answer(token=token, confirm=True),
        lambda: C.link_answer(token=token, confirm=False),
    )
    assert sorted(kind for kind, _value in outcomes) == ["error", "ok"], outcomes
    confirmed = JointActionParticipant.objects.filter(pk=row.pk, confirmed_at__isnull=False)
    declined = JointActionDecline.objects.filter(joint_action=joint_action)
    assert confirmed.count() + declined.count() == 1
