"""Serializers for evaluations, criteria and the portfolio report.

They check types and shapes; the services check the business rules. Text fields the services
validate accept blanks here, so that the API answers with the service's own message.
"""

from rest_framework import serializers

from networks import access
from networks.api.input import (
    StrictIntegerField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
)
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.models import Criterion, Evaluation, EvaluationResult, Programme

CRITERION_NOT_IN_SET = "Criterion {pk_value} is not in this programme's set."
AGE_ORDER = "The maximum age must be at least the minimum."

# --- serializers ----------------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="The title in the reader's language.")

    class Meta:
        model = Criterion
        fields = [
            "id", "programme", "key", "title", "label", "description", "suggestion", "position",
            "is_active",
        ]  # fmt: skip
        read_only_fields = fields


class NetworkCriterionField(StrictPrimaryKeyRelatedField):
    """A criterion of the network's programme; any other id is simply unknown."""

    default_error_messages = {"does_not_exist": CRITERION_NOT_IN_SET}

    def __init__(self, **kwargs):
        super().__init__(queryset=Criterion.objects.all(), **kwargs)

    def get_queryset(self):
        network = self.context.get("network")
        if network is None:
            return Criterion.objects.none()
        return Criterion.objects.filter(programme_id=network.programme_id)


class EvaluationResultSerializer(StrictModelSerializer):
    criterion = NetworkCriterionField(help_text="The criterion's id.")
    # Not required here, so that a missing answer gets the service's message naming the
    # criterion, together with every other missing one.
    met = serializers.BooleanField(required=False, allow_null=True, default=None)
    evidence = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )

    class Meta:
        model = EvaluationResult
        fields = ["criterion", "met", "evidence"]


class EvaluationSerializer(StrictModelSerializer):
    results = EvaluationResultSerializer(
        many=True, help_text="One entry for every active criterion of the programme's set."
    )

    class Meta:
        model = Evaluation
        fields = [
            "id", "network", "date", "evaluator", "notes", "met_count", "criteria_count",
            "created_at", "results",
        ]  # fmt: skip
        read_only_fields = ["network", "evaluator", "met_count", "criteria_count", "created_at"]
        extra_kwargs = {"notes": {"required": False, "allow_blank": True}}


class CriteriaFilterSerializer(serializers.Serializer):
    programme = StrictIntegerField(required=False, min_value=1)


class PortfolioFilterSerializer(serializers.Serializer):
    programme = StrictPrimaryKeyRelatedField(queryset=Programme.objects.none(), required=False)
    region = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NAME_MAX_LENGTH
    )
    sector = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NAME_MAX_LENGTH
    )
    min_age_months = StrictIntegerField(required=False, min_value=0, max_value=600)
    max_age_months = StrictIntegerField(required=False, min_value=0, max_value=600)
    age_from = serializers.ChoiceField(
        choices=["appointment", "approval"],
        required=False,
        default="appointment",
        help_text="Count each network's age from the manager's appointment or the approval.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = access.visible_programmes(user)

    def validate(self, attrs):
        low, high = attrs.get("min_age_months"), attrs.get("max_age_months")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_age_months": [AGE_ORDER]})
        return attrs


class PortfolioRowSerializer(serializers.Serializer):
    network = serializers.IntegerField()
    name = serializers.CharField()
    evaluation = serializers.IntegerField()
    met = serializers.IntegerField()
    criteria = serializers.IntegerField(help_text="Active criteria at the evaluation.")
    age_months = serializers.IntegerField(
        help_text="From the start of the term (or the approval, by `age_from`) to the date."
    )
    date = serializers.DateField()


class PortfolioSerializer(serializers.Serializer):
    networks = serializers.IntegerField(help_text="Networks in the report.")
    age_from = serializers.CharField(help_text="What each network's age counts from.")
    at_least = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='Networks that met at least k criteria, by k: {"0": 10, ..., "12": 0}.',
    )
    rows = PortfolioRowSerializer(many=True)
