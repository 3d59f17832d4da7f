"""The Django admin is for agency admins (and operators' superusers) only."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class ProfoAdminSite(admin.AdminSite):
    site_header = _("PROFO settings")
    site_title = _("PROFO settings")

    def has_permission(self, request):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or getattr(user, "role", "") == "agency_admin")
        )


class ProfoAdminConfig(AdminConfig):
    default_site = "profo.admin.ProfoAdminSite"
