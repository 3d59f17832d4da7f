from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/agency/", views.agency_home, name="agency-home"),
    path("home/facilitator/", views.facilitator_home, name="facilitator-home"),
    path("home/firm/", views.firm_home, name="firm-home"),
]
