"""Programmes: a new one starts with the default criteria set and the default activity and
joint-action types (the admin, the seeds and the tests create them here); its agency's admins
change its settings and keep its types in the console. Every change writes a history row with
who made it (and, for the settings, why)."""

import copy
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.models import ActivityType, Agency, Criterion, JointActionType, Programme
from networks.services import history as history_services


@transaction.atomic
def programme_create(*, agency: Agency, name: str, **settings) -> Programme:
    """A programme with the default criteria and type lists. `settings` are the Programme's
    other fields (currency, term_months, arrears_days...); the model's defaults apply to the
    rest."""
    programme = Programme.objects.create(agency=agency, name=name, **settings)
    programme_defaults_ensure(programme=programme)
    return programme


def programme_defaults_ensure(*, programme: Programme) -> None:
    """Give a programme the default types and criteria it does not have yet (named in English;
    pages show the default ones in the reader's language)."""
    with translation.override("en"):
        _ensure_defaults(programme)


def _ensure_defaults(programme: Programme) -> None:
    existing = set(Criterion.objects.filter(programme=programme).values_list("key", flat=True))
    Criterion.objects.bulk_create(
        Criterion(
            programme=programme,
            key=key,
            title=str(label),
            position=index,
            suggestion=Criterion.DEFAULT_SUGGESTIONS.get(key, ""),
        )  # fmt: skip
        for index, (key, label) in enumerate(Criterion.DEFAULT_LABELS.items())
        if key not in existing
    )
    for model in (ActivityType, JointActionType):
        existing = set(model.objects.filter(programme=programme).values_list("slug", flat=True))
        model.objects.bulk_create(
            model(programme=programme, slug=slug, name=str(label), position=index)
            for index, (slug, label) in enumerate(model.DEFAULT_LABELS.items())
            if slug not in existing
        )


# --- the programme's settings (the console's programme page and the API) --------------------

# The settings an agency admin changes, grouped as the page shows them. One line per setting:
# the form, the API and the preview follow this list (a field without a preview of its own
# gets the general one, selectors.programmes.settings_preview).
SETTING_GROUPS = (
    (_("Member firms"), ("min_firms", "max_firms")),
    (_("The term"), ("term_months", "agency_share_schedule", "overdue_agency_percent", "currency")),
    (_("Dues and reminders"), ("arrears_days", "reminder_offsets_months")),
    (_("Goals of the application"), ("goal_short_months", "goal_medium_months")),
    (_("Participation"), ("participation_window_months", "participation_risk_percent")),
    (_("After independence"), ("check_in_years",)),
)
SETTING_FIELDS = tuple(name for _title, names in SETTING_GROUPS for name in names)

SETTING_UNKNOWN = _("This is not a setting of the programme.")
SETTING_REASON_REQUIRED = _("Say why the settings change: the audit keeps it with the change.")
SHARE_SCHEDULE_EMPTY = _("Give at least one year's share.")
CURRENCY_FORMAT = _("Give the currency's three-letter code, e.g. CLP.")


def _apply_settings(programme: Programme, settings: dict) -> list[str]:
    """Set `settings` on `programme` (in memory) and check them as a whole; the names that
    changed. Raises the field errors saving would raise."""
    unknown = set(settings) - set(SETTING_FIELDS)
    if unknown:
        raise ValidationError({name: [SETTING_UNKNOWN] for name in sorted(unknown)})
    if "currency" in settings:
        settings = {**settings, "currency": (settings["currency"] or "").upper()}
    changed = [name for name, value in settings.items() if getattr(programme, name) != value]
    for name in changed:
        setattr(programme, name, settings[name])
    errors = {}
    if not re.fullmatch(r"[A-Z]{3}", programme.currency or ""):
        errors["currency"] = [CURRENCY_FORMAT]
    if isinstance(programme.agency_share_schedule, list) and not programme.agency_share_schedule:
        errors["agency_share_schedule"] = [SHARE_SCHEDULE_EMPTY]
    try:
        programme.full_clean(exclude=["agency", "name", "country"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return changed


def programme_settings_check(*, programme: Programme, actor, **settings) -> dict:
    """What `programme_update` checks, saving nothing (the preview): raises the same field
    errors; returns the settings as they would be saved (the currency in capitals)."""
    access.require(access.can_admin_programme(actor, programme))
    candidate = copy.copy(programme)  # the caller's programme keeps its values
    changed = _apply_settings(candidate, dict(settings))
    return {name: getattr(candidate, name) for name in settings if name in changed}


@transaction.atomic
def programme_update(*, programme: Programme, actor, reason: str, **settings) -> Programme:
    """Change some of the programme's settings (SETTING_FIELDS), checked as a whole.

    A change never rewrites the past: charges and dues already made keep their amounts, and a
    network's handover date set at its manager's appointment stays; the new values apply from
    now on (what they do to running networks: selectors.programmes.settings_preview)."""
    access.require(access.can_admin_programme(actor, programme))
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if not programme_settings_check(programme=locked, actor=actor, **settings):
        return locked
    reason = history_services.clean_reason(reason, needed=True, message=SETTING_REASON_REQUIRED)
    changed = _apply_settings(locked, settings)
    history_services.with_reason(locked, actor=actor, reason=reason)
    locked.save(update_fields=changed)
    return locked


# --- activity and joint-action types ----------------------------------------------------------

TYPE_MODELS = {"activity": ActivityType, "joint-action": JointActionType}

TYPE_NAME_REQUIRED = _("Give the type's name in English.")
TYPE_NAME_TAKEN = _("The programme already has a type of this name.")
TYPE_LAST_ACTIVE = _("Keep at least one active type: add another before retiring this one.")
TYPE_ALREADY_RETIRED = _("This type is already retired.")


def _check_names(model, programme, name: str, name_es: str, *, exclude_pk=None) -> dict:
    errors = {}
    if not name:
        errors["name"] = [TYPE_NAME_REQUIRED]
    others = model.objects.filter(programme=programme).exclude(pk=exclude_pk)
    if name and others.filter(Q(name__iexact=name) | Q(name_es__iexact=name)).exists():
        errors["name"] = [TYPE_NAME_TAKEN]
    if name_es and others.filter(Q(name__iexact=name_es) | Q(name_es__iexact=name_es)).exists():
        errors["name_es"] = [TYPE_NAME_TAKEN]
    return errors


def _free_slug(model, programme, name: str) -> str:
    base = slugify(name).replace("-", "_")[:40] or "type"
    taken = set(
        model.objects.filter(programme=programme, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}_{number}", number + 1
    return slug


@transaction.atomic
def type_create(*, programme: Programme, actor, kind: str, name: str, name_es: str = ""):
    """A new activity or joint-action type, named in English and Spanish; its slug (for the
    API and the records) comes from the English name and never changes."""
    access.require(access.can_admin_programme(actor, programme))
    model = TYPE_MODELS[kind]
    name, name_es = (name or "").strip(), (name_es or "").strip()
    errors = _check_names(model, programme, name, name_es)
    if errors:
        raise ValidationError(errors)
    last = model.objects.filter(programme=programme).order_by("-position").first()
    row = model(
        programme=programme, slug=_free_slug(model, programme, name), name=name,
        name_es=name_es, position=(last.position + 1) if last else 0,
    )  # fmt: skip
    history_services.with_reason(row, actor=actor, reason="")
    row.save()
    return row


@transaction.atomic
def type_rename(*, type_row, actor, name: str, name_es: str = ""):
    """New names (the records that use the type show them); the slug stays."""
    access.require(access.can_admin_programme(actor, type_row.programme))
    name, name_es = (name or "").strip(), (name_es or "").strip()
    errors = _check_names(type(type_row), type_row.programme, name, name_es, exclude_pk=type_row.pk)
    if errors:
        raise ValidationError(errors)
    if (type_row.name, type_row.name_es) == (name, name_es):
        return type_row
    type_row.name, type_row.name_es = name, name_es
    history_services.with_reason(type_row, actor=actor, reason="")
    type_row.save(update_fields=["name", "name_es"])
    return type_row


@transaction.atomic
def type_retire(*, type_row, actor):
    """Out of the choice lists; the records that use it keep it (and show its name)."""
    access.require(access.can_admin_programme(actor, type_row.programme))
    model = type(type_row)
    locked = model.objects.select_for_update().get(pk=type_row.pk)
    if not locked.is_active:
        raise ValidationError(TYPE_ALREADY_RETIRED)
    active = model.objects.filter(programme_id=locked.programme_id, is_active=True)
    if not active.exclude(pk=locked.pk).exists():
        raise ValidationError(TYPE_LAST_ACTIVE)
    locked.is_active = False
    history_services.with_reason(locked, actor=actor, reason="")
    locked.save(update_fields=["is_active"])
    return locked


@transaction.atomic
def type_reinstate(*, type_row, actor):
    access.require(access.can_admin_programme(actor, type_row.programme))
    locked = type(type_row).objects.select_for_update().get(pk=type_row.pk)
    if locked.is_active:
        return locked
    locked.is_active = True
    history_services.with_reason(locked, actor=actor, reason="")
    locked.save(update_fields=["is_active"])
    return locked
