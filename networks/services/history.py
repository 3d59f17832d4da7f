"""History you can rely on: when a change to a record needs a reason, and how the reason is
kept (django-simple-history's change reason, on every history row the change writes).

A record needs a reason once others rely on it:
- an activity (and its attendance), once a member firm has confirmed its attendance;
- a joint action (and its participants), once a participating firm other than the one that
  logged it has confirmed (the logging firm is confirmed at once, so that alone does not count);
- a goal actual, once it is older than GOAL_ACTUAL_GRACE_DAYS or an evaluation of its network
  was recorded after it (the evaluators may have read it);
- a payment, always: it settles dues already charged;
- a firm's figures, always once recorded: evaluators compare them over time;
- a handover proposal, when it replaces an open one: the agency was asked to confirm that one
  (a confirmed handover never changes).

Services take `reason` as a keyword argument, refuse a change that needs one without it (400
naming `reason` in the API, the form's `reason` field on the pages), and store it on the
history rows of the change. A change that changes nothing needs no reason.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from networks.models import (
    Activity,
    Attendance,
    Evaluation,
    GoalActual,
    Handover,
    JointAction,
    JointActionParticipant,
    Network,
)

GOAL_ACTUAL_GRACE_DAYS = 7
REASON_MAX_LENGTH = 500


def _filled(message, values: dict) -> str:
    return str(message) % values


# A message with its number filled in when it is read, in the reader's language.
_lazy_filled = lazy(_filled, str)

ACTIVITY_REASON_REQUIRED = _(
    "Give a reason for the change: a member firm has confirmed its attendance at this activity."
)
JOINT_ACTION_REASON_REQUIRED = _(
    "Give a reason for the change: another participating firm has confirmed this joint action."
)
GOAL_ACTUAL_REASON_REQUIRED = _lazy_filled(
    _(
        "Give a reason for the change: this value was recorded more than %(days)s days ago, or "
        "an evaluation has been made since."
    ),
    {"days": GOAL_ACTUAL_GRACE_DAYS},
)
PAYMENT_REASON_REQUIRED = _(
    "Give a reason for the change: a payment settles dues already charged, so every change to "
    "one is explained."
)
INDICATOR_REASON_REQUIRED = _(
    "Give a reason for the change: evaluators compare recorded figures over time, so every "
    "change to them is explained."
)
HANDOVER_REASON_REQUIRED = _(
    "Give a reason: this proposal replaces one the agency has been asked to confirm."
)
REASON_TOO_LONG = _lazy_filled(
    _("Keep the reason under %(max)s characters."), {"max": REASON_MAX_LENGTH}
)

# What the forms say next to the reason field, per record: the rule in the user's words.
ACTIVITY_REASON_HELP = _(
    "Needed once a member firm has confirmed its attendance. Kept in the audit history."
)
JOINT_ACTION_REASON_HELP = _(
    "Needed once a firm other than the one that logged it has confirmed. Kept in the audit history."
)
GOAL_ACTUAL_REASON_HELP = _lazy_filled(
    _(
        "Needed once the value is more than %(days)s days old or an evaluation has been made "
        "since. Kept in the audit history."
    ),
    {"days": GOAL_ACTUAL_GRACE_DAYS},
)
PAYMENT_REASON_HELP = _("Always needed for a recorded payment. Kept in the audit history.")
INDICATOR_REASON_HELP = _("Always needed for recorded figures. Kept in the audit history.")
HANDOVER_REASON_HELP = _(
    "Needed when this proposal replaces an open one. Kept in the audit history."
)


# --- the rule, per record -------------------------------------------------------------------


def activity_needs_reason(activity: Activity) -> bool:
    return Attendance.objects.filter(activity=activity, confirmed_at__isnull=False).exists()


def joint_action_needs_reason(joint_action: JointAction) -> bool:
    confirmed = JointActionParticipant.objects.filter(
        joint_action=joint_action, confirmed_at__isnull=False
    )
    if joint_action.logged_by_firm_id is not None:
        confirmed = confirmed.exclude(firm_id=joint_action.logged_by_firm_id)
    return confirmed.exists()


def goal_actual_needs_reason(actual: GoalActual, *, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    if actual.created_at <= now - datetime.timedelta(days=GOAL_ACTUAL_GRACE_DAYS):
        return True
    network_id = Network.objects.filter(goals__actuals=actual).values("pk")
    return Evaluation.objects.filter(
        network_id__in=network_id, created_at__gte=actual.created_at
    ).exists()


def payment_needs_reason(payment) -> bool:
    return True


def firm_indicator_needs_reason(report) -> bool:
    return True


def handover_needs_reason(network: Network) -> bool:
    return Handover.objects.filter(network=network, status=Handover.Status.PROPOSED).exists()


# --- applying it ----------------------------------------------------------------------------


def clean_reason(reason: str | None, *, needed: bool, message) -> str:
    """The reason, stripped; ValidationError naming `reason` when it is needed and missing or
    too long."""
    reason = (reason or "").strip()
    if needed and not reason:
        raise ValidationError({"reason": [message]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": [REASON_TOO_LONG]})
    return reason


def with_reason(instance, *, actor, reason: str):
    """Mark the next save or delete of `instance`: its history row gets this user and reason."""
    instance._history_user = actor
    instance._change_reason = reason or None
    return instance
