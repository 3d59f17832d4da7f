"""Reads for the console's programme pages: what a settings change would do to the programme's
running networks (the preview shown before saving), the types, and the console's overview.

The preview is generic: each changed setting gets a line. A setting with a preview function in
PREVIEWS says precisely which networks it touches; any other setting (a new one included) gets
the general line: it applies from now on to the running networks, and nothing recorded changes.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from networks import access
from networks.lib.dates import add_months
from networks.models import (
    Activity,
    ActivityType,
    Attendance,
    Goal,
    JointActionType,
    Membership,
    Network,
    Programme,
)

RUNNING_PHASES = [Network.Phase.PREPARATION, Network.Phase.CONSOLIDATION,
                  Network.Phase.INDEPENDENCE]  # fmt: skip
RUNNING = Q(phase__in=RUNNING_PHASES)


@dataclass
class Effect:
    setting: str
    before: str
    after: str
    lines: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)  # the networks it touches, by name
    warning: bool = False  # the change leaves networks outside a rule


def shown(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def running_networks(programme: Programme) -> list[Network]:
    return list(
        programme.networks.filter(RUNNING)
        .annotate(active_members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("name")
    )


def _bounds(programme, new: dict, networks: list[Network], effect: Effect) -> None:
    low = new.get("min_firms", programme.min_firms)
    high = new.get("max_firms", programme.max_firms)
    outside = [n for n in networks if not low <= n.active_members <= high]
    effect.networks = [f"{n.name} ({n.active_members})" for n in outside]
    effect.warning = bool(outside)
    effect.lines.append(
        ngettext(
            "%(count)d running network would fall outside the new bounds (%(low)d to %(high)d "
            "member firms).",
            "%(count)d running networks would fall outside the new bounds (%(low)d to %(high)d "
            "member firms).",
            len(outside),
        )
        % {"count": len(outside), "low": low, "high": high}
    )
    if outside:
        effect.lines.append(
            str(
                _(
                    "A network in preparation cannot submit its application until it is within "
                    "them; networks already approved go on."
                )
            )  # fmt: skip
        )


def _term(programme, new, networks, effect) -> None:
    appointed = [n for n in networks if n.term_start]
    waiting = len(networks) - len(appointed)
    effect.lines.append(
        ngettext(
            "%(count)d network with a manager keeps its handover date.",
            "%(count)d networks with a manager keep their handover dates.",
            len(appointed),
        )
        % {"count": len(appointed)}
    )
    effect.lines.append(
        ngettext(
            "The new term applies to %(count)d network whose manager is not yet appointed.",
            "The new term applies to the %(count)d networks whose manager is not yet appointed.",
            waiting,
        )
        % {"count": waiting}
    )


def _in_term(networks) -> list[Network]:
    return [n for n in networks if n.term_start and not n.handed_over_on]


def _shares(programme, new, networks, effect) -> None:
    in_term = _in_term(networks)
    effect.networks = [n.name for n in in_term]
    effect.lines.append(
        ngettext(
            "%(count)d network in its term is charged with the new shares from the next month "
            "whose dues are generated.",
            "%(count)d networks in their term are charged with the new shares from the next "
            "month whose dues are generated.",
            len(in_term),
        )
        % {"count": len(in_term)}
    )


def _arrears(programme, new, networks, effect) -> None:
    in_term = _in_term(networks)
    effect.networks = [n.name for n in in_term]
    effect.lines.append(
        ngettext(
            "The arrears of %(count)d network in its term are counted with the new number of "
            "days at once.",
            "The arrears of %(count)d networks in their term are counted with the new number of "
            "days at once.",
            len(in_term),
        )
        % {"count": len(in_term)}
    )


def _reminders(programme, new, networks, effect) -> None:
    today = timezone.localdate()
    ahead = [n for n in networks if n.handover_due and n.handover_due >= today]
    effect.networks = [n.name for n in ahead]
    effect.lines.append(
        ngettext(
            "%(count)d network with its handover ahead gets its reminders at the new offsets; "
            "reminders already sent stay sent.",
            "%(count)d networks with their handover ahead get their reminders at the new "
            "offsets; reminders already sent stay sent.",
            len(ahead),
        )
        % {"count": len(ahead)}
    )


def _horizons(programme, new, networks, effect) -> None:
    """Goals count from the submission: a network in preparation whose goal falls due after
    the new horizon must move it before submitting; approved networks keep theirs."""
    today = timezone.localdate()
    preparing = [n.pk for n in networks if n.phase == Network.Phase.PREPARATION]
    beyond = Q()
    for horizon, name in ((Goal.Horizon.SHORT, "goal_short_months"),
                          (Goal.Horizon.MEDIUM, "goal_medium_months")):  # fmt: skip
        months = new.get(name, getattr(programme, name))
        beyond |= Q(horizon=horizon, due_date__gt=add_months(today, months))
    names = sorted(
        set(
            Goal.objects.filter(beyond, network__in=preparing).values_list(
                "network__name", flat=True
            )
        )
    )
    effect.networks, effect.warning = names, bool(names)
    effect.lines.append(
        ngettext(
            "%(count)d network in preparation would have goals beyond the new horizons: it must "
            "move them before submitting its application.",
            "%(count)d networks in preparation would have goals beyond the new horizons: they "
            "must move them before submitting their applications.",
            len(names),
        )
        % {"count": len(names)}
    )
    effect.lines.append(str(_("Networks already approved keep their goals as they are.")))


def _attendance_rates(networks, today, months: int) -> dict[int, float]:
    """Attended / (activities x active members) over `months`, per network (one query each for
    activities and attendance), as the dashboards count it."""
    start = add_months(today, -months)
    held = dict(
        Activity.objects.filter(network__in=networks, date__gt=start, date__lte=today)
        .values("network_id").annotate(n=Count("pk")).values_list("network_id", "n")
    )  # fmt: skip
    active = Membership.objects.filter(
        network=OuterRef("activity__network"), firm=OuterRef("firm"), left_on__isnull=True
    )
    attended = dict(
        Attendance.objects.filter(
            Exists(active), activity__network__in=networks, activity__date__gt=start,
            activity__date__lte=today,
        )
        .values("activity__network_id").annotate(n=Count("pk"))
        .values_list("activity__network_id", "n")
    )  # fmt: skip
    return {
        n.pk: attended.get(n.pk, 0) / (held[n.pk] * n.active_members)
        for n in networks
        if held.get(n.pk) and n.active_members
    }


def _participation(programme, new, networks, effect) -> None:
    """The networks in consolidation (the ones the dashboards flag) under the threshold now
    and with the new window and threshold."""
    today = timezone.localdate()
    running = [n for n in networks if n.phase == Network.Phase.CONSOLIDATION]
    months = new.get("participation_window_months", programme.participation_window_months)
    percent = new.get("participation_risk_percent", programme.participation_risk_percent)
    rates = _attendance_rates(running, today, months)
    if months == programme.participation_window_months:
        rates_now = rates
    else:
        rates_now = _attendance_rates(running, today, programme.participation_window_months)
    under = [n for n in running if n.pk in rates and rates[n.pk] * 100 < percent]
    under_now = [
        n for n in running
        if n.pk in rates_now and rates_now[n.pk] * 100 < programme.participation_risk_percent
    ]  # fmt: skip
    effect.networks = [f"{n.name} ({round(rates[n.pk] * 100)}%)" for n in under]
    effect.warning = len(under) > len(under_now)
    effect.lines.append(
        ngettext(
            "%(count)d network in consolidation would be under the participation threshold "
            "(attendance under %(percent)d%% over %(months)d months), against %(now)d now.",
            "%(count)d networks in consolidation would be under the participation threshold "
            "(attendance under %(percent)d%% over %(months)d months), against %(now)d now.",
            len(under),
        )
        % {"count": len(under), "percent": percent, "months": months, "now": len(under_now)}
    )


def _general(programme, new, networks, effect) -> None:
    effect.lines.append(
        ngettext(
            "Applies from now on to the programme's %(count)d running network.",
            "Applies from now on to the programme's %(count)d running networks.",
            len(networks),
        )
        % {"count": len(networks)}
    )


def _overdue(programme, new, networks, effect) -> None:
    today = timezone.localdate()
    # An extension moves the due date itself, so a network past it has none running.
    overdue = [
        n for n in networks
        if n.phase == Network.Phase.CONSOLIDATION and n.handover_due and n.handover_due < today
    ]  # fmt: skip
    effect.networks = [n.name for n in overdue]
    effect.warning = bool(overdue)
    effect.lines.append(
        ngettext(
            "%(count)d network is past its due date without a handover: from its next monthly "
            "charge the agency pays the new share of its manager's salary; charges already made "
            "stay as they were.",
            "%(count)d networks are past their due date without a handover: from their next "
            "monthly charge the agency pays the new share of their manager's salary; charges "
            "already made stay as they were.",
            len(overdue),
        )
        % {"count": len(overdue)}
    )


def _check_ins(programme, new, networks, effect) -> None:
    since = add_months(timezone.localdate(), -12 * new["check_in_years"])
    asked = [
        n for n in networks
        if n.phase == Network.Phase.INDEPENDENCE and n.handed_over_on and n.handed_over_on > since
    ]  # fmt: skip
    effect.networks = [n.name for n in asked]
    effect.lines.append(
        ngettext(
            "%(count)d network in independence is asked for its yearly check-in under the new "
            "number of years; check-ins already recorded stay.",
            "%(count)d networks in independence are asked for their yearly check-in under the "
            "new number of years; check-ins already recorded stay.",
            len(asked),
        )
        % {"count": len(asked)}
    )


PREVIEWS = {
    "min_firms": _bounds, "max_firms": _bounds, "term_months": _term,
    "agency_share_schedule": _shares, "arrears_days": _arrears,
    "reminder_offsets_months": _reminders, "goal_short_months": _horizons,
    "goal_medium_months": _horizons, "participation_window_months": _participation,
    "participation_risk_percent": _participation, "overdue_agency_percent": _overdue,
    "check_in_years": _check_ins,
}  # fmt: skip
# Previews that cover several settings: one line for the pair, however many of it changed.
SHARED = {_bounds, _horizons, _participation}


def settings_preview(programme: Programme, new: dict) -> list[Effect]:
    """One Effect per setting whose value would change (the two firm bounds share one)."""
    changed = [name for name, value in new.items() if getattr(programme, name) != value]
    networks = running_networks(programme) if changed else []
    effects, done = [], set()
    for name in changed:
        preview = PREVIEWS.get(name, _general)
        if preview in done:
            continue
        done.add(preview if preview in SHARED else name)
        model_field = Programme._meta.get_field(name)
        effect = Effect(
            setting=str(model_field.verbose_name),
            before=shown(getattr(programme, name)),
            after=shown(new[name]),
        )
        preview(programme, new, networks, effect)
        effects.append(effect)
    return effects


def programme_types(programme: Programme) -> dict[str, QuerySet]:
    """Both type lists, active first, each in the order the choice lists show them."""
    return {
        "activity": ActivityType.objects.filter(programme=programme).order_by(
            "-is_active", "position", "name"
        ),
        "joint-action": JointActionType.objects.filter(programme=programme).order_by(
            "-is_active", "position", "name"
        ),
    }


def console_programmes(user) -> list[Programme]:
    """The agency's programmes with their running network counts (one query)."""
    return list(
        access.visible_programmes(user)
        .annotate(running=Count("networks", filter=Q(networks__phase__in=RUNNING_PHASES)))
        .order_by("name")
    )
