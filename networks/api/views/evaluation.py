"""REST API: evaluations against criteria, the criteria sets and the portfolio report.

- GET, POST /networks/{id}/evaluations/ ({date, notes, results: [{criterion, met, evidence}]});
  POST is for staff of the network's agency (facilitators and firms 403, outsiders 404)
- GET /criteria/ (?programme=): the criteria of the programmes the user may see
- GET /reports/portfolio/ (?programme=&region=&sector=&min_age_months=&max_age_months=):
  the 1993 question, for agency staff and admins (anyone else 403)

Same order as every endpoint (networks.api): what the user may not see is 404, what they
may only see is 403, then the serializer's types (400), then the service's rules.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.serializers.evaluation import (
    CriteriaFilterSerializer,
    CriterionSerializer,
    EvaluationSerializer,
    PortfolioFilterSerializer,
    PortfolioSerializer,
)
from networks.api.views.common import NetworkScopedView
from networks.models import Criterion, Evaluation
from networks.selectors import evaluation as evaluation_selectors
from networks.services import evaluation as evaluation_services
from profo.db_router import use_replica

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
            OpenApiParameter(
                "age_from",
                str,
                enum=["appointment", "approval"],
                description="Count the age from the manager's appointment (default) or the "
                "approval of the application.",
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
                "age_from": report.age_from,
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
