from django.urls import path

from networks import api

app_name = "api"

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("me/", api.me, name="me"),
]
