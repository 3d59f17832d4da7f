"""Marketing as a group (the broker's first task, domain.md 4b): the orders and sales a joint
action won, recorded per participating firm, so that the joint sales are a sum of firms'
amounts rather than one money value; and a joint action's place in a joint strategic project.

Recorded by whoever may edit the joint action (`access.can_edit_joint_action`: the firm that
logged it, or the facilitator). The joint action's money value becomes the sum of the firms'
sales once they are recorded.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.lib.money import split
from networks.models import JointAction, JointProject, User
from networks.rules import joint_actions_open
from networks.services.common import ConflictError, lock_network
from networks.services.projects import valid_amount

SALES_PHASE = _("Sales are recorded while the network works as one.")
SALES_NOT_PARTICIPANT = _("Record sales only for the firms that took part in this joint action.")
SALES_INVALID = _("Give an amount of zero or more, in the programme's currency.")
SALES_EMPTY = _("Give at least one firm's sales.")
PROJECT_OTHER_NETWORK = _("Choose one of this network's joint strategic projects.")


def split_sales(total: Decimal, weights: dict[int, Decimal], currency: str) -> dict[int, Decimal]:
    """A large order's total split among the firms by their weights (for example the part of
    the order each firm made), to the currency's unit and adding up to the total exactly."""
    return split(total, sorted(weights.items()), currency)


@transaction.atomic
def joint_action_record_sales(
    *, joint_action: JointAction, actor: User, sales: dict[int, object]
) -> Decimal:
    """Record the sales won per participating firm (`sales`: firm id -> amount, or None to
    clear one); the joint action's money value becomes their sum, which is returned."""
    access.require(access.can_edit_joint_action(actor, joint_action))
    network = lock_network(joint_action.network)
    if not joint_actions_open(network):
        raise ConflictError(SALES_PHASE)
    currency = network.programme.currency
    action = JointAction.objects.select_for_update().get(pk=joint_action.pk)
    rows = {row.firm_id: row for row in action.participants.select_for_update()}
    errors = []
    amounts = {}
    for pk, value in (sales or {}).items():
        if pk not in rows:
            errors.append(SALES_NOT_PARTICIPANT)
            continue
        amount = None if value in (None, "") else valid_amount(value, currency)
        if value not in (None, "") and amount is None:
            errors.append(SALES_INVALID)
        amounts[pk] = amount
    if not amounts and not errors:
        errors.append(SALES_EMPTY)
    if errors:
        raise ValidationError({"sales": sorted(set(map(str, errors)))})
    for pk, amount in amounts.items():
        if rows[pk].sales != amount:
            rows[pk].sales = amount
            rows[pk].save(update_fields=["sales"])
    recorded = [row.sales for row in rows.values() if row.sales is not None]
    if recorded:
        total = sum(recorded, Decimal(0))
        if action.value != total:
            action.value = total
            action.save(update_fields=["value"])
    return action.value


@transaction.atomic
def joint_action_set_project(
    *, joint_action: JointAction, actor: User, project: JointProject | None
) -> JointAction:
    """Make the joint action a step of one of its network's projects (or of none)."""
    access.require(access.can_edit_joint_action(actor, joint_action))
    network = lock_network(joint_action.network)
    if not joint_actions_open(network):
        raise ConflictError(SALES_PHASE)
    if project is not None and project.network_id != network.pk:
        raise ValidationError({"project": [PROJECT_OTHER_NETWORK]})
    action = JointAction.objects.select_for_update().get(pk=joint_action.pk)
    if action.project_id != (project.pk if project else None):
        action.project = project
        action.save(update_fields=["project"])
    return action
