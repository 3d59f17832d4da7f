from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from profo.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("networks.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include("networks.urls")),
]

handler500 = "profo.errors.server_error"
