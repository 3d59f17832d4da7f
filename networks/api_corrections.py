"""REST API: correcting what others rely on, with a reason kept in the history.

- GET, PATCH, DELETE /payments/{id}/: the facilitator or agency staff change or remove a
  payment, always with `reason`; the paying firm may read it; another member firm gets 404;
- GET, PATCH /goal-actuals/{id}/: a period's value and comment; `reason` once the value is
  older than a week or an evaluation came after it;
- GET, PATCH /firm-indicators/{id}/: a report's figures and notes, always with `reason`;
  whoever may see the firm's figures (the firm, its facilitators, its agency).

A change that needs a reason and has none is a 400 naming `reason` (services.history says when
a record needs one). DELETE takes `reason` from a JSON body or the query string.
"""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from networks import access
from networks.api_progress import (
    FirmIndicatorSerializer,
    GoalActualSerializer,
)
from networks.api_term import PaymentSerializer
from networks.services import history as history_services
from networks.services import progress as progress_services
from networks.services import term as term_services


def reason_field(help_text) -> serializers.CharField:
    # Blank passes here so that the service answers with the rule that makes it needed.
    return serializers.CharField(
        write_only=True, required=False, allow_blank=True, default="",
        max_length=history_services.REASON_MAX_LENGTH, help_text=str(help_text),
    )  # fmt: skip


class ReasonSerializer(serializers.Serializer):
    reason = reason_field(history_services.PAYMENT_REASON_HELP)


REASON_PARAMETER = OpenApiParameter(
    "reason", description="Why the record is removed (or give it in a JSON body)."
)


# --- payments -------------------------------------------------------------------------------


class PaymentChangeSerializer(PaymentSerializer):
    firm = serializers.PrimaryKeyRelatedField(read_only=True)
    reason = reason_field(history_services.PAYMENT_REASON_HELP)

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "reason"]
        read_only_fields = [*PaymentSerializer.Meta.read_only_fields, "firm"]


@extend_schema_view(
    delete=extend_schema(request=ReasonSerializer, parameters=[REASON_PARAMETER]),
)
class PaymentDetailView(generics.RetrieveUpdateDestroyAPIView):
    """A payment; PATCH corrects its date, amount or reference and DELETE removes one recorded
    by mistake, both with a reason (facilitator or agency staff)."""

    serializer_class = PaymentChangeSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return access.get_payment_or_404(
            self.request.user, self.kwargs["pk"], change=self.request.method not in SAFE_METHODS
        )

    def update(self, request, *args, **kwargs):
        payment = self.get_object()
        serializer = self.get_serializer(payment, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        payment = term_services.payment_update(
            payment=payment, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(payment).data)

    def destroy(self, request, *args, **kwargs):
        payment = self.get_object()
        serializer = ReasonSerializer(data=request.data or request.query_params)
        serializer.is_valid(raise_exception=True)
        term_services.payment_delete(
            payment=payment, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- goal actuals ---------------------------------------------------------------------------


class GoalActualChangeSerializer(GoalActualSerializer):
    period_end = serializers.DateField(read_only=True)
    evidence = None  # evidence is added with the value, not changed afterwards
    reason = reason_field(history_services.GOAL_ACTUAL_REASON_HELP)

    class Meta(GoalActualSerializer.Meta):
        fields = ["id", "goal", "period_end", "value", "comment", "attachments", "recorded_by",
                  "created_at", "reason"]  # fmt: skip


class GoalActualDetailView(generics.RetrieveUpdateAPIView):
    """A goal's value for one period; PATCH corrects the value or comment (facilitator or
    agency staff), with a reason once others may have relied on it."""

    serializer_class = GoalActualChangeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return access.get_goal_actual_or_404(
            self.request.user, self.kwargs["pk"], change=self.request.method not in SAFE_METHODS
        )

    def update(self, request, *args, **kwargs):
        actual = self.get_object()
        serializer = self.get_serializer(actual, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        actual = progress_services.goal_actual_update(
            actual=actual, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(actual).data)


# --- firm indicators ------------------------------------------------------------------------


class FirmIndicatorChangeSerializer(FirmIndicatorSerializer):
    # What a report is recorded for, and when, stays: a correction changes figures and notes.
    network = serializers.IntegerField(source="network_id", read_only=True, allow_null=True)
    date = serializers.DateField(read_only=True)
    is_baseline = serializers.BooleanField(read_only=True)
    reason = reason_field(history_services.INDICATOR_REASON_HELP)

    class Meta(FirmIndicatorSerializer.Meta):
        fields = [*FirmIndicatorSerializer.Meta.fields, "reason"]


class FirmIndicatorDetailView(generics.RetrieveUpdateAPIView):
    """One report of a firm's figures; PATCH corrects figures or notes, always with a reason."""

    serializer_class = FirmIndicatorChangeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return access.get_firm_indicator_or_404(
            self.request.user, self.kwargs["pk"], change=self.request.method not in SAFE_METHODS
        )

    def update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = self.get_serializer(report, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        report = progress_services.firm_indicator_update(
            report=report, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(report).data)


urlpatterns = [
    path("payments/<int:pk>/", PaymentDetailView.as_view(), name="payment-detail"),
    path("goal-actuals/<int:pk>/", GoalActualDetailView.as_view(), name="goal-actual-detail"),
    path(
        "firm-indicators/<int:pk>/",
        FirmIndicatorDetailView.as_view(),
        name="firm-indicator-detail",
    ),
]
