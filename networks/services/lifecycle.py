"""A group of firms becomes a PROFO: membership, diagnosis, goals, application, approval,
the manager's appointment, and dissolution (domain.md sections 2 and 3)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks import access, rules
from networks.lib.dates import add_months, day
from networks.models import (
    Application,
    ApplicationEvent,
    Diagnosis,
    Firm,
    Goal,
    ManagerAppointment,
    Membership,
    Network,
    Programme,
    User,
)
from networks.rules import (
    MANAGER_START_MONTHS_AHEAD,
    leaving_needs_reason,
    member_cap_holds,
)
from networks.services import notifications
from networks.services.common import ConflictError, lock_network, phase_transition, require_text

# Messages: constants so that tests and the API assert exactly what a user reads.
NETWORK_NAME_REQUIRED = _("Give the network's name.")
NETWORK_PROGRAMME_NOT_YOURS = _("You can only create networks in your own agency's programmes.")
NETWORK_FACILITATOR_REQUIRED = _("Choose the network's facilitator.")
FACILITATOR_OTHER_AGENCY = _("The facilitator must work for the programme's agency.")
NETWORK_CLOSED = _("This network is dissolved; it cannot be changed.")
APPLICATION_UNDER_REVIEW = _(
    "The application is under review. It can be changed again once the agency returns it."
)
MEMBER_ALREADY_ACTIVE = _("%(firm)s is already an active member of this network.")
MEMBER_CAP_REACHED = _(
    "The network already has the programme's maximum of %(max)s active member firms: a firm "
    "must leave before another joins."
)
MEMBER_NOT_ACTIVE = _("%(firm)s is not an active member of this network.")
MEMBER_LEAVE_REASON_REQUIRED = _("Give the reason why the firm leaves the network.")
MEMBER_LEFT_BEFORE_JOINED = _("The leaving date cannot be before the firm joined (%(date)s).")
MEMBERS_OUT_OF_BOUNDS = _(
    "The network needs between %(min)s and %(max)s active member firms; it has %(count)s."
)
DIAGNOSIS_INCOMPLETE = _(
    "Write the diagnosis: problems, opportunities and the basis for collaboration."
)
SHORT_GOAL_MISSING = _(
    "Add a short-term goal, due within %(months)s months, with an indicator, baseline and target."
)
MEDIUM_GOAL_MISSING = _(
    "Add a medium-term goal, due within %(months)s months, with an indicator, baseline and target."
)
GOAL_TITLE_REQUIRED = _("Give the goal a title.")
GOAL_DUE_OUT_OF_HORIZON = _("A %(horizon)s goal must be due between today and %(limit)s.")
FIELD_REQUIRED = _("This field cannot be empty.")
RATING_INVALID = _("Choose low (1), medium (2) or high (3).")
APPLICATION_NOT_EDITABLE = _("Only a draft or returned application can be submitted.")
APPLICATION_ALREADY_DECIDED = _("This application has already been decided.")
APPLICATION_NOT_SUBMITTED = _("This application has not been submitted, so it cannot be decided.")
FOUR_EYES = _("You submitted this application, so another officer must decide it.")
DECISION_UNKNOWN = _("Choose approve, return or reject.")
DECISION_REASON_REQUIRED = _("Give the reason for returning or rejecting the application.")
APPLICATION_NOT_APPROVED = _("The manager can only be appointed once the application is approved.")
MANAGER_ALREADY_APPOINTED = _(
    "This network already has a manager. Replace the manager instead of appointing a new one."
)
MANAGER_NONE_YET = _("This network has no manager yet: appoint the first one.")
MANAGER_NOT_FACILITATOR = _("The manager must be a user with the facilitator role.")
MANAGER_SALARY_INVALID = _("The monthly salary must be above zero.")
MANAGER_START_TOO_FAR = _("The start date cannot be more than a year ahead.")
MANAGER_START_BEFORE_CURRENT = _("The new manager cannot start before the current one (%(date)s).")
MANAGER_REPLACE_REASON_REQUIRED = _("Give the reason for replacing the manager.")
DISSOLVE_REASON_REQUIRED = _("Give the reason for dissolving the network.")
ALREADY_DISSOLVED = _("This network is already dissolved.")


# --- helpers --------------------------------------------------------------------------------


def _application(network: Network) -> Application:
    application, _created = Application.objects.get_or_create(network=network)
    return application


def _require_open(network: Network) -> None:
    if network.phase == Network.Phase.DISSOLVED:
        raise ConflictError(NETWORK_CLOSED)


def _require_not_under_review(network: Network) -> None:
    if Application.objects.filter(network=network, status=Application.Status.SUBMITTED).exists():
        raise ConflictError(APPLICATION_UNDER_REVIEW)


# --- networks -------------------------------------------------------------------------------


@transaction.atomic
def network_create(
    *,
    actor: User,
    programme: Programme,
    name: str,
    region: str,
    sector: str,
    commune: str = "",
    facilitator: User | None = None,
    created_on: datetime.date | None = None,
) -> Network:
    """A facilitator creates a network they will run; agency staff name its facilitator."""
    if actor.role == User.Role.FACILITATOR:
        facilitator = actor
        allowed = actor.agency_id == programme.agency_id
    else:
        allowed = actor.is_agency and actor.agency_id == programme.agency_id
    access.require(allowed, NETWORK_PROGRAMME_NOT_YOURS)
    errors = {}
    if not (name or "").strip():
        errors["name"] = [NETWORK_NAME_REQUIRED]
    if not (region or "").strip():
        errors["region"] = [_("Give the region.")]
    if not (sector or "").strip():
        errors["sector"] = [_("Give the sector.")]
    if facilitator is None or facilitator.role != User.Role.FACILITATOR:
        errors["facilitator"] = [NETWORK_FACILITATOR_REQUIRED]
    elif facilitator.agency_id != programme.agency_id:
        errors["facilitator"] = [FACILITATOR_OTHER_AGENCY]
    if errors:
        raise ValidationError(errors)
    network = Network.objects.create(
        programme=programme,
        name=name.strip(),
        region=region.strip(),
        commune=(commune or "").strip(),
        sector=sector.strip(),
        facilitator=facilitator,
        created_on=created_on or timezone.localdate(),
    )
    Application.objects.create(network=network)
    Diagnosis.objects.create(network=network, updated_by=actor)
    return network


@transaction.atomic
def network_update(*, network: Network, actor: User, **fields) -> Network:
    """Change the network's name, locality or sector (not its phase: that has its own services)."""
    access.require_change(actor, network)
    _require_open(network)
    allowed = {"name", "region", "commune", "sector"}
    changes = {k: (v or "").strip() for k, v in fields.items() if k in allowed}
    for required in ("name", "region", "sector"):
        if required in changes and not changes[required]:
            raise ValidationError({required: FIELD_REQUIRED})
    for key, value in changes.items():
        setattr(network, key, value)
    if changes:
        network.save(update_fields=list(changes))
    return network


# --- membership ----------------------------------------------------------------------------


@transaction.atomic
def membership_add(
    *, network: Network, firm: Firm, actor: User, joined_on: datetime.date | None = None
) -> Membership:
    """Add a firm to the network. A firm may be in several networks, but once in each."""
    access.require_change(actor, network)
    lock_network(network)
    _require_open(network)
    _require_not_under_review(network)
    if Membership.objects.filter(network=network, firm=firm, left_on__isnull=True).exists():
        raise ValidationError({"firm": [MEMBER_ALREADY_ACTIVE % {"firm": firm.name}]})
    if member_cap_holds(network, _application(network)):
        # Counted under the network's row lock: two adds at the cap take turns, one is refused.
        maximum = network.programme.max_firms
        if Membership.objects.filter(network=network, left_on__isnull=True).count() >= maximum:
            raise ValidationError({"firm": [MEMBER_CAP_REACHED % {"max": maximum}]})
    try:
        with transaction.atomic():
            return Membership.objects.create(
                network=network, firm=firm, joined_on=joined_on or timezone.localdate()
            )
    except IntegrityError:
        raise ValidationError({"firm": [MEMBER_ALREADY_ACTIVE % {"firm": firm.name}]}) from None


@transaction.atomic
def membership_remove(
    *,
    network: Network,
    firm: Firm,
    actor: User,
    reason: str = "",
    left_on: datetime.date | None = None,
) -> Membership | None:
    """Take a firm out of the network.

    Before approval the group is still being put together: the firm is simply removed. After
    approval the membership is closed with a date and a reason, so that its history stays.
    """
    access.require_change(actor, network)
    lock_network(network)
    _require_open(network)
    _require_not_under_review(network)
    membership = (
        Membership.objects.select_for_update()
        .filter(network=network, firm=firm, left_on__isnull=True)
        .first()
    )
    if membership is None:
        raise ValidationError({"firm": [MEMBER_NOT_ACTIVE % {"firm": firm.name}]})
    if not leaving_needs_reason(network, _application(network)):
        membership.delete()
        return None
    reason = require_text(reason, "reason", MEMBER_LEAVE_REASON_REQUIRED)
    left_on = left_on or timezone.localdate()
    if left_on < membership.joined_on:
        raise ValidationError(
            {"left_on": MEMBER_LEFT_BEFORE_JOINED % {"date": day(membership.joined_on)}}
        )
    membership.left_on, membership.leave_reason = left_on, reason
    membership.save(update_fields=["left_on", "leave_reason"])
    return membership


# --- diagnosis and goals --------------------------------------------------------------------


DIAGNOSIS_FIELDS = (
    "problems", "opportunities", "collaboration_basis", "technology_level", "skills",
    "innovation", "trust", "cooperation", "competition", "firm_size", "exports", "learning",
)  # fmt: skip


@transaction.atomic
def diagnosis_save(*, network: Network, actor: User, **fields) -> Diagnosis:
    """Write the diagnosis (any subset of its fields). Ratings are 1 to 3, or empty."""
    access.require_change(actor, network)
    _require_open(network)
    _require_not_under_review(network)
    diagnosis, _created = Diagnosis.objects.select_for_update().get_or_create(
        network=network, occasion=Diagnosis.Occasion.APPLICATION
    )
    errors = {}
    for key, value in fields.items():
        if key not in DIAGNOSIS_FIELDS:
            continue
        if key in ("problems", "opportunities", "collaboration_basis"):
            value = (value or "").strip()
        elif value is not None and value not in (1, 2, 3):
            errors[key] = [RATING_INVALID]
            continue
        setattr(diagnosis, key, value)
    if errors:
        raise ValidationError(errors)
    diagnosis.updated_by = actor
    diagnosis.save()
    return diagnosis


def _goal_errors(network, horizon, title, due_date, baseline, target) -> dict:
    errors = {}
    if network.phase == Network.Phase.PREPARATION and horizon in Goal.Horizon.values and due_date:
        # While the group prepares its application, goals count from today (the submission).
        today = timezone.localdate()
        limit = add_months(today, rules.goal_horizon_months(network.programme)[horizon])
        if not today <= due_date <= limit:
            label = rules.horizon_label(network.programme, horizon)
            errors["due_date"] = [GOAL_DUE_OUT_OF_HORIZON % {"horizon": label, "limit": day(limit)}]
    if horizon not in Goal.Horizon.values:
        errors["horizon"] = [_("Choose short or medium term.")]
    if not (title or "").strip():
        errors["title"] = [GOAL_TITLE_REQUIRED]
    if due_date is None:
        errors["due_date"] = [_("Give the due date.")]
    for field, value in (("baseline", baseline), ("target", target)):
        if value is not None and not isinstance(value, Decimal):
            errors[field] = [_("Enter a number.")]
    return errors


GOAL_FIELDS = ("horizon", "title", "indicator", "unit", "baseline", "target", "due_date")


@transaction.atomic
def goal_create(
    *,
    network: Network,
    actor: User,
    horizon: str,
    title: str,
    due_date: datetime.date,
    indicator: str = "",
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
) -> Goal:
    access.require_change(actor, network)
    _require_open(network)
    _require_not_under_review(network)
    errors = _goal_errors(network, horizon, title, due_date, baseline, target)
    if errors:
        raise ValidationError(errors)
    return Goal.objects.create(
        network=network, horizon=horizon, title=title.strip(), due_date=due_date,
        indicator=(indicator or "").strip(), unit=(unit or "").strip(),
        baseline=baseline, target=target,
    )  # fmt: skip


@transaction.atomic
def goal_update(*, goal: Goal, actor: User, **fields) -> Goal:
    network = goal.network
    access.require_change(actor, network)
    _require_open(network)
    _require_not_under_review(network)
    changes = {k: v for k, v in fields.items() if k in GOAL_FIELDS}
    for key in ("title", "indicator", "unit"):
        if key in changes:
            changes[key] = (changes[key] or "").strip()
    merged = {k: changes.get(k, getattr(goal, k)) for k in GOAL_FIELDS}
    errors = _goal_errors(
        network, merged["horizon"], merged["title"], merged["due_date"], merged["baseline"],
        merged["target"],
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    for key, value in changes.items():
        setattr(goal, key, value)
    if changes:
        goal.save(update_fields=list(changes))
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, actor: User) -> None:
    access.require_change(actor, goal.network)
    _require_open(goal.network)
    _require_not_under_review(goal.network)
    goal.delete()


# --- the application ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    met: bool
    message: str  # what to do when it is not met


def submit_checklist(network: Network, *, on: datetime.date | None = None) -> list[ChecklistItem]:
    """The conditions for submitting (and approving) an application, each met or not.

    `on` is the submission date that goal horizons count from (today by default).
    """
    on = on or timezone.localdate()
    programme = network.programme
    count = Membership.objects.filter(network=network, left_on__isnull=True).count()
    diagnosis = Diagnosis.objects.filter(
        network=network, occasion=Diagnosis.Occasion.APPLICATION
    ).first()
    goals = list(Goal.objects.filter(network=network))

    def has_goal(horizon, months):
        limit = add_months(on, months)
        return any(
            g.horizon == horizon and g.is_measurable and on <= g.due_date <= limit for g in goals
        )

    bounds = {"min": programme.min_firms, "max": programme.max_firms, "count": count}
    months = rules.goal_horizon_months(programme)  # the programme's horizons
    short, medium = ({"months": months[h]} for h in (Goal.Horizon.SHORT, Goal.Horizon.MEDIUM))
    return [
        ChecklistItem(
            "members",
            _("Between %(min)s and %(max)s active member firms (now %(count)s)") % bounds,
            programme.min_firms <= count <= programme.max_firms,
            MEMBERS_OUT_OF_BOUNDS % bounds,
        ),
        ChecklistItem(
            "diagnosis",
            _("Diagnosis: problems, opportunities and basis for collaboration"),
            bool(diagnosis and diagnosis.is_complete),
            str(DIAGNOSIS_INCOMPLETE),
        ),
        ChecklistItem(
            "short_goal",
            _("A short-term goal (within %(months)s months) with indicator, baseline and target")
            % short,
            has_goal(Goal.Horizon.SHORT, short["months"]),
            SHORT_GOAL_MISSING % short,
        ),
        ChecklistItem(
            "medium_goal",
            _("A medium-term goal (within %(months)s months) with indicator, baseline and target")
            % medium,
            has_goal(Goal.Horizon.MEDIUM, medium["months"]),
            MEDIUM_GOAL_MISSING % medium,
        ),
    ]


def _require_checklist(network: Network) -> None:
    unmet = [item.message for item in submit_checklist(network) if not item.met]
    if unmet:
        raise ValidationError(unmet)  # every unmet condition, not only the first


@transaction.atomic
def application_submit(*, network: Network, actor: User) -> Application:
    """Send the application to the agency. Lists every unmet condition when it cannot."""
    access.require_change(actor, network)
    lock_network(network)
    application = Application.objects.select_for_update().get(pk=_application(network).pk)
    if not application.is_editable or network.phase != Network.Phase.PREPARATION:
        raise ConflictError(APPLICATION_NOT_EDITABLE)
    _require_checklist(network)
    application.status = Application.Status.SUBMITTED
    application.submitted_by, application.submitted_at = actor, timezone.now()
    application.decided_by, application.decided_at, application.decision_reason = None, None, ""
    application.save()
    # The diagnosis at application is dated by the (latest) submission that sent it.
    Diagnosis.objects.filter(network=network, occasion=Diagnosis.Occasion.APPLICATION).update(
        diagnosed_on=timezone.localdate()
    )
    ApplicationEvent.objects.create(
        application=application, action=ApplicationEvent.Action.SUBMITTED, actor=actor
    )
    notifications.application_submitted(application)
    return application


DECISIONS = {
    "approve": (Application.Status.APPROVED, ApplicationEvent.Action.APPROVED),
    "return": (Application.Status.RETURNED, ApplicationEvent.Action.RETURNED),
    "reject": (Application.Status.REJECTED, ApplicationEvent.Action.REJECTED),
}


@transaction.atomic
def application_decide(
    *, application: Application, actor: User, decision: str, reason: str = ""
) -> Application:
    """Approve, return or reject a submitted application (four eyes, one decision only).

    The row is locked, so when two officers decide at once the second waits, then finds the
    application decided and gets APPLICATION_ALREADY_DECIDED.
    """
    network = application.network
    access.require_agency(actor, network)
    if decision not in DECISIONS:
        raise ValidationError({"decision": [DECISION_UNKNOWN]})
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.SUBMITTED:
        if application.decided_at is not None:
            raise ConflictError(APPLICATION_ALREADY_DECIDED)
        raise ConflictError(APPLICATION_NOT_SUBMITTED)
    if application.submitted_by_id == actor.pk:
        raise ValidationError(FOUR_EYES)
    reason = (reason or "").strip()
    if decision in ("return", "reject") and not reason:
        raise ValidationError({"reason": [DECISION_REASON_REQUIRED]})
    if decision == "approve":
        _require_checklist(network)  # the group may have changed since it was submitted
    status, action = DECISIONS[decision]
    application.status = status
    application.decided_by, application.decided_at = actor, timezone.now()
    application.decision_reason = reason
    application.save()
    ApplicationEvent.objects.create(
        application=application, action=action, actor=actor, reason=reason
    )
    if decision == "reject":
        # A rejected group ends here; it may apply again as a new network.
        phase_transition(
            network=lock_network(network), to_phase=Network.Phase.DISSOLVED, actor=actor,
            reason=_("Application rejected: %(reason)s") % {"reason": reason},
        )  # fmt: skip
    notifications.application_decided(application)
    return application


# --- the manager ----------------------------------------------------------------------------


def manager_errors(network: Network, person: User, monthly_salary, start: datetime.date) -> dict:
    errors = {}
    if person is None or person.role != User.Role.FACILITATOR or not person.is_active:
        errors["manager"] = [MANAGER_NOT_FACILITATOR]
    elif person.agency_id != network.programme.agency_id:
        # The manager will see the network: only the agency's own facilitators qualify.
        errors["manager"] = [FACILITATOR_OTHER_AGENCY]
    if not isinstance(monthly_salary, Decimal) or monthly_salary <= 0:
        errors["monthly_salary"] = [MANAGER_SALARY_INVALID]
    if start is None:
        errors["start_date"] = [_("Give the start date.")]
    elif start > add_months(timezone.localdate(), MANAGER_START_MONTHS_AHEAD):
        errors["start_date"] = [MANAGER_START_TOO_FAR]
    return errors


@transaction.atomic
def manager_appoint(
    *,
    network: Network,
    person: User,
    actor: User,
    start: datetime.date,
    monthly_salary: Decimal,
) -> ManagerAppointment:
    """Appoint the first manager: the network enters consolidation and the term starts.

    The start date may lie in the past, for networks that began before the app.
    """
    access.require_agency(actor, network)
    locked = lock_network(network)
    _require_open(locked)
    if ManagerAppointment.objects.filter(network=network).exists() or (
        locked.phase != Network.Phase.PREPARATION
    ):
        raise ConflictError(MANAGER_ALREADY_APPOINTED)
    if _application(network).status != Application.Status.APPROVED:
        raise ValidationError(APPLICATION_NOT_APPROVED)
    errors = manager_errors(locked, person, monthly_salary, start)
    if errors:
        raise ValidationError(errors)
    appointment = ManagerAppointment.objects.create(
        network=locked, person=person, start_date=start, monthly_salary=monthly_salary,
        appointed_by=actor,
    )  # fmt: skip
    locked.facilitator = person
    locked.term_start = start
    locked.handover_due = add_months(start, locked.programme.term_months)
    locked.save(update_fields=["facilitator", "term_start", "handover_due"])
    phase_transition(
        network=locked, to_phase=Network.Phase.CONSOLIDATION, actor=actor,
        reason=_("Manager appointed: %(name)s") % {"name": person.get_full_name() or person},
    )  # fmt: skip
    network.refresh_from_db()
    return appointment


@transaction.atomic
def manager_replace(
    *,
    network: Network,
    person: User,
    actor: User,
    start: datetime.date,
    monthly_salary: Decimal,
    reason: str,
) -> ManagerAppointment:
    """Close the current appointment and open a new one. The term keeps its start and due date."""
    access.require_agency(actor, network)
    locked = lock_network(network)
    _require_open(locked)
    current = (
        ManagerAppointment.objects.select_for_update()
        .filter(network=network, end_date__isnull=True)
        .first()
    )
    if current is None:
        raise ConflictError(MANAGER_NONE_YET)
    errors = manager_errors(locked, person, monthly_salary, start)
    if not (reason or "").strip():
        errors["reason"] = [MANAGER_REPLACE_REASON_REQUIRED]
    if start and start < current.start_date:
        errors["start_date"] = [MANAGER_START_BEFORE_CURRENT % {"date": day(current.start_date)}]
    if errors:
        raise ValidationError(errors)
    current.end_date, current.end_reason = start, reason.strip()
    current.save(update_fields=["end_date", "end_reason"])
    appointment = ManagerAppointment.objects.create(
        network=locked, person=person, start_date=start, monthly_salary=monthly_salary,
        appointed_by=actor,
    )  # fmt: skip
    locked.facilitator = person
    locked.save(update_fields=["facilitator"])
    network.refresh_from_db()
    return appointment


# --- dissolution ----------------------------------------------------------------------------


@transaction.atomic
def network_dissolve(*, network: Network, actor: User, reason: str) -> Network:
    """End the network, from any phase. The current manager's appointment ends today."""
    access.require_agency(actor, network)
    locked = lock_network(network)
    if locked.phase == Network.Phase.DISSOLVED:
        raise ConflictError(ALREADY_DISSOLVED)
    reason = require_text(reason, "reason", DISSOLVE_REASON_REQUIRED)
    for current in ManagerAppointment.objects.filter(network=network, end_date__isnull=True):
        current.end_date = max(timezone.localdate(), current.start_date)
        current.end_reason = reason
        current.save(update_fields=["end_date", "end_reason"])
    phase_transition(network=locked, to_phase=Network.Phase.DISSOLVED, actor=actor, reason=reason)
    network.refresh_from_db()
    return locked
