from django.urls import path

from networks import views
from networks.views import (
    accounts,
    activities,
    corrections,
    data,
    evaluation,
    history,
    joint_actions,
    progress,
    term,
)

app_name = "networks"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/agency/", views.agency_home, name="agency-home"),
    path("home/agency/at-risk/", views.agency_at_risk, name="agency-at-risk"),
    path("home/facilitator/", views.facilitator_home, name="facilitator-home"),
    path("home/firm/", views.firm_home, name="firm-home"),
    path("networks/new/", views.network_create, name="network-create"),
    path("networks/<int:pk>/", views.network_detail, name="network-detail"),
    path("networks/<int:pk>/dissolve/", views.network_dissolve, name="network-dissolve"),
    path("networks/<int:pk>/members/", views.network_members, name="network-members"),
    path("networks/<int:pk>/members/search/", views.member_search, name="member-search"),
    path("networks/<int:pk>/members/add/", views.member_add, name="member-add"),
    path(
        "networks/<int:pk>/members/<int:firm_pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("networks/<int:pk>/diagnosis/", views.network_diagnosis, name="network-diagnosis"),
    path("networks/<int:pk>/goals/new/", views.goal_create, name="goal-create"),
    path("networks/<int:pk>/goals/<int:goal_pk>/edit/", views.goal_edit, name="goal-edit"),
    path("networks/<int:pk>/goals/<int:goal_pk>/delete/", views.goal_delete, name="goal-delete"),
    path("networks/<int:pk>/application/", views.network_application, name="network-application"),
    path(
        "networks/<int:pk>/application/checklist/",
        views.application_checklist,
        name="application-checklist",
    ),
    path(
        "networks/<int:pk>/application/submit/",
        views.application_submit,
        name="application-submit",
    ),
    path(
        "networks/<int:pk>/application/decide/",
        views.application_decide,
        name="application-decide",
    ),
    path("networks/<int:pk>/manager/appoint/", views.manager_appoint, name="manager-appoint"),
    path("networks/<int:pk>/manager/replace/", views.manager_replace, name="manager-replace"),
    path("approvals/", views.approvals_queue, name="approvals-queue"),
]

urlpatterns += (
    activities.urlpatterns
    + joint_actions.urlpatterns
    + progress.urlpatterns
    + term.urlpatterns
    + evaluation.urlpatterns
    + data.urlpatterns
    + history.urlpatterns
    + accounts.urlpatterns
    + corrections.urlpatterns
)
