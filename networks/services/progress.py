"""Measuring progress: the goals' period actuals and the firms' own indicators (domain.md 4)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.files.uploads import check_upload
from networks.models import (
    Attachment,
    Firm,
    FirmIndicator,
    Goal,
    GoalActual,
    Membership,
    Network,
    User,
)
from networks.rules import FIGURES
from networks.services import history as history_services
from networks.services.common import ConflictError
from networks.services.lifecycle import NETWORK_CLOSED

# Messages: constants so that tests and the API assert exactly what a user reads.
ACTUAL_PERIOD_TAKEN = _(
    "There is already a value for the period ending %(date)s. Each period has one value."
)
ACTUAL_PERIOD_IN_FUTURE = _("The period has not ended yet: give a period end up to today.")
ACTUAL_VALUE_REQUIRED = _("Give the value measured for the period.")

INDICATOR_NEGATIVE = _("%(field)s cannot be negative.")
INDICATOR_DATE_IN_FUTURE = _("The date cannot be in the future.")
INDICATOR_DATE_TAKEN = _("The firm already has figures dated %(date)s.")
INDICATOR_SECOND_BASELINE = _(
    "The firm already has a baseline (dated %(date)s); record this as a follow-up."
)
INDICATOR_BASELINE_AFTER_FOLLOWUPS = _(
    "A baseline must come before the follow-ups; the earliest follow-up is dated %(date)s."
)
INDICATOR_FOLLOWUP_BEFORE_BASELINE = _(
    "A follow-up cannot be dated before the baseline (%(date)s)."
)
INDICATOR_EMPTY = _("Give at least one figure.")
INDICATOR_EXPORTS_ABOVE_SALES = _("Exports cannot be more than the annual sales.")
INDICATOR_NETWORK_REQUIRED = _("Choose the network these figures are recorded for.")
# The same for a network that does not exist and one the user may not record for.
INDICATOR_NETWORK_UNKNOWN = _("Choose one of the firm's networks that you record figures for.")

SHARE_NOT_A_NETWORK_OF_THE_FIRM = _("The firm is not a member of that network.")

# `network` not given at all: the only network the user may record for, if there is one.
UNSET = object()

# Errors about the report as a whole: the API's usual key; the pages show them above the form.
NON_FIELD = "non_field_errors"


def _day(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def figure_label(name: str) -> str:
    return capfirst(FirmIndicator._meta.get_field(name).verbose_name)


# --- goals ----------------------------------------------------------------------------------


@transaction.atomic
def goal_actual_record(
    *,
    goal: Goal,
    actor: User,
    period_end: datetime.date,
    value: Decimal,
    comment: str = "",
    evidence=None,
) -> GoalActual:
    """Record the value a goal's indicator reached in the period ending `period_end`.

    One value per period; the optional evidence file is checked by its content and stored with
    the value, in the same transaction.
    """
    network = goal.network
    access.require_change(actor, network)
    # Locked so that two people recording the same period cannot both pass the check below.
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.phase == Network.Phase.DISSOLVED:
        raise ConflictError(NETWORK_CLOSED)
    errors = {}
    if value is None:
        errors["value"] = [ACTUAL_VALUE_REQUIRED]
    if period_end > timezone.localdate():
        errors["period_end"] = [ACTUAL_PERIOD_IN_FUTURE]
    elif GoalActual.objects.filter(goal=goal, period_end=period_end).exists():
        errors["period_end"] = [ACTUAL_PERIOD_TAKEN % {"date": _day(period_end)}]
    checked = None
    if evidence is not None:
        try:
            checked = check_upload(evidence, field="evidence")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            actual = GoalActual.objects.create(
                goal=goal, period_end=period_end, value=value,
                comment=(comment or "").strip(), recorded_by=actor,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError(
            {"period_end": [ACTUAL_PERIOD_TAKEN % {"date": _day(period_end)}]}
        ) from None
    if checked is not None:
        Attachment.objects.create(
            goal_actual=actual, file=evidence, original_name=checked.name,
            content_type=checked.content_type, size=checked.size, uploaded_by=actor,
        )  # fmt: skip
    return actual


@transaction.atomic
def goal_actual_update(
    *, actual: GoalActual, actor: User, reason: str = "", **fields
) -> GoalActual:
    """Correct a period's value or comment (`value`, `comment`; the period stays).

    Once the value is older than GOAL_ACTUAL_GRACE_DAYS or an evaluation came after it, the
    change needs a `reason` (services.history), kept in the history.
    """
    unknown = set(fields) - {"value", "comment"}
    if unknown:
        raise TypeError(f"goal_actual_update() got unexpected fields: {', '.join(sorted(unknown))}")
    network = actual.goal.network
    access.require_change(actor, network)
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.phase == Network.Phase.DISSOLVED:
        raise ConflictError(NETWORK_CLOSED)
    actual = GoalActual.objects.select_for_update().get(pk=actual.pk)
    if "comment" in fields:
        fields["comment"] = (fields["comment"] or "").strip()
    if "value" in fields and fields["value"] is None:
        raise ValidationError({"value": [ACTUAL_VALUE_REQUIRED]})
    changed = [name for name, value in fields.items() if getattr(actual, name) != value]
    reason = history_services.clean_reason(
        reason,
        needed=bool(changed) and history_services.goal_actual_needs_reason(actual),
        message=history_services.GOAL_ACTUAL_REASON_REQUIRED,
    )
    for name in changed:
        setattr(actual, name, fields[name])
    if changed:
        history_services.with_reason(actual, actor=actor, reason=reason).save(update_fields=changed)
    return actual


# --- firm indicators ------------------------------------------------------------------------


def _figure_errors(figures: dict) -> dict:
    errors = {}
    for name in FIGURES:
        value = figures.get(name)
        if value is not None and value < 0:
            errors[name] = [INDICATOR_NEGATIVE % {"field": figure_label(name)}]
    sales, exports = figures.get("annual_sales"), figures.get("exports")
    if "exports" not in errors and sales is not None and exports is not None and exports > sales:
        errors["exports"] = [INDICATOR_EXPORTS_ABOVE_SALES]
    if all(figures.get(name) is None for name in FIGURES):
        errors[NON_FIELD] = [INDICATOR_EMPTY]
    return errors


def _date_errors(
    firm: Firm, network: Network | None, day: datetime.date, is_baseline: bool
) -> dict:
    """Checked within the one series the report joins: the network's, or the firm's own.
    Another network's rows are never looked at, so a refusal tells nothing about them."""
    if day > timezone.localdate():
        return {"date": [INDICATOR_DATE_IN_FUTURE]}
    series = FirmIndicator.objects.filter(firm=firm, network=network)
    reports = list(series.values_list("date", "is_baseline"))
    if any(existing == day for existing, _b in reports):
        return {"date": [INDICATOR_DATE_TAKEN % {"date": _day(day)}]}
    baseline = next((existing for existing, b in reports if b), None)
    follow_ups = [existing for existing, b in reports if not b]
    if is_baseline:
        if baseline is not None:
            return {"is_baseline": [INDICATOR_SECOND_BASELINE % {"date": _day(baseline)}]}
        if follow_ups and min(follow_ups) < day:
            return {"date": [INDICATOR_BASELINE_AFTER_FOLLOWUPS % {"date": _day(min(follow_ups))}]}
    elif baseline is not None and day < baseline:
        return {"date": [INDICATOR_FOLLOWUP_BEFORE_BASELINE % {"date": _day(baseline)}]}
    return {}


def _recorded_for(firm: Firm, actor: User, network) -> tuple[Network | None, dict]:
    """The network a report is for, from what was asked (a Network, its id, None for the
    firm's own record, or UNSET), and the error if it may not be."""
    choices = list(access.figure_networks(actor, firm))
    may_keep_private = access.can_keep_figures_private(actor, firm)
    if network is UNSET:
        if len(choices) == 1:
            return choices[0], {}
        if not choices and may_keep_private:
            return None, {}
        return None, {"network": [INDICATOR_NETWORK_REQUIRED]}
    if network is None:
        if may_keep_private:
            return None, {}
        return None, {"network": [INDICATOR_NETWORK_REQUIRED]}
    wanted = getattr(network, "pk", network)
    chosen = next((n for n in choices if n.pk == wanted), None)
    if chosen is None:
        return None, {"network": [INDICATOR_NETWORK_UNKNOWN]}
    return chosen, {}


@transaction.atomic
def firm_indicator_record(
    *,
    firm: Firm,
    actor: User,
    date: datetime.date,
    is_baseline: bool,
    network=UNSET,
    **figures,
) -> FirmIndicator:
    """Record a firm's figures at `date` for `network`: that series' one baseline, or a
    follow-up after it.

    `network` is one the actor may record for (`access.figure_networks`), or None for the
    firm's own record (its own users only); left out, it is the only one there is. Figures are
    the model's (employees, annual_sales, exports, average_wage, people_trained,
    certifications, technologies) and `notes`; missing ones stay empty. Refused: negative
    figures, a date in the future or already used in the series, a second baseline, a
    baseline after the follow-ups, a follow-up before the baseline.
    """
    access.require(access.can_record_firm_figures(actor, firm))
    # The firm's row is the lock: two reports cannot both become a series' baseline.
    Firm.objects.select_for_update().get(pk=firm.pk)
    values = {name: figures.get(name) for name in FIGURES}
    errors = _figure_errors(values)
    network, network_errors = _recorded_for(firm, actor, network)
    errors.update(network_errors)
    if date is None:
        errors["date"] = [_("Give the date of the figures.")]
    elif not network_errors:
        errors.update(_date_errors(firm, network, date, bool(is_baseline)))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return FirmIndicator.objects.create(
                firm=firm, network=network, date=date, is_baseline=bool(is_baseline),
                notes=(figures.get("notes") or "").strip(), recorded_by=actor, **values,
            )  # fmt: skip
    except IntegrityError:
        # Lost a race that the lock above should prevent; say what the constraint means.
        raise ValidationError({"date": [INDICATOR_DATE_TAKEN % {"date": _day(date)}]}) from None


@transaction.atomic
def firm_figures_share(*, firm: Firm, network: Network, actor: User, share: bool) -> int:
    """The firm shares all its figures with `network`'s facilitator and agency (`share`), or
    takes that back: they then read only the rows recorded for the network.

    Only the firm's own users decide. Every membership of the firm in the network says the
    same (a firm that left and rejoined is one firm to the network); each change is a history
    row of the membership. Returns the number of memberships changed.
    """
    access.require(access.can_share_figures(actor, firm))
    memberships = list(
        Membership.objects.select_for_update().filter(firm=firm, network=network).order_by("pk")
    )
    if not memberships:
        raise ValidationError({"network": [SHARE_NOT_A_NETWORK_OF_THE_FIRM]})
    changed = 0
    for membership in memberships:
        if membership.shares_figures != bool(share):
            membership.shares_figures = bool(share)
            membership.save(update_fields=["shares_figures"])
            changed += 1
    return changed


def firm_indicator_update(
    *, report: FirmIndicator, actor: User, reason: str = "", **fields
) -> FirmIndicator:
    """Correct a report's figures or notes (its date and whether it is the baseline stay).

    Recorded figures always need a `reason` for a change (services.history), kept in the
    history; the same rules as recording them hold for the result.
    """
    unknown = set(fields) - {*FIGURES, "notes"}
    if unknown:
        raise TypeError(
            f"firm_indicator_update() got unexpected fields: {', '.join(sorted(unknown))}"
        )
    access.require(access.can_correct_figures(actor, report))
    Firm.objects.select_for_update().get(pk=report.firm_id)
    report = FirmIndicator.objects.select_for_update().get(pk=report.pk)
    if "notes" in fields:
        fields["notes"] = (fields["notes"] or "").strip()
    values = {name: fields.get(name, getattr(report, name)) for name in FIGURES}
    errors = _figure_errors(values)
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in fields.items() if getattr(report, name) != value]
    reason = history_services.clean_reason(
        reason,
        needed=bool(changed) and history_services.firm_indicator_needs_reason(report),
        message=history_services.INDICATOR_REASON_REQUIRED,
    )
    for name in changed:
        setattr(report, name, fields[name])
    if changed:
        history_services.with_reason(report, actor=actor, reason=reason).save(update_fields=changed)
    return report
