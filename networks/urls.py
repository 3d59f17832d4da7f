"""Every page route, grouped by subject (the API's are in networks/api/urls.py).

The order is the resolver's: keep it when adding a route, or a broader pattern may shadow it.
"""

from django.urls import path
from django.views.generic import RedirectView

from networks.views import (
    accounts,
    activities,
    certifications,
    confirmations,
    corrections,
    dashboard,
    data,
    diagnoses,
    evaluation,
    history,
    independence,
    joint_actions,
    lifecycle,
    notifications,
    people,
    programmes,
    progress,
    projects,
    support,
    term,
    workspace,
)

app_name = "networks"


def _moved(name: str):
    """A page that moved: a permanent redirect to its new address (same ids, same query)."""
    return RedirectView.as_view(pattern_name=f"networks:{name}", permanent=True, query_string=True)


urlpatterns = [
    # --- the home pages, and a network's life before consolidation
    path("", dashboard.home, name="home"),
    path("home/agency/", dashboard.agency_home, name="agency-home"),
    path("home/agency/at-risk/", dashboard.agency_at_risk, name="agency-at-risk"),
    path("home/facilitator/", dashboard.facilitator_home, name="facilitator-home"),
    path("home/firm/", dashboard.firm_home, name="firm-home"),
    path("networks/new/", lifecycle.network_create, name="network-create"),
    # --- a network's workspace: the overview and its tabs (the other tabs are list pages)
    path("networks/<int:pk>/", workspace.network_detail, name="network-detail"),
    path("networks/<int:pk>/firms/", workspace.network_firms, name="network-firms"),
    path("networks/<int:pk>/money/", workspace.network_money, name="network-money"),
    path("networks/<int:pk>/progress/", workspace.network_progress, name="network-progress"),
    path("networks/<int:pk>/timeline/", workspace.network_timeline, name="network-timeline"),
    path("networks/<int:pk>/dissolve/", lifecycle.network_dissolve, name="network-dissolve"),
    path("networks/<int:pk>/members/", lifecycle.network_members, name="network-members"),
    path("networks/<int:pk>/members/search/", lifecycle.member_search, name="member-search"),
    path("networks/<int:pk>/members/add/", lifecycle.member_add, name="member-add"),
    path(
        "networks/<int:pk>/members/<int:firm_pk>/remove/",
        lifecycle.member_remove,
        name="member-remove",
    ),
    path("networks/<int:pk>/diagnosis/", lifecycle.network_diagnosis, name="network-diagnosis"),
    path("networks/<int:pk>/goals/new/", lifecycle.goal_create, name="goal-create"),
    path("networks/<int:pk>/goals/<int:goal_pk>/edit/", lifecycle.goal_edit, name="goal-edit"),
    path(
        "networks/<int:pk>/goals/<int:goal_pk>/delete/", lifecycle.goal_delete, name="goal-delete"
    ),
    path(
        "networks/<int:pk>/application/", lifecycle.network_application, name="network-application"
    ),
    path(
        "networks/<int:pk>/application/checklist/",
        lifecycle.application_checklist,
        name="application-checklist",
    ),
    path(
        "networks/<int:pk>/application/submit/",
        lifecycle.application_submit,
        name="application-submit",
    ),
    path(
        "networks/<int:pk>/application/decide/",
        lifecycle.application_decide,
        name="application-decide",
    ),
    path("networks/<int:pk>/manager/appoint/", lifecycle.manager_appoint, name="manager-appoint"),
    path("networks/<int:pk>/manager/replace/", lifecycle.manager_replace, name="manager-replace"),
    path("approvals/", lifecycle.approvals_queue, name="approvals-queue"),
    # --- activities
    path("networks/<int:pk>/activities/", activities.activity_list, name="activity-list"),
    path("networks/<int:pk>/activities/new/", activities.activity_create, name="activity-create"),
    path(
        "networks/<int:pk>/activities/<int:activity_pk>/",
        activities.activity_detail,
        name="activity-detail",
    ),
    path(
        "networks/<int:pk>/activities/<int:activity_pk>/edit/",
        activities.activity_edit,
        name="activity-edit",
    ),
    path(
        "networks/<int:pk>/activities/<int:activity_pk>/delete/",
        activities.activity_delete,
        name="activity-delete",
    ),
    path(
        "networks/<int:pk>/activities/<int:activity_pk>/confirm/",
        activities.attendance_confirm,
        name="attendance-confirm",
    ),
    path(
        "networks/<int:pk>/activities/<int:activity_pk>/decline/",
        confirmations.attendance_decline,
        name="attendance-decline",
    ),
    path(
        "networks/<int:pk>/activities/<int:activity_pk>/record-answer/",
        confirmations.attendance_record,
        name="attendance-record",
    ),
    path(
        "networks/<int:pk>/activities/<int:activity_pk>/remind/",
        confirmations.attendance_remind,
        name="attendance-remind",
    ),
    path(
        "networks/<int:pk>/activities/<int:activity_pk>/attachments/",
        activities.attachment_add,
        name="attachment-add",
    ),
    path(
        "attachments/<int:attachment_pk>/download/",
        activities.attachment_download,
        name="attachment-download",
    ),
    path(
        "attachments/<int:attachment_pk>/delete/",
        activities.attachment_delete,
        name="attachment-delete",
    ),
    # --- joint actions and support-service take-up
    path("joint-actions/new/", joint_actions.joint_action_choose, name="joint-action-choose"),
    path(
        "networks/<int:pk>/joint-actions/",
        joint_actions.joint_action_list,
        name="joint-action-list",
    ),
    path(
        "networks/<int:pk>/joint-actions/new/",
        joint_actions.joint_action_create,
        name="joint-action-create",
    ),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/",
        joint_actions.joint_action_detail,
        name="joint-action-detail",
    ),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/edit/",
        joint_actions.joint_action_edit,
        name="joint-action-edit",
    ),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/confirm/",
        joint_actions.joint_action_confirm,
        name="joint-action-confirm",
    ),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/decline/",
        joint_actions.joint_action_decline,
        name="joint-action-decline",
    ),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/record-answer/",
        confirmations.participation_record,
        name="participation-record",
    ),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/remind/",
        confirmations.participation_remind,
        name="participation-remind",
    ),
    path(
        "networks/<int:pk>/answers/<slug:kind>/<int:row_pk>/file/",
        confirmations.confirmation_evidence,
        name="confirmation-evidence",
    ),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/sales/",
        projects.joint_action_sales,
        name="joint-action-sales",
    ),
    path("networks/<int:pk>/projects/", projects.project_list, name="project-list"),
    path(
        "networks/<int:pk>/projects/<int:project_pk>/",
        projects.project_detail,
        name="project-detail",
    ),
    path(
        "networks/<int:pk>/projects/<int:project_pk>/edit/",
        projects.project_edit,
        name="project-edit",
    ),
    path(
        "networks/<int:pk>/projects/<int:project_pk>/milestones/<int:m_pk>/",
        projects.milestone_update,
        name="milestone-update",
    ),
    path("networks/<int:pk>/service-uptakes/", support.uptake_list, name="uptake-list"),
    path("networks/<int:pk>/service-uptakes/new/", support.uptake_create, name="uptake-create"),
    path(
        "networks/<int:pk>/service-uptakes/<int:uptake_pk>/edit/",
        support.uptake_edit,
        name="uptake-edit",
    ),
    # Moved under the console (issue 16): old bookmarks land on the new page.
    path("support/", _moved("support-catalogue")),
    # --- progress: goals, figures, participation, the graph
    path(
        "networks/<int:pk>/goals/<int:goal_pk>/progress/",
        progress.goal_progress,
        name="goal-progress",
    ),
    path(
        "goal-actuals/<int:pk>/evidence/<int:attachment_pk>/",
        progress.goal_evidence_download,
        name="goal-evidence-download",
    ),
    path("firms/<int:firm_pk>/indicators/", progress.firm_indicators, name="firm-indicators"),
    path("firms/<int:firm_pk>/people/", people.firm_people, name="firm-people"),
    path(
        "firms/<int:firm_pk>/indicators/sharing/<int:network_pk>/",
        progress.firm_figures_sharing,
        name="firm-figures-sharing",
    ),
    path("networks/<int:pk>/indicators/", progress.network_indicators, name="network-indicators"),
    path(
        "firms/<int:firm_pk>/certifications/",
        certifications.firm_certifications,
        name="firm-certifications",
    ),
    path(
        "certifications/<int:pk>/edit/",
        certifications.certification_edit,
        name="certification-edit",
    ),
    path(
        "certifications/<int:pk>/evidence/",
        certifications.certification_evidence,
        name="certification-evidence",
    ),
    path(
        "networks/<int:pk>/certifications/",
        certifications.network_certifications,
        name="network-certifications",
    ),
    path(
        "networks/<int:pk>/diagnoses/",
        diagnoses.network_rediagnosis,
        name="network-rediagnosis",
    ),
    path(
        "networks/<int:pk>/participation/",
        progress.network_participation,
        name="network-participation",
    ),
    path("networks/<int:pk>/graph/", progress.network_graph, name="network-graph"),
    # --- the term: ledger, payments, shares, handover
    path("networks/<int:pk>/ledger/", term.network_ledger, name="network-ledger"),
    path("networks/<int:pk>/ledger/<int:firm_pk>/", term.firm_ledger, name="firm-ledger"),
    path("networks/<int:pk>/payments/new/", term.payment_create, name="payment-create"),
    path("networks/<int:pk>/shares/", term.share_weights, name="share-weights"),
    path("networks/<int:pk>/dues/generate/", term.dues_generate, name="dues-generate"),
    path("networks/<int:pk>/term/extend/", term.term_extend, name="term-extend"),
    path("networks/<int:pk>/term/early-handover/", term.early_handover, name="early-handover"),
    path("networks/<int:pk>/handover/", term.handover_propose, name="handover-propose"),
    path("networks/<int:pk>/handover/confirm/", term.handover_confirm, name="handover-confirm"),
    # --- life after independence
    path("networks/<int:pk>/check-ins/", independence.check_in_list, name="check-in-list"),
    path("networks/<int:pk>/check-ins/new/", independence.check_in_create, name="check-in-create"),
    # --- evaluation and reports
    path(
        "networks/<int:pk>/evaluations/",
        evaluation.evaluation_list,
        name="evaluation-list",
    ),
    path(
        "networks/<int:pk>/evaluations/new/",
        evaluation.evaluation_create,
        name="evaluation-create",
    ),
    path(
        "networks/<int:pk>/evaluations/<int:evaluation_pk>/",
        evaluation.evaluation_detail,
        name="evaluation-detail",
    ),
    # The criteria sets moved under the console (issue 16): old bookmarks land on the new page.
    path("programmes/<int:programme_pk>/criteria/", _moved("criteria-set")),
    path(
        "programmes/<int:programme_pk>/criteria/<int:criterion_pk>/edit/", _moved("criterion-edit")
    ),
    path("reports/portfolio/", evaluation.report_portfolio, name="report-portfolio"),
    # --- exports, imports and the report
    path("exports/", data.export_list, name="export-list"),
    path("exports/<slug:kind>.<slug:fmt>", data.export_download, name="export"),
    path("imports/", data.import_upload, name="import"),
    path("imports/confirm/", data.import_confirm, name="import-confirm"),
    path("imports/cancel/", data.import_cancel, name="import-cancel"),
    path("imports/template.csv", data.import_template, name="import-template"),
    path("networks/<int:pk>/report/", data.network_report, name="network-report"),
    # --- the audit history
    path("networks/<int:pk>/history/", history.network_history, name="network-history"),
    # --- the agency console: programmes, types, people, the audit
    path("console/", programmes.console_home, name="console"),
    path(
        "console/programmes/<int:programme_pk>/",
        programmes.programme_settings,
        name="console-programme",
    ),
    path(
        "console/programmes/<int:programme_pk>/types/",
        programmes.programme_types,
        name="console-types",
    ),
    path(
        "console/programmes/<int:programme_pk>/activity-types/<int:type_pk>/edit/",
        programmes.type_edit,
        {"kind": "activity"},
        name="console-activity-type-edit",
    ),
    path(
        "console/programmes/<int:programme_pk>/activity-types/<int:type_pk>/retire/",
        programmes.type_retire,
        {"kind": "activity"},
        name="console-activity-type-retire",
    ),
    path(
        "console/programmes/<int:programme_pk>/activity-types/<int:type_pk>/reinstate/",
        programmes.type_reinstate,
        {"kind": "activity"},
        name="console-activity-type-reinstate",
    ),
    path(
        "console/programmes/<int:programme_pk>/joint-action-types/<int:type_pk>/edit/",
        programmes.type_edit,
        {"kind": "joint-action"},
        name="console-joint-action-type-edit",
    ),
    path(
        "console/programmes/<int:programme_pk>/joint-action-types/<int:type_pk>/retire/",
        programmes.type_retire,
        {"kind": "joint-action"},
        name="console-joint-action-type-retire",
    ),
    path(
        "console/programmes/<int:programme_pk>/joint-action-types/<int:type_pk>/reinstate/",
        programmes.type_reinstate,
        {"kind": "joint-action"},
        name="console-joint-action-type-reinstate",
    ),
    path(
        "console/programmes/<int:programme_pk>/criteria/",
        evaluation.criteria_set,
        name="criteria-set",
    ),
    path(
        "console/programmes/<int:programme_pk>/criteria/<int:criterion_pk>/edit/",
        evaluation.criterion_edit,
        name="criterion-edit",
    ),
    path(
        "console/programmes/<int:programme_pk>/criteria/<int:criterion_pk>/move/",
        evaluation.criterion_move,
        name="criterion-move",
    ),
    path(
        "console/programmes/<int:programme_pk>/criteria/<int:criterion_pk>/deactivate/",
        evaluation.criterion_deactivate,
        name="criterion-deactivate",
    ),
    path(
        "console/programmes/<int:programme_pk>/criteria/<int:criterion_pk>/reactivate/",
        evaluation.criterion_reactivate,
        name="criterion-reactivate",
    ),
    path("console/support/", support.support_catalogue, name="support-catalogue"),
    path("console/people/", people.people_list, name="console-people"),
    path("console/people/invite/", people.person_invite, name="console-invite"),
    path("console/people/<int:pk>/", people.person_detail, name="console-person"),
    path("console/people/<int:pk>/role/", people.person_role, name="console-person-role"),
    path(
        "console/people/<int:pk>/deactivate/",
        people.person_deactivate,
        name="console-person-deactivate",
    ),
    path(
        "console/people/<int:pk>/reactivate/",
        people.person_reactivate,
        name="console-person-reactivate",
    ),
    path(
        "console/invitations/<int:pk>/resend/", people.invitation_resend, name="invitation-resend"
    ),
    path(
        "console/invitations/<int:pk>/revoke/", people.invitation_revoke, name="invitation-revoke"
    ),
    path("console/audit/", history.console_audit, name="console-audit"),
    path("invitation/<str:token>/", people.invitation_accept, name="invitation-accept"),
    # The link in a "did your firm take part?" e-mail: no login (the signed token is the key).
    path("answer/<str:token>/", confirmations.confirmation_link, name="confirmation-link"),
    # --- the user's own account
    path("account/tokens/", accounts.token_list, name="token-list"),
    path("account/tokens/<int:pk>/revoke/", accounts.token_revoke, name="token-revoke"),
    # --- notifications: the inbox, its settings, the e-mails that could not be sent
    path("notifications/", notifications.notification_list, name="notification-list"),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification-read-all",
    ),
    path(
        "notifications/settings/",
        notifications.notification_preferences,
        name="notification-preferences",
    ),
    path("notifications/failed-mails/", notifications.failed_mail_list, name="failed-mail-list"),
    # --- corrections, each with a reason
    path(
        "networks/<int:pk>/payments/<int:payment_pk>/edit/",
        corrections.payment_edit,
        name="payment-edit",
    ),
    path(
        "networks/<int:pk>/goals/<int:goal_pk>/actuals/<int:actual_pk>/edit/",
        corrections.goal_actual_edit,
        name="goal-actual-edit",
    ),
    path(
        "firms/<int:firm_pk>/indicators/<int:indicator_pk>/edit/",
        corrections.firm_indicator_edit,
        name="firm-indicator-edit",
    ),
]
