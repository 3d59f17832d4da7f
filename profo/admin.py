"""The Django admin is for the platform's operators only: superusers made with
`createsuperuser`. Agency admins run their agency from the console (networks/views/console*),
which is scoped to their agency; the admin has no per-agency scoping, so it stays closed to them."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class ProfoAdminSite(admin.AdminSite):
    site_header = _("PROFO operators")
    site_title = _("PROFO operators")

    def has_permission(self, request):
        user = request.user
        # A superuser with a PROFO role is a leftover of the old demo (the data migration
        # clears the flag): still an agency's person, so still kept out.
        return user.is_active and user.is_superuser and not getattr(user, "role", "")


class ProfoAdminConfig(AdminConfig):
    default_site = "profo.admin.ProfoAdminSite"
