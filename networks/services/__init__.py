"""Writes. Every change to the domain goes through a function here.

Each service is keyword-only, validates the business rules, raises ValidationError with a
message kept as a module constant (the tests assert them) or ConflictError when the request
clashes with the current state, writes its audit rows, and runs in one transaction.
Views, forms, the API, the admin and the management commands all call these.
"""

from networks.services.common import ConflictError
from networks.services.firms import firm_create, firm_update
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

__all__ = [
    "ConflictError",
    "application_decide",
    "application_submit",
    "diagnosis_save",
    "firm_create",
    "firm_update",
    "goal_create",
    "goal_delete",
    "goal_update",
    "manager_appoint",
    "manager_replace",
    "membership_add",
    "membership_remove",
    "network_create",
    "network_dissolve",
    "network_update",
    "submit_checklist",
]
