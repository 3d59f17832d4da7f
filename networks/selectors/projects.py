"""Reads of joint strategic projects and of the sales won as a group: a network's projects
with their firms, milestones and joint actions; and the portfolio's sums by source."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from networks.models import (
    JointAction,
    JointActionParticipant,
    JointProject,
    JointProjectFirm,
    Milestone,
    Network,
)

ZERO = Decimal(0)


def network_projects(network: Network) -> list[JointProject]:
    """The network's projects, newest first, each with its firms, milestones and joint
    actions (four queries whatever their number)."""
    return list(
        JointProject.objects.filter(network=network)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=JointProjectFirm.objects.select_related("firm").order_by("firm__name"),
            ),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
            Prefetch(
                "joint_actions",
                queryset=JointAction.objects.select_related("type").order_by("-created_at"),
            ),
        )
        .order_by("-created_at", "-pk")
    )


def project_of(network: Network, pk) -> JointProject | None:
    """A project looked up through its network: another network's is simply not found."""
    try:
        return JointProject.objects.select_related("network__programme").get(network=network, pk=pk)
    except (JointProject.DoesNotExist, ValueError, TypeError):
        return None


def milestone_of(project: JointProject, pk) -> Milestone | None:
    try:
        return Milestone.objects.get(project=project, pk=pk)
    except (Milestone.DoesNotExist, ValueError, TypeError):
        return None


def late_milestones(project: JointProject) -> int:
    today = timezone.localdate()
    return sum(1 for m in project.milestones.all() if m.status == "pending" and m.due_on < today)


@dataclass
class ProjectMoney:
    projects: int
    budget: Decimal
    agency: Decimal
    firms: Decimal

    @property
    def other(self) -> Decimal:
        return self.budget - self.agency - self.firms


def project_money(networks: QuerySet[Network]) -> ProjectMoney:
    """The projects' money of `networks` by source (dropped projects left out). One query."""
    row = (
        JointProject.objects.filter(network__in=networks)
        .exclude(status=JointProject.Status.DROPPED)
        .aggregate(
            n=Count("pk"),
            budget=Coalesce(Sum("budget"), ZERO),
            agency=Coalesce(Sum("agency_funding"), ZERO),
            firms=Coalesce(Sum("firms_funding"), ZERO),
        )
    )
    return ProjectMoney(row["n"], row["budget"], row["agency"], row["firms"])


@dataclass
class GroupSales:
    total: Decimal
    firms: int  # distinct firms with sales recorded
    actions: int  # joint actions with sales recorded


def group_sales(networks: QuerySet[Network]) -> GroupSales:
    """Sales won together, the sum of the firms' recorded amounts on the joint actions of
    `networks` that were not dropped. One query."""
    row = (
        JointActionParticipant.objects.filter(
            joint_action__network__in=networks, sales__isnull=False
        )
        .exclude(joint_action__status=JointAction.Status.DROPPED)
        .aggregate(
            total=Coalesce(Sum("sales"), ZERO),
            firms=Count("firm", distinct=True),
            actions=Count("joint_action", distinct=True),
        )
    )
    return GroupSales(row["total"], row["firms"], row["actions"])


def sales_rows(joint_action: JointAction) -> list[JointActionParticipant]:
    """The participating firms with their sales, by name (one query)."""
    return list(
        JointActionParticipant.objects.filter(joint_action=joint_action)
        .select_related("firm")
        .order_by("firm__name")
    )


def network_projects_summary(network: Network) -> dict:
    """Counts for the network page: projects by state and their money (one query)."""
    return JointProject.objects.filter(network=network).aggregate(
        n=Count("pk"),
        open=Count("pk", filter=Q(status__in=["planned", "under_way"])),
        budget=Coalesce(Sum("budget"), ZERO),
    )
