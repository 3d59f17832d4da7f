"""Serializers for the three shapes of GET /api/v1/dashboard/.

They check types and shapes; the services check the business rules. Text fields the services
validate accept blanks here, so that the API answers with the service's own message.
"""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from networks.api.serializers.common import money_field
from networks.models import JointAction, Network, User


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
        help_text="Attended / (activities x active members) over the programme's participation "
        "window (participation_window_months, 6 by default); 0 to 1."
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
        child=money_field(), help_text="The done joint actions' money value, by currency."
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
    attended = serializers.BooleanField(
        help_text="The facilitator recorded the user's firm as attending (what counts)."
    )
    confirmed = serializers.BooleanField(help_text="The firm confirmed its attendance.")


class DashboardFirmAttendanceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="activity.pk")
    network = serializers.IntegerField(source="activity.network_id")
    title = serializers.CharField(source="activity.title")
    date = serializers.DateField(source="activity.date")


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
    owed = money_field()
    paid = money_field()
    balance = money_field()
    arrears = money_field()
    in_arrears = serializers.BooleanField()


class FirmDashboardSerializer(_RoleSerializer):
    firm = serializers.IntegerField(source="firm_id")
    networks = DashboardFirmNetworkSerializer(many=True)
    upcoming = DashboardFirmActivitySerializer(many=True)
    recent = DashboardFirmRecentActivitySerializer(many=True, help_text="The last 60 days.")
    joint_actions_waiting = DashboardFirmJointActionSerializer(many=True, source="waiting")
    attendance_waiting = DashboardFirmAttendanceSerializer(
        many=True, source="waiting_attendance",
        help_text="Activities of the last 60 days that recorded the firm as attending and wait "
        "for its answer.",
    )  # fmt: skip
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
