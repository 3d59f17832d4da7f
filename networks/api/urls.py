"""Every API route under /api/v1/, grouped by subject (the pages' are in networks/urls.py).

The order is the resolver's: keep it when adding a route.
"""

from django.urls import path

from networks.api.views import (
    accounts,
    activities,
    dashboard,
    data,
    evaluation,
    firms,
    independence,
    joint_actions,
    lifecycle,
    notifications,
    people,
    programmes,
    progress,
    records,
    support,
    term,
)

app_name = "api"

urlpatterns = [
    # --- the user, networks, firms, members, the application, the manager
    path("me/", accounts.me, name="me"),
    path("networks/", lifecycle.NetworkListView.as_view(), name="network-list"),
    path("networks/<int:pk>/", lifecycle.NetworkDetailView.as_view(), name="network-detail"),
    path("networks/<int:pk>/members/", lifecycle.MemberListView.as_view(), name="member-list"),
    path(
        "networks/<int:pk>/members/<int:firm_id>/",
        lifecycle.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path("networks/<int:pk>/diagnosis/", lifecycle.DiagnosisView.as_view(), name="diagnosis"),
    path("networks/<int:pk>/goals/", lifecycle.GoalListView.as_view(), name="goal-list"),
    path("networks/<int:pk>/application/", lifecycle.ApplicationView.as_view(), name="application"),
    path("networks/<int:pk>/submit/", lifecycle.SubmitView.as_view(), name="submit"),
    path("networks/<int:pk>/decide/", lifecycle.DecideView.as_view(), name="decide"),
    path(
        "networks/<int:pk>/appoint-manager/",
        lifecycle.AppointManagerView.as_view(),
        name="appoint-manager",
    ),
    path(
        "networks/<int:pk>/replace-manager/",
        lifecycle.ReplaceManagerView.as_view(),
        name="replace-manager",
    ),
    path("networks/<int:pk>/dissolve/", lifecycle.DissolveView.as_view(), name="dissolve"),
    path(
        "networks/<int:pk>/transitions/",
        lifecycle.TransitionListView.as_view(),
        name="transition-list",
    ),
    path("firms/", firms.FirmListView.as_view(), name="firm-list"),
    # --- tokens and the user's password
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("me/tokens/", accounts.OwnTokenListView.as_view(), name="token-list"),
    path("me/tokens/<int:pk>/", accounts.OwnTokenDetailView.as_view(), name="token-detail"),
    path("me/password/", accounts.PasswordView.as_view(), name="password"),
    # --- the user's notifications
    path(
        "notifications/",
        notifications.NotificationListView.as_view(),
        name="notification-list",
    ),
    path(
        "notifications/read-all/",
        notifications.NotificationReadAllView.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/<int:pk>/read/",
        notifications.NotificationReadView.as_view(),
        name="notification-read",
    ),
    # --- activities
    path(
        "networks/<int:pk>/activities/",
        activities.ActivityListView.as_view(),
        name="network-activity-list",
    ),
    path("activities/<int:pk>/", activities.ActivityDetailView.as_view(), name="activity-detail"),
    path(
        "activities/<int:pk>/attachments/",
        activities.AttachmentUploadView.as_view(),
        name="activity-attachment-upload",
    ),
    path(
        "attachments/<int:pk>/download/",
        activities.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path(
        "activities/<int:pk>/confirm-attendance/",
        activities.AttendanceConfirmView.as_view(),
        name="activity-attendance-confirm",
    ),
    path(
        "activities/<int:pk>/decline-attendance/",
        activities.AttendanceDeclineView.as_view(),
        name="activity-attendance-decline",
    ),
    path(
        "activities/<int:pk>/record-answer/",
        activities.AttendanceRecordView.as_view(),
        name="activity-record-answer",
    ),
    # --- joint actions and support-service take-up
    path(
        "networks/<int:pk>/joint-actions/",
        joint_actions.JointActionListView.as_view(),
        name="joint-action-list",
    ),
    path(
        "joint-actions/<int:pk>/",
        joint_actions.JointActionDetailView.as_view(),
        name="joint-action-detail",
    ),
    path(
        "joint-actions/<int:pk>/confirm/",
        joint_actions.ConfirmView.as_view(),
        name="joint-action-confirm",
    ),
    path(
        "joint-actions/<int:pk>/decline/",
        joint_actions.DeclineView.as_view(),
        name="joint-action-decline",
    ),
    path(
        "joint-actions/<int:pk>/record-answer/",
        joint_actions.RecordAnswerView.as_view(),
        name="joint-action-record-answer",
    ),
    path(
        "networks/<int:pk>/service-uptakes/", support.UptakeListView.as_view(), name="uptake-list"
    ),
    path("service-uptakes/<int:pk>/", support.UptakeDetailView.as_view(), name="uptake-detail"),
    path(
        "support-services/", support.SupportServiceListView.as_view(), name="support-service-list"
    ),
    # --- progress: figures and their sharing, goal actuals, participation, the graph
    path(
        "firms/<int:pk>/indicators/",
        progress.FirmIndicatorListView.as_view(),
        name="firm-indicator-list",
    ),
    path(
        "firms/<int:pk>/sharing/",
        progress.FigureSharingListView.as_view(),
        name="firm-sharing-list",
    ),
    path(
        "firms/<int:pk>/sharing/<int:network_pk>/",
        progress.FigureSharingDetailView.as_view(),
        name="firm-sharing-detail",
    ),
    path("goals/<int:pk>/actuals/", progress.GoalActualListView.as_view(), name="goal-actual-list"),
    path(
        "networks/<int:pk>/participation/",
        progress.ParticipationView.as_view(),
        name="participation",
    ),
    path("networks/<int:pk>/graph/", progress.GraphView.as_view(), name="graph"),
    # --- the term
    path(
        "networks/<int:pk>/contributions/",
        term.ContributionListView.as_view(),
        name="contribution-list",
    ),
    path(
        "networks/<int:pk>/ledger/<int:firm_id>/", term.FirmLedgerView.as_view(), name="firm-ledger"
    ),
    path("networks/<int:pk>/payments/", term.PaymentCreateView.as_view(), name="payment-create"),
    path("networks/<int:pk>/readiness/", term.ReadinessView.as_view(), name="readiness"),
    path("networks/<int:pk>/handover/", term.HandoverView.as_view(), name="handover"),
    path(
        "networks/<int:pk>/handover/confirm/",
        term.HandoverConfirmView.as_view(),
        name="handover-confirm",
    ),
    path("networks/<int:pk>/extend-term/", term.ExtendTermView.as_view(), name="extend-term"),
    path(
        "networks/<int:pk>/early-handover/", term.EarlyHandoverView.as_view(), name="early-handover"
    ),
    # --- life after independence
    path(
        "networks/<int:pk>/check-ins/",
        independence.CheckInListView.as_view(),
        name="check-in-list",
    ),
    # --- evaluation and reports
    path(
        "networks/<int:pk>/evaluations/",
        evaluation.EvaluationListView.as_view(),
        name="evaluation-list",
    ),
    path("criteria/", evaluation.CriterionListView.as_view(), name="criterion-list"),
    # --- the agency console: programme settings, types, people, invitations
    path("programmes/<int:pk>/", programmes.ProgrammeDetailView.as_view(), name="programme-detail"),
    path(
        "activity-types/",
        programmes.TypeListView.as_view(kind="activity"),
        name="activity-type-list",
    ),
    path(
        "activity-types/<int:pk>/",
        programmes.TypeDetailView.as_view(kind="activity"),
        name="activity-type-detail",
    ),
    path(
        "joint-action-types/",
        programmes.TypeListView.as_view(kind="joint-action"),
        name="joint-action-type-list",
    ),
    path(
        "joint-action-types/<int:pk>/",
        programmes.TypeDetailView.as_view(kind="joint-action"),
        name="joint-action-type-detail",
    ),
    path("users/", people.UserListView.as_view(), name="user-list"),
    path("invitations/", people.InvitationListView.as_view(), name="invitation-list"),
    path("reports/portfolio/", evaluation.PortfolioView.as_view(), name="report-portfolio"),
    # --- exports
    path("exports/<slug:kind>/", data.ExportView.as_view(), name="export"),
    # --- corrections, each with a reason
    path("payments/<int:pk>/", term.PaymentDetailView.as_view(), name="payment-detail"),
    path(
        "goal-actuals/<int:pk>/", progress.GoalActualDetailView.as_view(), name="goal-actual-detail"
    ),
    path(
        "firm-indicators/<int:pk>/",
        progress.FirmIndicatorDetailView.as_view(),
        name="firm-indicator-detail",
    ),
    # --- the dashboard
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    # --- the broker's records: certifications, diagnoses, projects, sales won together
    path(
        "firms/<int:pk>/certifications/",
        records.CertificationListView.as_view(),
        name="certification-list",
    ),
    path(
        "certifications/<int:pk>/",
        records.CertificationDetailView.as_view(),
        name="certification-detail",
    ),
    path(
        "networks/<int:pk>/diagnoses/", records.DiagnosisListView.as_view(), name="diagnosis-list"
    ),
    path("networks/<int:pk>/projects/", records.ProjectListView.as_view(), name="project-list"),
    path(
        "networks/<int:pk>/projects/<int:project_pk>/",
        records.ProjectDetailView.as_view(),
        name="project-detail",
    ),
    path(
        "networks/<int:pk>/projects/<int:project_pk>/milestones/",
        records.MilestoneListView.as_view(),
        name="milestone-list",
    ),
    path(
        "networks/<int:pk>/projects/<int:project_pk>/milestones/<int:m_pk>/",
        records.MilestoneDetailView.as_view(),
        name="milestone-detail",
    ),
    path("joint-actions/<int:pk>/sales/", records.SalesView.as_view(), name="joint-action-sales"),
]
