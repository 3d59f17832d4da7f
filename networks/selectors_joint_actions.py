"""Reads for joint actions and support-service take-up. Each starts from what the user may see
(networks.access) and runs a fixed number of queries whatever the amount of data."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum, Value

from networks import access
from networks.models import (
    Firm,
    JointAction,
    JointActionDecline,
    JointActionParticipant,
    JointActionType,
    Network,
    ServiceUptake,
    SupportProvider,
    SupportService,
    User,
)
from networks.rules import UPTAKE_REACHED

# --- joint actions --------------------------------------------------------------------------


def _with_participants(joint_actions: QuerySet[JointAction]) -> QuerySet[JointAction]:
    participants = JointActionParticipant.objects.select_related("firm", "confirmed_by").order_by(
        "firm__name"
    )
    return joint_actions.select_related("type", "logged_by_firm", "logged_by").prefetch_related(
        Prefetch("participants", queryset=participants)
    )


def joint_actions_for(
    network: Network, *, status: str | None = None, type_slug: str | None = None
) -> QuerySet[JointAction]:
    """The network's joint actions, newest first, with their type and participants (2 queries)."""
    joint_actions = JointAction.objects.filter(network=network)
    if status:
        joint_actions = joint_actions.filter(status=status)
    if type_slug:
        joint_actions = joint_actions.filter(type__slug=type_slug)
    return _with_participants(joint_actions).order_by("-created_at", "-pk")


def joint_actions_for_user(user, **filters) -> QuerySet[JointAction]:
    """Joint actions of every network the user may see, with what the API shows."""
    return _with_participants(access.visible_joint_actions(user).filter(**filters)).order_by(
        "-created_at", "-pk"
    )


def joint_action_lookup(user, *, network: Network | None = None) -> QuerySet[JointAction]:
    """The joint actions a user may look one up in (through `network` when given); callers
    take one with access.get_or_404."""
    joint_actions = joint_actions_for_user(user).select_related("network__programme")
    if network is not None:
        joint_actions = joint_actions.filter(network=network)
    return joint_actions


def _waiting_firm_id(user) -> int | None:
    # Only a member firm's user confirms a firm's part.
    if getattr(user, "role", "") != User.Role.FIRM_MEMBER or not user.firm_id:
        return None
    return user.firm_id


def waiting_for_confirmation(network: Network, user) -> QuerySet[JointAction]:
    """The network's joint actions in which the user's firm has not confirmed its part yet."""
    firm_id = _waiting_firm_id(user)
    if firm_id is None:
        return JointAction.objects.none()
    return JointAction.objects.filter(
        network=network,
        participants__firm_id=firm_id,
        participants__confirmed_at__isnull=True,
    )


def joint_action_types(network: Network) -> QuerySet[JointActionType]:
    return JointActionType.objects.filter(programme_id=network.programme_id).order_by(
        "position", "name"
    )


def mark_for_user(joint_actions, user) -> list[JointAction]:
    """Set, from the prefetched participants, what a row shows the user: the counts of confirmed
    and unconfirmed firms, and the user's own firm's row (`mine`, None if not a participant)."""
    firm_id = user.firm_id if getattr(user, "role", "") == User.Role.FIRM_MEMBER else None
    marked = []
    for joint_action in joint_actions:
        participants = list(joint_action.participants.all())
        joint_action.confirmed_count = sum(1 for p in participants if p.is_confirmed)
        joint_action.unconfirmed_count = len(participants) - joint_action.confirmed_count
        joint_action.mine = next((p for p in participants if p.firm_id == firm_id), None)
        joint_action.waiting_for_me = (
            joint_action.mine is not None and not joint_action.mine.is_confirmed
        )
        marked.append(joint_action)
    return marked


@dataclass(frozen=True)
class Decline:
    firm_id: int
    firm_name: str
    at: object
    by: object


def attach_declines(joint_actions) -> list[JointAction]:
    """Set `declines` (firms that said they did not take part) on each joint action (1 query)."""
    joint_actions = list(joint_actions)
    by_id = {ja.pk: ja for ja in joint_actions}
    for joint_action in joint_actions:
        joint_action.declines = []
    if not by_id:
        return joint_actions
    rows = JointActionDecline.objects.filter(joint_action_id__in=list(by_id)).select_related(
        "firm", "declined_by"
    )
    for row in rows:
        by_id[row.joint_action_id].declines.append(
            Decline(row.firm_id, row.firm.name, row.at, row.declined_by)
        )
    return joint_actions


def joint_action_counts(network: Network, user=None) -> dict:
    """Counts by status, the money value of the done actions, and (given the `user`) how many
    wait for their firm's confirmation (`waiting_for_confirmation`), in one query."""
    firm_id = _waiting_firm_id(user)
    waiting = Exists(
        JointActionParticipant.objects.filter(
            joint_action=OuterRef("pk"), firm_id=firm_id, confirmed_at__isnull=True
        )
    )
    rows = (
        JointAction.objects.filter(network=network)
        .values("status")
        .annotate(
            count=Count("pk"),
            value=Sum("value"),
            waiting=Count("pk", filter=Q(waiting)) if firm_id else Value(0),
        )
        .order_by()
    )
    by_status = {row["status"]: row for row in rows}
    counts = [
        (status, label, by_status.get(status, {}).get("count", 0))
        for status, label in JointAction.Status.choices
    ]
    done_value = by_status.get(JointAction.Status.DONE, {}).get("value") or Decimal(0)
    return {
        "by_status": counts,
        "total": sum(count for _status, _label, count in counts),
        "done_value": done_value,
        "done": by_status.get(JointAction.Status.DONE, {}).get("count", 0),
        "waiting": sum(row["waiting"] for row in rows),
    }


def participant_firm_choices(network: Network, joint_action: JointAction | None = None):
    """Firms that may be chosen as participants: the active members, plus the firms already
    taking part (a firm that has since left keeps its past participation)."""
    condition = Q(memberships__network=network, memberships__left_on__isnull=True)
    if joint_action is not None:
        condition |= Q(pk__in=joint_action.participants.values("firm_id"))
    return Firm.objects.filter(condition).distinct().order_by("name")


# --- support-service take-up ----------------------------------------------------------------


def uptakes_for(user, network: Network) -> QuerySet[ServiceUptake]:
    """The network's take-up rows the user may see (a firm member: their own firm's only)."""
    return (
        access.visible_uptakes(user)
        .filter(network=network)
        .select_related("firm", "service__provider")
        .order_by("-date", "-pk")
    )


def uptake_lookup(user, *, network: Network | None = None) -> QuerySet[ServiceUptake]:
    """The take-ups a user may look one up in (through `network` when given); callers take one
    with access.get_or_404."""
    uptakes = access.visible_uptakes(user).select_related(
        "network__programme", "firm", "service__provider"
    )
    if network is not None:
        uptakes = uptakes.filter(network=network)
    return uptakes


@dataclass
class UptakeFigures:
    """Referrals, take-ups and the conversion rate, for a network or one service category.

    - referred: rows the facilitator referred;
    - taken_up: rows that reached taken up or completed, whoever started them;
    - converted: rows the facilitator referred that reached taken up or completed;
    - rate: converted / referred, in percent (None when nothing was referred).
    """

    category: str = ""
    label: str = ""
    total: int = 0
    referred: int = 0
    taken_up: int = 0
    converted: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.referred:
            return None
        percent = Decimal(self.converted * 100) / Decimal(self.referred)
        return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class UptakeSummary:
    overall: UptakeFigures
    by_category: list[UptakeFigures] = field(default_factory=list)


def uptake_summary(uptakes: QuerySet[ServiceUptake]) -> UptakeSummary:
    """The referral, take-up and conversion figures of `uptakes`, by category (1 query)."""
    reached = Q(status__in=UPTAKE_REACHED)
    referred = Q(referred_by_facilitator=True)
    rows = (
        uptakes.order_by()
        .values("service__category")
        .annotate(
            total=Count("pk"),
            referred=Count("pk", filter=referred),
            taken_up=Count("pk", filter=reached),
            converted=Count("pk", filter=referred & reached),
        )
    )
    by_key = {row["service__category"]: row for row in rows}
    overall = UptakeFigures()
    by_category = []
    for category, label in SupportService.Category.choices:
        row = by_key.get(category)
        if row is None:
            continue
        figures = UptakeFigures(
            category=category, label=label, total=row["total"], referred=row["referred"],
            taken_up=row["taken_up"], converted=row["converted"],
        )  # fmt: skip
        by_category.append(figures)
        for name in ("total", "referred", "taken_up", "converted"):
            setattr(overall, name, getattr(overall, name) + getattr(figures, name))
    return UptakeSummary(overall=overall, by_category=by_category)


def catalogue(user) -> QuerySet[SupportProvider]:
    """The providers the user may read, each with its services (2 queries)."""
    services = SupportService.objects.order_by("name")
    return (
        SupportProvider.objects.filter(agency_id__in=access.catalogue_agency_ids(user))
        .select_related("agency")
        .prefetch_related(Prefetch("services", queryset=services))
        .order_by("agency__name", "name")
    )


def catalogue_services(network: Network) -> QuerySet[SupportService]:
    """The services a take-up in this network may name: its agency's catalogue."""
    return (
        SupportService.objects.filter(provider__agency_id=network.programme.agency_id)
        .select_related("provider")
        .order_by("provider__name", "name")
    )


def uptake_firm_choices(network: Network, uptake: ServiceUptake | None = None):
    """The active member firms, plus the uptake's own firm if it has since left."""
    condition = Q(memberships__network=network, memberships__left_on__isnull=True)
    if uptake is not None:
        condition |= Q(pk=uptake.firm_id)
    return Firm.objects.filter(condition).distinct().order_by("name")
