from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from networks.models import Agency, Firm, Membership, Network, Programme, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "agency",
        "country",
        "currency",
        "min_firms",
        "max_firms",
        "term_months",
    ]
    list_filter = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "email", "role", "agency", "firm", "is_active"]
    list_filter = ["role", "agency", "is_active"]
    autocomplete_fields = ["firm"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("PROFO role"), {"fields": ("role", "agency", "firm")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("PROFO role"), {"fields": ("role", "agency", "firm")}),
    )


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "sector", "region", "employees"]
    search_fields = ["name", "tax_id"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["firm"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "phase", "region", "sector", "facilitator"]
    list_filter = ["phase", "programme"]
    search_fields = ["name"]
    inlines = [MembershipInline]
