"""Serializers for the term: contributions, the ledger, payments, readiness, the handover.

They check types and shapes; the services check the business rules. Text fields the services
validate accept blanks here, so that the API answers with the service's own message.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from networks.api.input import StrictModelSerializer, StrictPrimaryKeyRelatedField, StrictSerializer
from networks.api.serializers.common import AgencyFacilitatorField, money_field, reason_field
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.models import Firm, Handover, HandoverCommitment, Payment
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import history as history_services

COMMITMENT_TWICE = _("Give each firm's share once (%(firm)s appears more than once).")


class NetworkFirmField(StrictPrimaryKeyRelatedField):
    """A firm of the network in the serializer's context (`network`)."""

    def get_queryset(self):
        return lifecycle_selectors.network_firms(self.context["network"])


# --- contributions and the ledger -----------------------------------------------------------


class ContributionSerializer(serializers.Serializer):
    """One firm's position. Amounts are decimal strings in the programme's currency."""

    firm = serializers.IntegerField(source="firm.pk", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    owed = money_field()
    paid = money_field()
    balance = money_field()
    in_arrears = serializers.BooleanField(read_only=True)
    arrears = money_field()


class LedgerLineSerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True)
    kind = serializers.ChoiceField(choices=["due", "payment"], read_only=True)
    label = serializers.CharField(read_only=True)
    debit = money_field()
    credit = money_field()
    balance = money_field()


# --- payments -------------------------------------------------------------------------------


class PaymentSerializer(StrictModelSerializer):
    firm = NetworkFirmField(queryset=Firm.objects.none())
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)

    class Meta:
        model = Payment
        fields = ["id", "network", "firm", "date", "amount", "reference", "recorded_by",
                  "created_at"]  # fmt: skip
        read_only_fields = ["network", "recorded_by", "created_at"]


# --- readiness ------------------------------------------------------------------------------


class ReadinessItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField(allow_null=True, help_text="null: not available yet.")


class ReadinessSerializer(serializers.Serializer):
    items = ReadinessItemSerializer(many=True)
    score = serializers.IntegerField(help_text="How many items are met.")
    total = serializers.IntegerField()


# --- the handover ---------------------------------------------------------------------------


class CommitmentSerializer(StrictModelSerializer):
    firm = NetworkFirmField(queryset=Firm.objects.none())
    # Negative shares pass here so that the service answers with its own message.
    share_percent = serializers.DecimalField(max_digits=6, decimal_places=3)

    class Meta:
        model = HandoverCommitment
        fields = ["firm", "share_percent"]


class HandoverSerializer(serializers.ModelSerializer):
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = Handover
        fields = [
            "id", "network", "date", "manager", "monthly_salary", "status", "proposed_by",
            "proposed_at", "confirmed_by", "confirmed_at", "commitments",
        ]  # fmt: skip
        read_only_fields = fields


class HandoverProposeSerializer(StrictSerializer):
    date = serializers.DateField()
    # Another agency's facilitator, or no facilitator, is "No such facilitator" (no oracle).
    manager = AgencyFacilitatorField()
    monthly_salary = serializers.DecimalField(max_digits=14, decimal_places=2)
    commitments = CommitmentSerializer(many=True, allow_empty=True)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=history_services.REASON_MAX_LENGTH,
        help_text=str(history_services.HANDOVER_REASON_HELP),
    )  # fmt: skip

    def validate_commitments(self, value):
        seen = set()
        for row in value:
            if row["firm"].pk in seen:
                raise serializers.ValidationError(COMMITMENT_TWICE % {"firm": row["firm"].name})
            seen.add(row["firm"].pk)
        return value


# --- the due date ---------------------------------------------------------------------------


class TermChangeSerializer(StrictSerializer):
    new_due_date = serializers.DateField()
    # Blank passes here so that the service answers with its own message.
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )


class TermExtensionSerializer(TermChangeSerializer):
    agency_percent = serializers.DecimalField(
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
        required=False,
        help_text="What the agency pays of the salary until the new due date (default: the "
        "last year's rate of the programme's schedule).",
    )


class DueDateSerializer(serializers.Serializer):
    handover_due = serializers.DateField()


# --- corrections, each with a reason (services.history) -----------------------------------


class PaymentChangeSerializer(PaymentSerializer):
    firm = serializers.PrimaryKeyRelatedField(read_only=True)
    reason = reason_field(history_services.PAYMENT_REASON_HELP)

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "reason"]
        read_only_fields = [*PaymentSerializer.Meta.read_only_fields, "firm"]
