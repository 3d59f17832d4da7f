from django.urls import path

from networks import (
    api,
    api_accounts,
    api_activities,
    api_corrections,
    api_dashboard,
    api_data,
    api_evaluation,
    api_joint_actions,
    api_progress,
    api_term,
    api_views,
)

app_name = "api"

urlpatterns = [
    path("me/", api.me, name="me"),
    path("networks/", api_views.NetworkListView.as_view(), name="network-list"),
    path("networks/<int:pk>/", api_views.NetworkDetailView.as_view(), name="network-detail"),
    path("networks/<int:pk>/members/", api_views.MemberListView.as_view(), name="member-list"),
    path(
        "networks/<int:pk>/members/<int:firm_id>/",
        api_views.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path("networks/<int:pk>/diagnosis/", api_views.DiagnosisView.as_view(), name="diagnosis"),
    path("networks/<int:pk>/goals/", api_views.GoalListView.as_view(), name="goal-list"),
    path("networks/<int:pk>/application/", api_views.ApplicationView.as_view(), name="application"),
    path("networks/<int:pk>/submit/", api_views.SubmitView.as_view(), name="submit"),
    path("networks/<int:pk>/decide/", api_views.DecideView.as_view(), name="decide"),
    path(
        "networks/<int:pk>/appoint-manager/",
        api_views.AppointManagerView.as_view(),
        name="appoint-manager",
    ),
    path(
        "networks/<int:pk>/replace-manager/",
        api_views.ReplaceManagerView.as_view(),
        name="replace-manager",
    ),
    path("networks/<int:pk>/dissolve/", api_views.DissolveView.as_view(), name="dissolve"),
    path(
        "networks/<int:pk>/transitions/",
        api_views.TransitionListView.as_view(),
        name="transition-list",
    ),
    path("firms/", api_views.FirmListView.as_view(), name="firm-list"),
]

urlpatterns += (
    api_accounts.urlpatterns
    + api_activities.urlpatterns
    + api_joint_actions.urlpatterns
    + api_progress.urlpatterns
    + api_term.urlpatterns
    + api_evaluation.urlpatterns
    + api_data.urlpatterns
    + api_corrections.urlpatterns
    + api_dashboard.urlpatterns
)
