"""REST API: the numbers of the caller's own home page (GET /api/v1/dashboard/).

One endpoint, one shape per role, told apart by "role": a facilitator gets a card per network,
agency people their agency's portfolio, a firm member their own firm's rows only. Read from
networks.selectors_dashboard, the same reads as the home pages (a fixed number of queries).
"""

from django.core.exceptions import PermissionDenied
from django.urls import path
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from networks.models import JointAction, Network, User
from networks.selectors.dashboard import homes as dashboard_homes


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


class DashboardStepSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable key: handover, arrears, confirmations, ...")
    text = serializers.CharField(help_text="What to do, in the request's language.")
    url = serializers.CharField(help_text="The page where it is done.")


class DashboardReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[
            "no_activity",
            "below_minimum",
            "arrears",
            "low_participation",
            "density_falling",
        ]  # fmt: skip
    )
    text = serializers.CharField()


class DashboardFacilitatorNetworkSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="network.pk")
    name = serializers.CharField(source="network.name")
    phase = serializers.ChoiceField(source="network.phase", choices=Network.Phase.choices)
    member_count = serializers.IntegerField()
    handover_due = serializers.DateField(source="network.handover_due", allow_null=True)
    days_to_handover = serializers.IntegerField(
        source="clock.days_left",
        allow_null=True,
        help_text="Negative when overdue; null outside consolidation.",
    )
    last_activity = serializers.DateField(allow_null=True)
    activities_90d = serializers.IntegerField()
    participation_rate = serializers.SerializerMethodField(
        help_text="Attended / (activities x active members), last 6 months; 0 to 1."
    )
    drifting = serializers.IntegerField()
    in_arrears = serializers.IntegerField()
    waiting_confirmations = serializers.IntegerField(
        source="unconfirmed", help_text="Unconfirmed participants in joint actions not dropped."
    )
    joint_actions_waiting = serializers.IntegerField(source="unconfirmed_actions")
    readiness_score = serializers.SerializerMethodField()
    readiness_total = serializers.SerializerMethodField()
    next_steps = DashboardStepSerializer(many=True)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_participation_rate(self, facts) -> float | None:
        rate = facts.participation_rate
        return None if rate is None else round(rate, 4)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_readiness_score(self, facts) -> int | None:
        return facts.readiness_score if facts.shows_readiness else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_readiness_total(self, facts) -> int | None:
        return facts.readiness_total if facts.shows_readiness else None


class _RoleSerializer(serializers.Serializer):
    """The caller's role: tells the three shapes apart."""

    role = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_role(self, _dashboard) -> str:
        return self.context["role"]


class FacilitatorDashboardSerializer(_RoleSerializer):
    networks = DashboardFacilitatorNetworkSerializer(many=True, source="cards")
    dissolved = serializers.SerializerMethodField(help_text="Ids of dissolved networks.")

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_dissolved(self, dashboard) -> list[int]:
        return [network.pk for network in dashboard.closed]


class DashboardApprovalSerializer(serializers.Serializer):
    network = serializers.IntegerField(source="network.pk")
    name = serializers.CharField(source="network.name")
    submitted_at = serializers.DateTimeField()
    waiting_days = serializers.IntegerField()


class DashboardHandoverSerializer(serializers.Serializer):
    network = serializers.IntegerField(source="network.pk")
    name = serializers.CharField(source="network.name")
    handover_due = serializers.DateField(source="network.handover_due")
    days_left = serializers.IntegerField(source="clock.days_left", help_text="Negative: overdue.")
    readiness_score = serializers.IntegerField()
    readiness_total = serializers.IntegerField()


class DashboardAtRiskSerializer(serializers.Serializer):
    network = serializers.IntegerField(source="network.pk")
    name = serializers.CharField(source="network.name")
    reasons = DashboardReasonSerializer(many=True)


class DashboardTotalsSerializer(serializers.Serializer):
    networks = serializers.IntegerField()
    firms_reached = serializers.IntegerField()
    activities = serializers.IntegerField()
    joint_actions_done = serializers.IntegerField()
    joint_actions_value = serializers.DictField(
        child=_money(), help_text="The done joint actions' money value, by currency."
    )
    service_uptakes_this_year = serializers.IntegerField(source="uptakes_this_year")
    year = serializers.IntegerField()


class AgencyDashboardSerializer(_RoleSerializer):
    by_phase = serializers.SerializerMethodField()
    approvals_count = serializers.IntegerField()
    approvals = DashboardApprovalSerializer(many=True, help_text="The oldest few waiting.")
    handovers_due = DashboardHandoverSerializer(many=True, help_text="Due within 6 months.")
    overdue = DashboardHandoverSerializer(many=True)
    at_risk = DashboardAtRiskSerializer(many=True)
    totals = DashboardTotalsSerializer()

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_by_phase(self, dashboard) -> dict[str, int]:
        return {phase: count for phase, _label, count in dashboard.by_phase}


class DashboardFirmNetworkSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    phase = serializers.ChoiceField(choices=Network.Phase.choices)
    manager = serializers.IntegerField(source="facilitator_id", allow_null=True)
    manager_name = serializers.SerializerMethodField()
    member = serializers.BooleanField(source="is_member", help_text="An active member today.")

    def get_manager_name(self, network) -> str:
        person = network.facilitator
        return (person.get_full_name() or person.username) if person else ""


class DashboardFirmActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    network = serializers.IntegerField(source="network_id")
    title = serializers.CharField()
    date = serializers.DateField()
    place = serializers.CharField()
    type = serializers.CharField(source="type.slug")


class DashboardFirmRecentActivitySerializer(DashboardFirmActivitySerializer):
    attended = serializers.BooleanField(help_text="The user's firm was there.")


class DashboardFirmJointActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="joint_action.pk")
    network = serializers.IntegerField(source="joint_action.network_id")
    title = serializers.CharField(source="joint_action.title")
    status = serializers.ChoiceField(
        source="joint_action.status", choices=JointAction.Status.choices
    )
    confirmed = serializers.BooleanField(source="is_confirmed")


class DashboardFirmBalanceSerializer(serializers.Serializer):
    network = serializers.IntegerField(source="network.pk")
    currency = serializers.CharField()
    owed = _money()
    paid = _money()
    balance = _money()
    arrears = _money()
    in_arrears = serializers.BooleanField()


class FirmDashboardSerializer(_RoleSerializer):
    firm = serializers.IntegerField(source="firm_id")
    networks = DashboardFirmNetworkSerializer(many=True)
    upcoming = DashboardFirmActivitySerializer(many=True)
    recent = DashboardFirmRecentActivitySerializer(many=True, help_text="The last 60 days.")
    joint_actions_waiting = DashboardFirmJointActionSerializer(many=True, source="waiting")
    joint_actions = DashboardFirmJointActionSerializer(many=True)
    balances = DashboardFirmBalanceSerializer(many=True, help_text="The user's own firm only.")


DASHBOARD = PolymorphicProxySerializer(
    component_name="Dashboard",
    serializers={
        User.Role.AGENCY_ADMIN.value: AgencyDashboardSerializer,
        User.Role.AGENCY_STAFF.value: AgencyDashboardSerializer,
        User.Role.FACILITATOR.value: FacilitatorDashboardSerializer,
        User.Role.FIRM_MEMBER.value: FirmDashboardSerializer,
    },
    resource_type_field_name="role",
)


class DashboardView(APIView):
    """The caller's home page in numbers; its shape depends on the caller's role."""

    @extend_schema(responses=DASHBOARD)
    def get(self, request):
        user = request.user
        context = {"role": user.role}
        if user.is_agency:
            dashboard = dashboard_homes.agency_dashboard(user=user)
            return Response(AgencyDashboardSerializer(dashboard, context=context).data)
        if user.is_facilitator:
            dashboard = dashboard_homes.facilitator_dashboard(user=user)
            return Response(FacilitatorDashboardSerializer(dashboard, context=context).data)
        if user.is_firm_member:
            dashboard = dashboard_homes.firm_dashboard(user=user)
            return Response(FirmDashboardSerializer(dashboard, context=context).data)
        raise PermissionDenied  # no role yet: no home page either


urlpatterns = [path("dashboard/", DashboardView.as_view(), name="dashboard")]
