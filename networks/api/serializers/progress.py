"""Serializers for goal actuals, firm figures and their sharing, participation, the graph.

They check types and shapes; the services check the business rules. Text fields the services
validate accept blanks here, so that the API answers with the service's own message.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from networks.api.input import StrictIntegerField, StrictModelSerializer, StrictSerializer
from networks.api.serializers.common import reason_field
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.models import Attachment, FirmIndicator, GoalActual
from networks.rules import FIGURES, MAX_INTEGER
from networks.selectors import progress as progress_selectors
from networks.services import history as history_services

RATE_HELP = (
    "A share between 0 and 1, as a number rounded to 3 decimals (0.667 is two activities out of "
    "three); null when the network held no activity in the period."
)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# --- firm indicators ------------------------------------------------------------------------


def _count_field() -> serializers.IntegerField:
    # Negative values pass here so that the service answers with its own message.
    return StrictIntegerField(
        required=False, allow_null=True, min_value=-MAX_INTEGER, max_value=MAX_INTEGER
    )


def _amount_field(max_digits: int) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=max_digits, decimal_places=2, required=False, allow_null=True
    )


class FirmIndicatorSerializer(StrictModelSerializer):
    """One report of a firm's figures. Amounts are decimal strings in the programme's currency."""

    network = StrictIntegerField(
        source="network_id",
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_INTEGER,
        help_text="The network the figures are recorded for: its facilitator and agency read "
        "them. null: the firm's own record, read by the firm only unless it shares its figures "
        "(firm users only). Left out: the only network the user may record for.",
    )
    is_baseline = serializers.BooleanField(required=False, default=False)
    employees = _count_field()
    annual_sales = _amount_field(16)
    exports = _amount_field(16)
    average_wage = _amount_field(14)
    people_trained = _count_field()
    certifications = _count_field()
    technologies = _count_field()
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )

    class Meta:
        model = FirmIndicator
        fields = ["id", "firm", "network", "date", "is_baseline", *FIGURES, "notes",
                  "recorded_by", "created_at"]  # fmt: skip
        read_only_fields = ["firm", "recorded_by", "created_at"]


class FigureSharingSerializer(StrictSerializer):
    network = serializers.IntegerField(source="network.pk", read_only=True)
    network_name = serializers.CharField(source="network.name", read_only=True)
    agency_name = serializers.CharField(source="network.programme.agency.name", read_only=True)
    active = serializers.BooleanField(read_only=True, help_text="The firm is still a member.")
    shares_figures = serializers.BooleanField(
        help_text="true: the network's facilitator and agency read all the firm's figures; "
        "false: only those recorded for the network."
    )


# --- goal actuals ---------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField(help_text="The download page (session login).")

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, attachment: Attachment) -> str:
        return reverse(
            "networks:goal-evidence-download", args=[attachment.goal_actual_id, attachment.pk]
        )


class GoalActualSerializer(StrictModelSerializer):
    """A period's value. POST as JSON, or as multipart with an `evidence` file."""

    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    evidence = serializers.FileField(
        write_only=True, required=False, allow_null=True, default=None,
        help_text="Optional PDF, JPEG, PNG, DOCX, XLSX, ODT or ODS file, checked by content.",
    )  # fmt: skip
    attachments = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = GoalActual
        fields = ["id", "goal", "period_end", "value", "comment", "evidence", "attachments",
                  "recorded_by", "created_at"]  # fmt: skip
        read_only_fields = ["goal", "recorded_by", "created_at"]
        # Checked by the service, which names the period in its message.
        validators = []


# --- participation --------------------------------------------------------------------------


class ParticipationSerializer(serializers.Serializer):
    firm = serializers.IntegerField(source="firm.pk")
    firm_name = serializers.CharField(source="firm.name")
    attendance_rate_6m = serializers.SerializerMethodField(
        help_text="Activities attended ÷ activities held while a member, over the programme's "
        "participation window (participation_window_months, 6 by default; the name keeps "
        "its 6m). " + RATE_HELP
    )
    attendance_rate_since_joining = serializers.SerializerMethodField(
        help_text="Activities attended ÷ activities held since the firm joined. " + RATE_HELP
    )
    joint_actions = serializers.IntegerField(help_text="Joint actions it takes part in.")
    last_participation = serializers.DateField(
        allow_null=True, help_text="Its last attended activity or joint action."
    )
    drifting = serializers.BooleanField(
        help_text="No participation in 90 days (never for a firm that joined less than 90 "
        "days ago)."
    )

    @extend_schema_field(serializers.FloatField(allow_null=True, min_value=0, max_value=1))
    def get_attendance_rate_6m(self, row: progress_selectors.Participation) -> float | None:
        return _rate(row.rate_6m)

    @extend_schema_field(serializers.FloatField(allow_null=True, min_value=0, max_value=1))
    def get_attendance_rate_since_joining(
        self, row: progress_selectors.Participation
    ) -> float | None:
        return _rate(row.rate_since_joining)


# --- the collaboration graph ----------------------------------------------------------------


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The firm's id.")
    name = serializers.CharField()
    degree = serializers.IntegerField(help_text="How many other firms it is tied to.")


class GraphEdgeSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="A firm's id (the smaller of the two).")
    target = serializers.IntegerField(help_text="The other firm's id.")
    weight = serializers.IntegerField(help_text="Activities attended together + joint actions.")


class QuarterDensitySerializer(serializers.Serializer):
    quarter = serializers.CharField(help_text='"2025-Q1".')
    density = serializers.FloatField(min_value=0, max_value=1)


class GraphSerializer(serializers.Serializer):
    nodes = GraphNodeSerializer(many=True)
    edges = GraphEdgeSerializer(many=True)
    density = serializers.FloatField(
        min_value=0, max_value=1, help_text="2 × ties ÷ (n × (n − 1)), rounded to 3 decimals."
    )
    isolated = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the firms tied to nobody."
    )
    density_by_quarter = QuarterDensitySerializer(
        many=True,
        help_text="Cumulative: every tie made from the term start to the quarter's end (today "
        "for the quarter under way), among the firms that were members on that day.",
    )


# --- corrections, each with a reason (services.history) -----------------------------------


class GoalActualChangeSerializer(GoalActualSerializer):
    period_end = serializers.DateField(read_only=True)
    evidence = None  # evidence is added with the value, not changed afterwards
    reason = reason_field(history_services.GOAL_ACTUAL_REASON_HELP)

    class Meta(GoalActualSerializer.Meta):
        fields = ["id", "goal", "period_end", "value", "comment", "attachments", "recorded_by",
                  "created_at", "reason"]  # fmt: skip


class FirmIndicatorChangeSerializer(FirmIndicatorSerializer):
    # What a report is recorded for, and when, stays: a correction changes figures and notes.
    network = serializers.IntegerField(source="network_id", read_only=True, allow_null=True)
    date = serializers.DateField(read_only=True)
    is_baseline = serializers.BooleanField(read_only=True)
    reason = reason_field(history_services.INDICATOR_REASON_HELP)

    class Meta(FirmIndicatorSerializer.Meta):
        fields = [*FirmIndicatorSerializer.Meta.fields, "reason"]
