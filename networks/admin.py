"""The operators' admin (profo/admin.py lets only superusers in). Writes go through the
services, as on the pages; the clutter an operator never needs (groups, raw login logs) is
hidden."""

from axes.models import AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from networks.lib.taxid import normalize_tax_id
from networks.models import (
    ActivityType,
    Agency,
    Application,
    ApplicationEvent,
    Firm,
    JointActionType,
    ManagerAppointment,
    Membership,
    Network,
    PhaseTransition,
    Programme,
    User,
)
from networks.services import firms as firm_services
from networks.services import programmes as programme_services

# Roles are PROFO's own (User.role), not Django groups. Of the lock-out records, operators keep
# the attempts (to unlock an account); the login logs are noise in the admin.
for clutter in (Group, AccessLog, AccessFailureLog):
    if admin.site.is_registered(clutter):
        admin.site.unregister(clutter)


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
    list_display = ["username", "full_name", "email", "role", "agency", "firm", "is_active"]
    list_filter = ["role", "agency", "is_active", "is_superuser"]
    # A firm's contact is found by the firm's name or tax id, not only by their own name.
    search_fields = ["username", "first_name", "last_name", "email", "firm__name", "firm__tax_id"]
    list_select_related = ["agency", "firm"]
    autocomplete_fields = ["firm"]
    # No groups or raw permissions: PROFO's role decides what a user may do.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("PROFO role"), {"fields": ("role", "agency", "firm")}),
        (_("Access"), {"fields": ("is_active", "is_superuser", "is_staff")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("PROFO role"), {"fields": ("role", "agency", "firm")}),
    )

    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, obj) -> str:
        return obj.get_full_name()


class ProgrammeTypeAdmin(admin.ModelAdmin):
    """Activity and joint-action types: operators look them up; agencies keep theirs in the
    console. The slug is what the API and old records name, so it is never changed here."""

    list_display = ["slug", "name", "programme", "is_active", "position"]
    list_filter = ["is_active", "programme__agency"]
    search_fields = ["slug", "name"]
    list_select_related = ["programme__agency"]

    def get_readonly_fields(self, request, obj=None):
        return ["programme", "slug"] if obj else []


admin.site.register(ActivityType, ProgrammeTypeAdmin)
admin.site.register(JointActionType, ProgrammeTypeAdmin)


class FirmAdminForm(forms.ModelForm):
    class Meta:
        model = Firm
        fields = ["name", "tax_id", *firm_services.FIRM_FIELDS]

    def clean_tax_id(self):
        # firm_create checks it again; checking here shows the message on the form.
        return normalize_tax_id(self.cleaned_data["tax_id"])


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    """Firms are created by firm_create and changed by firm_update, as on the pages: their
    rules apply, and an agency admin changes only the firms of their agency's networks."""

    form = FirmAdminForm
    list_display = ["name", "tax_id", "sector", "region", "employees"]
    search_fields = ["name", "tax_id"]

    def get_readonly_fields(self, request, obj=None):
        # The tax id is the firm's public identifier: set once, when the firm is registered.
        return ["tax_id"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {key: data[key] for key in firm_services.FIRM_FIELDS if key in data}
        if change:
            firm_services.firm_update(firm=obj, actor=request.user, name=data["name"], **fields)
            return
        created = firm_services.firm_create(
            actor=request.user, name=data["name"], tax_id=data["tax_id"], **fields
        )
        obj.pk, obj.tax_id = created.pk, created.tax_id  # the admin's log and redirect


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
