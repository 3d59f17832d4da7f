"""Serializers for networks, members, the diagnosis and goals, the application, the manager.

They check types and shapes; the services check the business rules. Text fields the services
validate accept blanks here, so that the API answers with the service's own message.
"""

import contextlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from networks import access
from networks.api.input import StrictModelSerializer, StrictPrimaryKeyRelatedField, StrictSerializer
from networks.api.serializers.common import AgencyFacilitatorField, LocalityField, LocalityMixin
from networks.lib import typology
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.lib.taxid import normalize_rut
from networks.models import (
    Application,
    ApplicationEvent,
    Diagnosis,
    Firm,
    Goal,
    ManagerAppointment,
    Membership,
    Network,
    PhaseTransition,
    Programme,
    User,
)
from networks.selectors import firms as firm_selectors
from networks.services import lifecycle as lifecycle_services
from networks.services.lifecycle import DECISION_UNKNOWN


def _reason(**kwargs) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH, **kwargs
    )


# One answer for an id that does not exist and one the user may not reach (another agency's).
NO_SUCH_FIRM = _("No such firm.")
NO_SUCH_PROGRAMME = _("No such programme.")
MEMBER_FIRM_REQUIRED = _("Give the firm: its id, or its complete tax id.")
MEMBER_FIRM_TWICE = _("The id and the tax id name two different firms: give one of them.")


# --- networks -------------------------------------------------------------------------------


class NetworkSerializer(StrictModelSerializer):
    """A network as read, and as changed by PATCH (name, region, commune, sector only)."""

    agency = serializers.IntegerField(source="programme.agency_id", read_only=True)
    locality = serializers.CharField(read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    application_status = serializers.SerializerMethodField()

    class Meta:
        model = Network
        fields = [
            "id", "name", "phase", "programme", "agency", "facilitator", "locality", "region",
            "commune", "sector", "member_count", "term_start", "handover_due", "created_on",
            "application_status",
        ]  # fmt: skip
        read_only_fields = [
            "phase", "programme", "facilitator", "term_start", "handover_due", "created_on",
        ]  # fmt: skip
        extra_kwargs = {
            "name": {"allow_blank": True},
            "region": {"allow_blank": True},
            "sector": {"allow_blank": True},
        }

    @extend_schema_field(serializers.ChoiceField(choices=Application.Status.choices))
    def get_application_status(self, network: Network) -> str:
        # Services create the application lazily, so a network without one has a draft.
        try:
            return network.application.status
        except Application.DoesNotExist:
            return Application.Status.DRAFT


class FacilitatorField(StrictPrimaryKeyRelatedField):
    """A facilitator of the requesting user's agency: another agency's would then see the network."""

    def get_queryset(self):
        user = self.context["request"].user
        return super().get_queryset().filter(agency_id=user.agency_id)


class OwnProgrammeField(StrictPrimaryKeyRelatedField):
    """A programme of the requesting user's agency; another agency's is "No such programme.",
    as one that does not exist."""

    default_error_messages = {"does_not_exist": NO_SUCH_PROGRAMME}

    def __init__(self, **kwargs):
        super().__init__(queryset=Programme.objects.all(), **kwargs)  # the model, for the schema

    def get_queryset(self):
        return Programme.objects.filter(agency_id=self.context["request"].user.agency_id)


class NetworkCreateSerializer(LocalityMixin, NetworkSerializer):
    """A new network: `programme` is required; `locality` may stand for region and commune."""

    programme = OwnProgrammeField(help_text="A programme of your agency.")
    facilitator = FacilitatorField(
        queryset=User.objects.filter(role=User.Role.FACILITATOR),
        required=False,
        allow_null=True,
        help_text="Agency staff name the facilitator; a facilitator creating is the facilitator.",
    )
    locality = LocalityField(
        help_text='"Talca, Maule": commune, region. Without a comma, the region.'
    )

    class Meta(NetworkSerializer.Meta):
        read_only_fields = ["phase", "term_start", "handover_due", "created_on"]
        extra_kwargs = {
            field: {"required": False, "allow_blank": True}
            for field in ("name", "region", "commune", "sector")
        }


class FindableFirmField(StrictPrimaryKeyRelatedField):
    """A firm the requesting user may find (`access.findable_firms`: their agency's, or in no
    network yet). Any other id, another agency's firm included, is "No such firm.", as an id
    that does not exist: ids are sequential, and their answer must not tell which exist."""

    default_error_messages = {"does_not_exist": NO_SUCH_FIRM}

    def __init__(self, **kwargs):
        super().__init__(queryset=Firm.objects.all(), **kwargs)  # the model, for the schema

    def get_queryset(self):
        return access.findable_firms(self.context["request"].user)


class FirmByTaxIdField(serializers.CharField):
    """In: a firm's complete tax id, which finds any registered firm (a RUT is public, as in
    `selectors.firm_search`). Out: the member firm's tax id as stored."""

    default_error_messages = {"does_not_exist": NO_SUCH_FIRM}

    def __init__(self, **kwargs):
        super().__init__(source="*", required=False, max_length=20, **kwargs)

    def to_representation(self, membership: Membership) -> str:
        return membership.firm.tax_id

    def to_internal_value(self, data) -> dict:
        text = super().to_internal_value(data)
        # The length and NUL-byte checks run before the lookup: PostgreSQL refuses a NUL in a query.
        self.run_validators(text)
        # Not a RUT: looked up as given (another country's id), or no firm at all.
        with contextlib.suppress(DjangoValidationError):
            text = normalize_rut(text)
        firm = firm_selectors.firm_by_tax_id(text)
        if firm is None:
            self.fail("does_not_exist")
        return {"firm_by_tax_id": firm}


class MembershipSerializer(StrictModelSerializer):
    """POST gives `firm` (an id from the firm list or search) or `tax_id` (the complete tax id,
    which also adds a firm that another agency registered)."""

    firm = FindableFirmField(required=False, help_text="A firm of your agency, or in no network.")
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    tax_id = FirmByTaxIdField(help_text='The complete tax id ("76.123.456-7"), instead of `firm`.')

    class Meta:
        model = Membership
        fields = ["firm", "firm_name", "tax_id", "joined_on"]
        read_only_fields = ["joined_on"]

    def validate(self, attrs):
        by_tax_id = attrs.pop("firm_by_tax_id", None)
        firm = attrs.get("firm")
        if firm is None and by_tax_id is None:
            raise serializers.ValidationError({"firm": [MEMBER_FIRM_REQUIRED]})
        if firm is not None and by_tax_id is not None and firm.pk != by_tax_id.pk:
            raise serializers.ValidationError({"tax_id": [MEMBER_FIRM_TWICE]})
        attrs["firm"] = firm or by_tax_id
        return attrs


class MembershipRemoveSerializer(StrictSerializer):
    reason = _reason()
    left_on = serializers.DateField(required=False, allow_null=True, default=None)


# --- diagnosis and goals --------------------------------------------------------------------


class DiagnosisSerializer(StrictModelSerializer):
    """Fields left out of a PUT keep their value, as in `services.diagnosis_save`."""

    profile = serializers.SerializerMethodField()
    distances = serializers.SerializerMethodField()

    class Meta:
        model = Diagnosis
        fields = [
            "problems", "opportunities", "collaboration_basis", *typology.DIMENSIONS,
            "profile", "distances", "updated_at", "updated_by",
        ]  # fmt: skip
        read_only_fields = ["updated_at", "updated_by"]

    @extend_schema_field(
        serializers.ChoiceField(choices=[p.key for p in typology.PROFILES], allow_null=True)
    )
    def get_profile(self, diagnosis: Diagnosis) -> str | None:
        profile = diagnosis.profile
        return profile.key if profile else None

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_distances(self, diagnosis: Diagnosis) -> dict:
        return typology.distances(diagnosis.ratings())


class GoalSerializer(StrictModelSerializer):
    class Meta:
        model = Goal
        fields = [
            "id", "horizon", "title", "indicator", "unit", "baseline", "target", "due_date",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["created_at"]
        extra_kwargs = {"title": {"allow_blank": True}}


# --- the application ------------------------------------------------------------------------


class ChecklistItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    message = serializers.CharField(help_text="What to do when the condition is not met.")


class ApplicationEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationEvent
        fields = ["action", "actor", "at", "reason"]


class ApplicationSerializer(serializers.ModelSerializer):
    """The application, with the conditions for submitting it and its history."""

    checklist = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "status", "submitted_by", "submitted_at", "decided_by", "decided_at",
            "decision_reason", "checklist", "events",
        ]  # fmt: skip

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, application: Application) -> list:
        return ChecklistItemSerializer(
            lifecycle_services.submit_checklist(application.network), many=True
        ).data

    @extend_schema_field(ApplicationEventSerializer(many=True))
    def get_events(self, application: Application) -> list:
        if application.pk is None:
            return []
        return ApplicationEventSerializer(application.events.all(), many=True).data


class DecisionSerializer(StrictSerializer):
    decision = serializers.ChoiceField(
        choices=["approve", "return", "reject"],
        error_messages={"invalid_choice": DECISION_UNKNOWN},
    )
    reason = _reason()


class ManagerAppointSerializer(StrictSerializer):
    # An inactive facilitator of the agency passes here: the service says why it cannot be.
    manager = AgencyFacilitatorField()
    start_date = serializers.DateField()
    monthly_salary = serializers.DecimalField(max_digits=14, decimal_places=2)


class ManagerReplaceSerializer(ManagerAppointSerializer):
    reason = _reason()


class AppointmentSerializer(serializers.ModelSerializer):
    manager = serializers.PrimaryKeyRelatedField(source="person", read_only=True)

    class Meta:
        model = ManagerAppointment
        fields = [
            "id", "network", "manager", "start_date", "end_date", "monthly_salary", "end_reason",
            "appointed_by", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class DissolveSerializer(StrictSerializer):
    reason = _reason()


class PhaseTransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhaseTransition
        fields = ["from_phase", "to_phase", "actor", "at", "reason"]
