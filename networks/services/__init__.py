"""Writes. Every change to the domain goes through a function here.

Each service is keyword-only, validates the business rules, raises ValidationError with a
message kept as a module constant (the tests assert them) or ConflictError when the request
clashes with the current state, writes its audit rows, and runs in one transaction.
Views, forms, the API, the admin and the management commands all call these.

The functions live in modules by subject (lifecycle, firms, activities, joint_actions, support,
progress, term, reminders, evaluation) and are re-exported here.
"""

from networks.services.activities import (
    activity_delete,
    activity_log,
    activity_update,
    attachment_add,
    attachment_delete,
    attendance_confirm,
)
from networks.services.common import ConflictError
from networks.services.evaluation import evaluation_record
from networks.services.firms import firm_create, firm_update
from networks.services.joint_actions import (
    joint_action_confirm,
    joint_action_decline,
    joint_action_log,
    joint_action_update,
)
from networks.services.lifecycle import (
    application_decide,
    application_submit,
    diagnosis_save,
    goal_create,
    goal_delete,
    goal_update,
    manager_appoint,
    manager_replace,
    membership_add,
    membership_remove,
    network_create,
    network_dissolve,
    network_update,
    submit_checklist,
)
from networks.services.progress import (
    firm_figures_share,
    firm_indicator_record,
    firm_indicator_update,
    goal_actual_record,
    goal_actual_update,
)
from networks.services.reminders import reminders_send
from networks.services.support import provider_create, service_create, uptake_create, uptake_update
from networks.services.term import (
    dues_catch_up,
    dues_generate,
    early_handover_allow,
    handover_confirm,
    handover_propose,
    payment_delete,
    payment_record,
    payment_update,
    share_weights_set,
    term_extend,
)

__all__ = [
    "ConflictError",
    "activity_delete",
    "activity_log",
    "activity_update",
    "application_decide",
    "application_submit",
    "attachment_add",
    "attachment_delete",
    "attendance_confirm",
    "diagnosis_save",
    "dues_catch_up",
    "dues_generate",
    "early_handover_allow",
    "evaluation_record",
    "firm_create",
    "firm_figures_share",
    "firm_indicator_record",
    "firm_indicator_update",
    "firm_update",
    "goal_actual_record",
    "goal_actual_update",
    "goal_create",
    "goal_delete",
    "goal_update",
    "handover_confirm",
    "handover_propose",
    "joint_action_confirm",
    "joint_action_decline",
    "joint_action_log",
    "joint_action_update",
    "manager_appoint",
    "manager_replace",
    "membership_add",
    "membership_remove",
    "network_create",
    "network_dissolve",
    "network_update",
    "payment_delete",
    "payment_record",
    "payment_update",
    "provider_create",
    "reminders_send",
    "service_create",
    "share_weights_set",
    "submit_checklist",
    "term_extend",
    "uptake_create",
    "uptake_update",
]
