"""Reads for joint actions. Each starts from what the user may see
(networks.access) and runs a fixed number of queries whatever the amount of data."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum, Value

from networks import access
from networks.models import (
    Firm,
    JointAction,
    JointActionDecline,
    JointActionParticipant,
    JointActionType,
    Membership,
    Network,
    User,
)
from networks.rules import JOINT_ACTION_PHASES

# --- joint actions --------------------------------------------------------------------------


def networks_to_log_in(user) -> QuerySet[Network]:
    """The networks where `user` may log a joint action now, by name (one query):
    access.can_log_joint_action's rule as a queryset, in the phases that take joint actions."""
    networks = access.visible_networks(user).filter(phase__in=JOINT_ACTION_PHASES)
    if user.role == User.Role.FACILITATOR:
        return networks.filter(facilitator=user).order_by("name", "pk")
    if user.role != User.Role.FIRM_MEMBER or user.firm_id is None:
        return networks.none()
    active = Membership.objects.filter(
        network=OuterRef("pk"), firm_id=user.firm_id, left_on__isnull=True
    )
    return networks.filter(Exists(active)).order_by("name", "pk")


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
        # Of the confirmed, those the facilitator recorded on the firm's behalf (told apart).
        joint_action.recorded_count = sum(1 for p in participants if p.recorded_on_behalf)
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
    method_label: str = ""
    on_behalf: bool = False
    pk: int | None = None
    evidence_name: str = ""  # the paper the facilitator attached, if any


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
            Decline(
                row.firm_id,
                row.firm.name,
                row.at,
                row.declined_by,
                row.method_label,
                row.recorded_on_behalf,
            )
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
