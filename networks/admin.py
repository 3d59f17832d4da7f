from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from networks.models import (
    Agency,
    Application,
    ApplicationEvent,
    Firm,
    ManagerAppointment,
    Membership,
    Network,
    PhaseTransition,
    Programme,
    User,
)
from networks.services import programmes as programme_services


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

    def save_model(self, request, obj, form, change):
        # A new programme gets its default criteria and types, as programme_create gives them.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                programme_services.programme_defaults_ensure(programme=obj)


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


class ReadOnlyAdminMixin:
    """History and lifecycle rows change only through the services (the app's pages and API)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["firm", "joined_on", "left_on", "leave_reason"]


class AppointmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ManagerAppointment
    extra = 0


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PhaseTransition
    extra = 0


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    """Name and locality may be corrected here; the phase, the manager and the term only move
    through the lifecycle services, so they are read-only."""

    list_display = ["name", "programme", "phase", "region", "sector", "facilitator"]
    list_filter = ["phase", "programme"]
    search_fields = ["name"]
    readonly_fields = ["programme", "phase", "facilitator", "term_start", "handover_due"]
    inlines = [MembershipInline, AppointmentInline, TransitionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["network", "from_phase", "to_phase", "actor", "at"]
    list_filter = ["to_phase"]


class ApplicationEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationEvent
    extra = 0


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["network", "status", "submitted_at", "decided_at"]
    list_filter = ["status"]
    inlines = [ApplicationEventInline]
