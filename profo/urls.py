from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from networks.views.accounts import password_reset, set_language
from profo.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Django's language switch, wrapped so that the choice is also saved on the user.
    path("i18n/setlang/", set_language, name="set_language"),
    # Before Django's own routes: the same page, its e-mail sent by a worker.
    path("accounts/password_reset/", password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("networks.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include("networks.urls")),
]

handler400 = "profo.errors.bad_request"
handler500 = "profo.errors.server_error"
