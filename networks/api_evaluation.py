"""REST API: evaluations against criteria, the criteria sets and the portfolio report.

- GET, POST /networks/{id}/evaluations/ ({date, notes, results: [{criterion, met, evidence}]});
  POST is for staff of the network's agency (facilitators and firms 403, outsiders 404)
- GET /criteria/ (?programme=): the criteria of the programmes the user may see
- GET /reports/portfolio/ (?programme=&region=&sector=&min_age_months=&max_age_months=):
  the 1993 question, for agency staff and admins (anyone else 403)

Same order as `api_views`: what the user may not see is 404, what they may only see is 403,
then the serializer's types (400), then the service's rules.
"""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from networks import access
from networks.api_idempotency import IdempotentCreateMixin
from networks.api_input import (
    StrictIntegerField,
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
)
from networks.api_views import NetworkScopedView
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.models import Criterion, Evaluation, EvaluationResult, Programme
from networks.selectors import evaluation as evaluation_selectors
from networks.services import evaluation as evaluation_services
from profo.db_router import use_replica

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
    age_months = serializers.IntegerField(help_text="From the start of the term to the date.")
    date = serializers.DateField()


class PortfolioSerializer(serializers.Serializer):
    networks = serializers.IntegerField(help_text="Networks in the report.")
    at_least = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='Networks that met at least k criteria, by k: {"0": 10, ..., "12": 0}.',
    )
    rows = PortfolioRowSerializer(many=True)


# --- views ----------------------------------------------------------------------------------


@extend_schema_view(
    post=extend_schema(request=EvaluationSerializer, responses={201: EvaluationSerializer}),
)
class EvaluationListView(IdempotentCreateMixin, NetworkScopedView, generics.ListCreateAPIView):
    """The network's evaluations, newest first (whoever sees the network); POST records one
    (staff of the network's agency)."""

    serializer_class = EvaluationSerializer
    write_check = staticmethod(access.require_agency)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "network": getattr(self, "network", None)}

    def get_queryset(self):
        return Evaluation.objects.filter(network=self.network).prefetch_related("results")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evaluation = evaluation_services.evaluation_record(
            network=self.network,
            actor=request.user,
            date=data["date"],
            notes=data.get("notes", ""),
            results=[(r["criterion"], r["met"], r["evidence"]) for r in data["results"]],
        )
        evaluation = self.get_queryset().get(pk=evaluation.pk)
        return Response(self.get_serializer(evaluation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("programme", int, description="Only this programme's.")]
    )
)
class CriterionListView(generics.ListAPIView):
    """The criteria of the programmes the user may see, in each set's order (inactive ones
    too: earlier evaluations refer to them)."""

    serializer_class = CriterionSerializer

    def get_queryset(self):
        filters = CriteriaFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        criteria = Criterion.objects.filter(
            programme__in=access.visible_programmes(self.request.user)
        ).order_by("programme_id", "position", "pk")
        programme = filters.validated_data.get("programme")
        if programme is not None:
            criteria = criteria.filter(programme_id=programme)
        return criteria


class PortfolioView(APIView):
    """How many networks met at least k criteria, for every k, with the rows behind it."""

    @extend_schema(
        parameters=[
            OpenApiParameter("programme", int, description="Only this programme's networks."),
            OpenApiParameter("region", str, description="Only this region's networks."),
            OpenApiParameter("sector", str, description="Only this sector's networks."),
            OpenApiParameter(
                "min_age_months", int, description="Age at the evaluation, in months: at least."
            ),
            OpenApiParameter(
                "max_age_months", int, description="Age at the evaluation, in months: at most."
            ),
        ],
        responses=PortfolioSerializer,
    )
    def get(self, request):
        access.require(access.is_agency_user(request.user))
        filters = PortfolioFilterSerializer(data=request.query_params, user=request.user)
        filters.is_valid(raise_exception=True)
        # A report may be a moment stale: read it from a replica when there is one.
        with use_replica():
            report = evaluation_selectors.portfolio(user=request.user, **filters.validated_data)
            body = {
                "networks": report.networks,
                "at_least": {str(k): count for k, count in report.at_least.items()},
                "rows": [
                    {
                        "network": row.network.pk,
                        "name": row.network.name,
                        "evaluation": row.evaluation.pk,
                        "met": row.evaluation.met_count,
                        "criteria": row.evaluation.criteria_count,
                        "age_months": row.age_months,
                        "date": row.evaluation.date,
                    }
                    for row in report.rows
                ],
            }
        return Response(PortfolioSerializer(body).data)


urlpatterns = [
    path(
        "networks/<int:pk>/evaluations/",
        EvaluationListView.as_view(),
        name="evaluation-list",
    ),
    path("criteria/", CriterionListView.as_view(), name="criterion-list"),
    path("reports/portfolio/", PortfolioView.as_view(), name="report-portfolio"),
]
