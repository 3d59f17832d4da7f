"""Serializers for the broker's records: certifications, dated diagnoses, joint strategic
projects with their milestones, and the sales a joint action won per firm.

They check types and shapes; the services check the business rules (and answer with their
own messages). Amounts are decimal strings in the programme's currency."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from networks.api.input import StrictIntegerField, StrictModelSerializer, StrictSerializer
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.lib.typology import DIMENSIONS
from networks.models import Certification, Diagnosis, JointProject, Milestone
from networks.rules import MAX_INTEGER


def _amount(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, **kwargs)


# --- certifications ----------------------------------------------------------------------------


class CertificationSerializer(StrictModelSerializer):
    """A standard the firm works towards or holds. POST as JSON, or as multipart with an
    `evidence` file; PATCH moves it along (its firm and network stay)."""

    network = StrictIntegerField(
        source="network_id", required=False, allow_null=True, min_value=1,
        max_value=MAX_INTEGER,
        help_text="The network it is recorded for: its facilitator and agency read it. null: "
        "the firm's own record (firm users only). Left out: the only network the user may "
        "record for.",
    )  # fmt: skip
    standard = serializers.CharField(max_length=120, allow_blank=True)
    certifier = serializers.CharField(
        max_length=NAME_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    evidence = serializers.FileField(
        write_only=True, required=False, allow_null=True, default=None,
        help_text="Optional PDF, JPEG, PNG, DOCX, XLSX, ODT or ODS file, checked by content.",
    )  # fmt: skip
    evidence_url = serializers.SerializerMethodField(
        help_text="The evidence's download page (session login), or null."
    )

    class Meta:
        model = Certification
        fields = ["id", "firm", "network", "standard", "certifier", "status", "started_on",
                  "audited_on", "certified_on", "expires_on", "notes", "evidence",
                  "evidence_name", "evidence_url", "recorded_by", "created_at"]  # fmt: skip
        read_only_fields = ["firm", "evidence_name", "recorded_by", "created_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_evidence_url(self, row: Certification) -> str | None:
        if not row.evidence:
            return None
        return reverse("networks:certification-evidence", args=[row.pk])


class CertificationChangeSerializer(CertificationSerializer):
    network = serializers.IntegerField(source="network_id", read_only=True, allow_null=True)
    standard = serializers.CharField(max_length=120, allow_blank=True, required=False)
    certifier = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)


# --- dated diagnoses ---------------------------------------------------------------------------


class DiagnosisPointSerializer(StrictModelSerializer):
    """A dated diagnosis with its nine ratings (1 low to 3 high) and the closest profile.
    POST records a re-diagnosis (consolidation and independence; all nine ratings)."""

    profile = serializers.SerializerMethodField(
        help_text="informal, organized or innovative; null until all nine are rated."
    )
    problems = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    opportunities = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )

    class Meta:
        model = Diagnosis
        fields = ["id", "occasion", "diagnosed_on", *DIMENSIONS, "problems", "opportunities",
                  "profile"]  # fmt: skip
        read_only_fields = ["occasion"]
        extra_kwargs = {name: {"required": False, "allow_null": True} for name in DIMENSIONS}
        validators = []

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_profile(self, row: Diagnosis) -> str | None:
        profile = row.profile
        return profile.key if profile else None


# --- joint strategic projects -------------------------------------------------------------------


class MilestoneSerializer(StrictModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "status", "done_on"]
        extra_kwargs = {"title": {"allow_blank": True}}


class MilestoneChangeSerializer(MilestoneSerializer):
    class Meta(MilestoneSerializer.Meta):
        extra_kwargs = {
            "title": {"allow_blank": True, "required": False},
            "due_on": {"required": False},
            "status": {"required": False},
        }


class ProjectContributionSerializer(StrictSerializer):
    firm = StrictIntegerField(min_value=1, max_value=MAX_INTEGER)
    contribution = _amount(min_value=0)


class ProjectSerializer(StrictModelSerializer):
    """A project. `firms`: the participating firms' ids; their co-financing is
    `contributions` per firm when given, else `firms_funding` split equally."""

    firms = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_INTEGER), write_only=True,
        required=False,
    )  # fmt: skip
    contributions = ProjectContributionSerializer(many=True, required=False)
    milestones = MilestoneSerializer(many=True, read_only=True)
    joint_actions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    title = serializers.CharField(max_length=NAME_MAX_LENGTH, allow_blank=True)
    goal = serializers.CharField(max_length=TEXT_MAX_LENGTH, allow_blank=True)
    budget = _amount(required=False)
    agency_funding = _amount(required=False)
    firms_funding = _amount(required=False)

    class Meta:
        model = JointProject
        fields = ["id", "network", "title", "goal", "status", "start_date", "end_date",
                  "budget", "agency_funding", "firms_funding", "firms", "contributions",
                  "milestones", "joint_actions", "created_by", "created_at"]  # fmt: skip
        read_only_fields = ["network", "created_by", "created_at"]
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["contributions"] = [
            {"firm": row.firm_id, "contribution": str(row.contribution)}
            for row in instance.participants.all()
        ]
        return data


def project_input(validated: dict) -> dict:
    """The service's keywords from a project serializer's data."""
    data = dict(validated)
    rows = data.pop("contributions", None)
    if rows is not None:
        data["contributions"] = {row["firm"]: row["contribution"] for row in rows}
    return data


# --- sales won as a group ----------------------------------------------------------------------


class SaleSerializer(StrictSerializer):
    firm = StrictIntegerField(min_value=1, max_value=MAX_INTEGER)
    firm_name = serializers.CharField(read_only=True)
    sales = _amount(min_value=0, allow_null=True)


class SalesSerializer(StrictSerializer):
    """PUT the sales per participating firm (null clears one); the joint action's value
    becomes their sum."""

    sales = SaleSerializer(many=True)
    total = _amount(read_only=True)
