"""Joint strategic projects (domain.md 4b; UNIDO's phase after problem identification): a goal,
a budget co-financed by the agency and by the participating firms, milestones with dates and
status. Joint actions may belong to a project (`services.group_sales.joint_action_set_project`).

The facilitator and the agency plan them (`access.can_manage_project`) while the network
works as one (consolidation, independence).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.lib.money import quantum, split
from networks.models import Firm, JointProject, JointProjectFirm, Membership, Milestone, User
from networks.rules import MAX_MONEY, joint_actions_open
from networks.services.common import ConflictError, lock_network

PROJECT_PHASE = _(
    "Joint strategic projects are planned while the network works as one: in consolidation or "
    "independence."
)
PROJECT_TITLE_REQUIRED = _("Give the project a title.")
PROJECT_GOAL_REQUIRED = _("Say what the project is for: its goal.")
PROJECT_STATUS_UNKNOWN = _("Choose planned, under way, done or dropped.")
PROJECT_MONEY_INVALID = _("Give an amount of zero or more, in the programme's currency.")
PROJECT_FUNDING_ABOVE_BUDGET = _(
    "The co-financing (agency %(agency)s and firms %(firms)s) is more than the budget."
)
PROJECT_END_BEFORE_START = _("The end date cannot be before the start date.")
PROJECT_FIRMS_REQUIRED = _("Choose at least two participating member firms.")
PROJECT_FIRM_NOT_MEMBER = _("Choose only firms that are active members of this network.")
PROJECT_CONTRIBUTION_NOT_PARTICIPANT = _("Contributions are given by participating firms only.")
MILESTONE_TITLE_REQUIRED = _("Give the milestone a title.")
MILESTONE_DATE_REQUIRED = _("Give the milestone's date.")
MILESTONE_STATUS_UNKNOWN = _("Choose pending, done or missed.")
MILESTONE_DONE_DATE = _("Give the date the milestone was reached.")

PROJECT_MIN_FIRMS = 2
FIELDS = ("title", "goal", "status", "start_date", "end_date", "budget", "agency_funding")


def valid_amount(value, currency: str) -> Decimal | None:
    """The amount as Decimal in the currency's unit, or None when it is not one."""
    if isinstance(value, float | bool) or value is None:
        return None
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not amount.is_finite() or not 0 <= amount < MAX_MONEY:
        return None
    if amount != amount.quantize(quantum(currency)):
        return None
    return amount


def split_contributions(total: Decimal, firm_ids: list[int], currency: str) -> dict[int, Decimal]:
    """The firms' co-financing split equally among the participants, to the currency's unit,
    adding up to `total` exactly (`money.split`: largest remainder, ties to the lower id)."""
    return split(total, [(pk, Decimal(1)) for pk in sorted(firm_ids)], currency)


def _firm_ids(firms: Iterable) -> list[int] | None:
    ids = []
    for firm in firms or ():
        pk = firm.pk if isinstance(firm, Firm) else firm
        if not isinstance(pk, int) or isinstance(pk, bool):
            return None
        ids.append(pk)
    return sorted(set(ids))


def _check(network, values: dict, firm_ids, contributions, *, already=()) -> tuple[dict, dict]:
    """Errors, and the per-firm contributions (given, or the firms' total split equally)."""
    currency = network.programme.currency
    errors = {}
    if not (values["title"] or "").strip():
        errors["title"] = [PROJECT_TITLE_REQUIRED]
    if not (values["goal"] or "").strip():
        errors["goal"] = [PROJECT_GOAL_REQUIRED]
    if values["status"] not in JointProject.Status.values:
        errors["status"] = [PROJECT_STATUS_UNKNOWN]
    start, end = values["start_date"], values["end_date"]
    if start and end and end < start:
        errors["end_date"] = [PROJECT_END_BEFORE_START]
    for name in ("budget", "agency_funding", "firms_funding"):
        amount = valid_amount(values[name], currency)
        if amount is None:
            errors[name] = [PROJECT_MONEY_INVALID]
        values[name] = amount
    if firm_ids is None or len(firm_ids) < PROJECT_MIN_FIRMS:
        errors["firms"] = [PROJECT_FIRMS_REQUIRED]
    else:
        new = set(firm_ids) - set(already)
        members = set(
            Membership.objects.filter(
                network=network, left_on__isnull=True, firm_id__in=new
            ).values_list("firm_id", flat=True)
        )
        if new - members:
            errors["firms"] = [PROJECT_FIRM_NOT_MEMBER]
    shares = {}
    if "firms" not in errors:
        if contributions is not None:
            for pk, value in contributions.items():
                amount = valid_amount(value, currency)
                if pk not in firm_ids:
                    errors["contributions"] = [PROJECT_CONTRIBUTION_NOT_PARTICIPANT]
                elif amount is None:
                    errors["contributions"] = [PROJECT_MONEY_INVALID]
                else:
                    shares[pk] = amount
            shares = {pk: shares.get(pk, Decimal(0)) for pk in firm_ids}
            values["firms_funding"] = sum(shares.values(), Decimal(0))
        elif values["firms_funding"] is not None:
            shares = split_contributions(values["firms_funding"], firm_ids, currency)
    money = [values[n] for n in ("budget", "agency_funding", "firms_funding")]
    if not errors and None not in money and money[1] + money[2] > money[0]:
        errors["agency_funding"] = [
            PROJECT_FUNDING_ABOVE_BUDGET % {"agency": money[1], "firms": money[2]}
        ]
    return errors, shares


def _write_participants(project: JointProject, shares: dict[int, Decimal]) -> None:
    existing = {row.firm_id: row for row in project.participants.select_for_update()}
    for pk, row in existing.items():
        if pk not in shares:
            row.delete()
    for pk, amount in shares.items():
        row = existing.get(pk)
        if row is None:
            JointProjectFirm.objects.create(project=project, firm_id=pk, contribution=amount)
        elif row.contribution != amount:
            row.contribution = amount
            row.save(update_fields=["contribution"])


@transaction.atomic
def project_create(
    *,
    network,
    actor: User,
    title: str,
    goal: str,
    firms: Iterable,
    budget=Decimal(0),
    agency_funding=Decimal(0),
    firms_funding=Decimal(0),
    contributions: dict | None = None,
    status: str = JointProject.Status.PLANNED,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> JointProject:
    """Plan a joint strategic project of `network` with its participating firms (two or more
    active members). The firms' co-financing is `contributions` per firm id when given (the
    total is their sum), else `firms_funding` split equally among the participants; agency
    and firms together never exceed the budget (the rest is other sources or still open)."""
    access.require(access.can_manage_project(actor, network))
    network = lock_network(network)
    if not joint_actions_open(network):
        raise ConflictError(PROJECT_PHASE)
    values = {
        "title": (title or "").strip(), "goal": (goal or "").strip(), "status": status,
        "start_date": start_date, "end_date": end_date, "budget": budget,
        "agency_funding": agency_funding, "firms_funding": firms_funding,
    }  # fmt: skip
    firm_ids = _firm_ids(firms)
    errors, shares = _check(network, values, firm_ids, contributions)
    if errors:
        raise ValidationError(errors)
    project = JointProject.objects.create(network=network, created_by=actor, **values)
    _write_participants(project, shares)
    return project


@transaction.atomic
def project_update(
    *, project: JointProject, actor: User, firms=None, contributions=None, **fields
) -> JointProject:
    """Change a project's fields, participants or co-financing (the same rules as planning
    it). Firms that already take part may stay after leaving the network."""
    unknown = set(fields) - {*FIELDS, "firms_funding"}
    if unknown:
        raise TypeError(f"project_update() got unexpected fields: {sorted(unknown)}")
    network = project.network
    access.require(access.can_manage_project(actor, network))
    network = lock_network(network)
    if not joint_actions_open(network):
        raise ConflictError(PROJECT_PHASE)
    project = JointProject.objects.select_for_update().get(pk=project.pk)
    current = list(project.participants.order_by("firm_id"))
    already = [row.firm_id for row in current]
    values = {name: getattr(project, name) for name in (*FIELDS, "firms_funding")}
    values.update(fields)
    values["title"], values["goal"] = (
        (values["title"] or "").strip(),
        (values["goal"] or "").strip(),
    )
    firm_ids = _firm_ids(firms) if firms is not None else already
    if contributions is None and "firms_funding" not in fields and firms is None:
        contributions = {row.firm_id: row.contribution for row in current}
    errors, shares = _check(network, values, firm_ids, contributions, already=already)
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in values.items() if getattr(project, name) != value]
    for name in changed:
        setattr(project, name, values[name])
    if changed:
        project.save(update_fields=changed)
    _write_participants(project, shares)
    return project


def _milestone_errors(values: dict) -> dict:
    errors = {}
    if not (values["title"] or "").strip():
        errors["title"] = [MILESTONE_TITLE_REQUIRED]
    if values["due_on"] is None:
        errors["due_on"] = [MILESTONE_DATE_REQUIRED]
    if values["status"] not in Milestone.Status.values:
        errors["status"] = [MILESTONE_STATUS_UNKNOWN]
    elif values["status"] == Milestone.Status.DONE and values["done_on"] is None:
        errors["done_on"] = [MILESTONE_DONE_DATE]
    return errors


@transaction.atomic
def milestone_add(
    *,
    project: JointProject,
    actor: User,
    title: str,
    due_on: datetime.date,
    status: str = Milestone.Status.PENDING,
    done_on: datetime.date | None = None,
) -> Milestone:
    """Add a milestone (a date to reach something by) to the project."""
    access.require(access.can_manage_project(actor, project.network))
    network = lock_network(project.network)
    if not joint_actions_open(network):
        raise ConflictError(PROJECT_PHASE)
    values = {"title": (title or "").strip(), "due_on": due_on, "status": status}
    values["done_on"] = done_on if status == Milestone.Status.DONE else None
    errors = _milestone_errors(values)
    if errors:
        raise ValidationError(errors)
    return Milestone.objects.create(project=project, **values)


@transaction.atomic
def milestone_update(*, milestone: Milestone, actor: User, **fields) -> Milestone:
    """Mark a milestone done (with its date) or missed, or move its date."""
    unknown = set(fields) - {"title", "due_on", "status", "done_on"}
    if unknown:
        raise TypeError(f"milestone_update() got unexpected fields: {sorted(unknown)}")
    access.require(access.can_manage_project(actor, milestone.project.network))
    network = lock_network(milestone.project.network)
    if not joint_actions_open(network):
        raise ConflictError(PROJECT_PHASE)
    row = Milestone.objects.select_for_update().get(pk=milestone.pk)
    values = {name: fields.get(name, getattr(row, name)) for name in ("title", "due_on")}
    values["status"] = fields.get("status", row.status)
    values["done_on"] = fields.get("done_on", row.done_on)
    if values["status"] != Milestone.Status.DONE:
        values["done_on"] = None
    values["title"] = (values["title"] or "").strip()
    errors = _milestone_errors(values)
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
    return row
