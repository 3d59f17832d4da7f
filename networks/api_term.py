"""REST API: the three-year term: the ledger and payments, readiness, extensions and the handover.

Under /api/v1/networks/{id}/:
- contributions/: owed, paid, balance and arrears per firm; a firm member gets only their own
  firm's row. ledger/{firm_id}/: one firm's lines with the running balance; 404 for a firm whose
  figures the user may not see (another member firm included).
- payments/, handover/: the facilitator or agency staff (a firm member gets 403).
- handover/confirm/, extend-term/, early-handover/: agency staff only.
- readiness/: the handover checklist, for everyone who may see the network.
"""

from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from networks import access
from networks.api_idempotency import IdempotentCreateMixin
from networks.api_input import (
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictSerializer,
    require_no_input,
)
from networks.api_views import NetworkScopedView
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.models import Firm, Handover, HandoverCommitment, Membership, Network, Payment
from networks.selectors import term as term_selectors
from networks.serializers import AgencyFacilitatorField
from networks.services import history as history_services
from networks.services import term as term_services

COMMITMENT_TWICE = _("Give each firm's share once (%(firm)s appears more than once).")


def _network_firms(network: Network) -> QuerySet[Firm]:
    """Firms that are or were members: others are simply unknown ids (400) here."""
    return Firm.objects.filter(pk__in=Membership.objects.filter(network=network).values("firm_id"))


class NetworkFirmField(StrictPrimaryKeyRelatedField):
    """A firm of the network in the serializer's context (`network`)."""

    def get_queryset(self):
        return _network_firms(self.context["network"])


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)


# --- contributions and the ledger -----------------------------------------------------------


class ContributionSerializer(serializers.Serializer):
    """One firm's position. Amounts are decimal strings in the programme's currency."""

    firm = serializers.IntegerField(source="firm.pk", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    owed = _money()
    paid = _money()
    balance = _money()
    in_arrears = serializers.BooleanField(read_only=True)
    arrears = _money()


class ContributionListView(NetworkScopedView, generics.ListAPIView):
    """Per firm: owed, paid, balance and arrears (a firm member: their own firm's row only)."""

    serializer_class = ContributionSerializer

    def get_queryset(self):
        return term_selectors.contributions_for(self.request.user, self.network)


class LedgerLineSerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True)
    kind = serializers.ChoiceField(choices=["due", "payment"], read_only=True)
    label = serializers.CharField(read_only=True)
    debit = _money()
    credit = _money()
    balance = _money()


class FirmLedgerView(NetworkScopedView, generics.ListAPIView):
    """A firm's dues and payments in date order with the running balance."""

    serializer_class = LedgerLineSerializer

    def get_queryset(self):
        firm = access.found_or_404(
            _network_firms(self.network)
            .filter(pk__in=access.firms_with_visible_figures(self.request.user))
            .filter(pk=self.kwargs["firm_id"])
            .first(),
            "No such firm.",
        )
        return term_selectors.firm_ledger(self.network, firm)


# --- payments -------------------------------------------------------------------------------


class PaymentSerializer(StrictModelSerializer):
    firm = NetworkFirmField(queryset=Firm.objects.none())
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)

    class Meta:
        model = Payment
        fields = ["id", "network", "firm", "date", "amount", "reference", "recorded_by",
                  "created_at"]  # fmt: skip
        read_only_fields = ["network", "recorded_by", "created_at"]


class PaymentCreateView(IdempotentCreateMixin, NetworkScopedView):
    """Record what a firm paid (the facilitator or agency staff)."""

    serializer_class = PaymentSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "network": self.network}

    @extend_schema(request=PaymentSerializer, responses={201: PaymentSerializer})
    def post(self, request, pk):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = term_services.payment_record(
            network=self.network, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)


# --- readiness ------------------------------------------------------------------------------


class ReadinessItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField(allow_null=True, help_text="null: not available yet.")


class ReadinessSerializer(serializers.Serializer):
    items = ReadinessItemSerializer(many=True)
    score = serializers.IntegerField(help_text="How many items are met.")
    total = serializers.IntegerField()


class ReadinessView(NetworkScopedView):
    serializer_class = ReadinessSerializer

    @extend_schema(responses=ReadinessSerializer)
    def get(self, request, pk):
        readiness = term_selectors.readiness(self.network)
        data = {"items": readiness.items, "score": readiness.score, "total": readiness.total}
        return Response(ReadinessSerializer(data).data)


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


class HandoverView(IdempotentCreateMixin, NetworkScopedView):
    """The facilitator (or agency staff) proposes the handover; a new one replaces an open one."""

    serializer_class = HandoverProposeSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "network": self.network}

    @extend_schema(request=HandoverProposeSerializer, responses={201: HandoverSerializer})
    def post(self, request, pk):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        handover = term_services.handover_propose(
            network=self.network, actor=request.user, date=data["date"],
            manager=data["manager"], monthly_salary=data["monthly_salary"],
            commitments={row["firm"]: row["share_percent"] for row in data["commitments"]},
            reason=data["reason"],
        )  # fmt: skip
        return Response(HandoverSerializer(handover).data, status=status.HTTP_201_CREATED)


class HandoverConfirmView(NetworkScopedView):
    """Agency staff confirm the proposed handover: the network becomes independent."""

    serializer_class = HandoverSerializer
    write_check = staticmethod(access.require_agency)

    @extend_schema(request=None, responses=HandoverSerializer)
    def post(self, request, pk):
        require_no_input(request)
        handover = term_services.handover_confirm(network=self.network, actor=request.user)
        return Response(HandoverSerializer(handover).data)


# --- the due date ---------------------------------------------------------------------------


class TermChangeSerializer(StrictSerializer):
    new_due_date = serializers.DateField()
    # Blank passes here so that the service answers with its own message.
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )


class DueDateSerializer(serializers.Serializer):
    handover_due = serializers.DateField()


class TermChangeView(NetworkScopedView):
    serializer_class = TermChangeSerializer
    write_check = staticmethod(access.require_agency)
    service = staticmethod(term_services.term_extend)

    @extend_schema(request=TermChangeSerializer, responses=DueDateSerializer)
    def post(self, request, pk):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.service(network=self.network, actor=request.user, **serializer.validated_data)
        return Response(DueDateSerializer({"handover_due": self.network.handover_due}).data)


class ExtendTermView(TermChangeView):
    """Agency staff move the handover's due date later, with a reason."""

    service = staticmethod(term_services.term_extend)


class EarlyHandoverView(TermChangeView):
    """Agency staff allow the handover before the end of the term, with a reason."""

    service = staticmethod(term_services.early_handover_allow)


urlpatterns = [
    path(
        "networks/<int:pk>/contributions/",
        ContributionListView.as_view(),
        name="contribution-list",
    ),
    path("networks/<int:pk>/ledger/<int:firm_id>/", FirmLedgerView.as_view(), name="firm-ledger"),
    path("networks/<int:pk>/payments/", PaymentCreateView.as_view(), name="payment-create"),
    path("networks/<int:pk>/readiness/", ReadinessView.as_view(), name="readiness"),
    path("networks/<int:pk>/handover/", HandoverView.as_view(), name="handover"),
    path(
        "networks/<int:pk>/handover/confirm/",
        HandoverConfirmView.as_view(),
        name="handover-confirm",
    ),
    path("networks/<int:pk>/extend-term/", ExtendTermView.as_view(), name="extend-term"),
    path("networks/<int:pk>/early-handover/", EarlyHandoverView.as_view(), name="early-handover"),
]
