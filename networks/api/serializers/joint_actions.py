"""Serializers for joint actions and each firm's part.

They check types and shapes; the services check the business rules. Text fields the services
validate accept blanks here, so that the API answers with the service's own message.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from networks.api.input import StrictIntegerField, StrictSerializer
from networks.api.serializers.common import status_field
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.models import (
    ON_BEHALF_METHODS,
    ConfirmationMethod,
    JointAction,
    JointActionParticipant,
)
from networks.rules import MAX_INTEGER
from networks.services import history as history_services
from networks.services import joint_actions as joint_action_services


class ParticipantSerializer(serializers.ModelSerializer):
    confirmed = serializers.BooleanField(source="is_confirmed", read_only=True)
    confirmation_method = serializers.ChoiceField(
        choices=ConfirmationMethod.choices, allow_blank=True, read_only=True,
        help_text="How the answer came; empty while the firm has not confirmed.",
    )  # fmt: skip
    recorded_by_facilitator = serializers.BooleanField(
        source="recorded_on_behalf", read_only=True,
        help_text="The facilitator recorded the firm's answer on its behalf (confirmed_by).",
    )  # fmt: skip

    class Meta:
        model = JointActionParticipant
        fields = [
            "firm", "confirmed", "confirmed_by", "confirmed_at", "confirmation_method",
            "recorded_by_facilitator", "confirmation_note",
        ]  # fmt: skip
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer):
    firm = serializers.IntegerField(source="firm_id")
    at = serializers.DateTimeField()
    recorded_by_facilitator = serializers.BooleanField(source="on_behalf")


class RecordAnswerSerializer(StrictSerializer):
    """The facilitator records a firm's answer on its behalf (no attachment through the API)."""

    firm = StrictIntegerField(min_value=1, max_value=MAX_INTEGER)
    answer = serializers.ChoiceField(choices=["confirm", "decline"])
    method = serializers.ChoiceField(
        choices=[(m.value, m.label) for m in ON_BEHALF_METHODS],
        help_text="How the facilitator obtained the answer.",
    )  # fmt: skip
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class JointActionSerializer(serializers.ModelSerializer):
    """A joint action as read. `firms` lists the participants' ids; `declined`, the firms that
    said they did not take part."""

    type = serializers.CharField(source="type.slug", read_only=True)
    type_label = serializers.CharField(source="type.label", read_only=True)
    status = status_field(JointAction, "", read_only=True)
    firms = serializers.SerializerMethodField()
    participants = ParticipantSerializer(many=True, read_only=True)
    declined = serializers.SerializerMethodField()

    class Meta:
        model = JointAction
        fields = [
            "id", "network", "type", "type_label", "title", "firms", "status", "start_date",
            "end_date", "value", "outcome", "logged_by", "logged_by_firm", "participants",
            "declined", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_firms(self, joint_action: JointAction) -> list[int]:
        return [p.firm_id for p in joint_action.participants.all()]

    @extend_schema_field(DeclineSerializer(many=True))
    def get_declined(self, joint_action: JointAction) -> list:
        return DeclineSerializer(getattr(joint_action, "declines", []), many=True).data


class JointActionWriteSerializer(StrictSerializer):
    """What POST requires and PATCH may change. The services give the messages for a missing
    title, an unknown type, too few firms or firms that are not members."""

    # A PATCH may send back the body of a GET: the fields shown there are read-only here.
    read_serializer = JointActionSerializer

    type = serializers.CharField(
        max_length=50, help_text="The slug of one of the programme's joint-action types."
    )
    title = serializers.CharField(max_length=NAME_MAX_LENGTH, allow_blank=True)
    firms = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_INTEGER),
        help_text="Ids of the participating member firms (at least two). A firm member's own "
        "firm is always added.",
    )
    status = status_field(JointAction, joint_action_services.JOINT_ACTION_STATUS_UNKNOWN)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=history_services.REASON_MAX_LENGTH,
        help_text="On a change: " + str(history_services.JOINT_ACTION_REASON_HELP),
    )  # fmt: skip
