"""Pages. Each view: access check -> form -> service -> message -> redirect.

Split by subject; everything is re-exported here for `networks.urls`.
"""

from networks.views.application import (
    application_checklist,
    application_decide,
    application_submit,
    approvals_queue,
    network_application,
)
from networks.views.diagnosis import goal_create, goal_delete, goal_edit, network_diagnosis
from networks.views.home import agency_at_risk, agency_home, facilitator_home, firm_home, home
from networks.views.manager import manager_appoint, manager_replace
from networks.views.members import member_add, member_remove, member_search, network_members
from networks.views.networks import network_create, network_detail, network_dissolve

__all__ = [
    "agency_at_risk",
    "agency_home",
    "application_checklist",
    "application_decide",
    "application_submit",
    "approvals_queue",
    "facilitator_home",
    "firm_home",
    "goal_create",
    "goal_delete",
    "goal_edit",
    "home",
    "manager_appoint",
    "manager_replace",
    "member_add",
    "member_remove",
    "member_search",
    "network_application",
    "network_create",
    "network_detail",
    "network_diagnosis",
    "network_dissolve",
    "network_members",
]
