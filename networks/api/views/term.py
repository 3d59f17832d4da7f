"""REST API: the three-year term: the ledger and payments, readiness, extensions and the handover.

Under /api/v1/networks/{id}/:
- contributions/: owed, paid, balance and arrears per firm; a firm member gets only their own
  firm's row. ledger/{firm_id}/: one firm's lines with the running balance; 404 for a firm whose
  figures the user may not see (another member firm included).
- payments/, handover/: the facilitator or agency staff (a firm member gets 403).
- handover/confirm/, extend-term/, early-handover/: agency staff only.
- readiness/: the handover checklist, for everyone who may see the network.

And /api/v1/payments/{id}/ (GET, PATCH, DELETE): the facilitator or agency staff change or
remove a payment, always with `reason` (DELETE takes it from a JSON body or the query string);
the paying firm may read it; another member firm gets 404.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.input import require_no_input
from networks.api.serializers.common import ReasonSerializer
from networks.api.serializers.term import (
    ContributionSerializer,
    DueDateSerializer,
    HandoverProposeSerializer,
    HandoverSerializer,
    LedgerLineSerializer,
    PaymentChangeSerializer,
    PaymentSerializer,
    ReadinessSerializer,
    TermChangeSerializer,
    TermExtensionSerializer,
)
from networks.api.views.common import REASON_PARAMETER, NetworkScopedView
from networks.selectors import lifecycle as lifecycle_selectors
from networks.selectors import term as term_selectors
from networks.services import term as term_services


class ContributionListView(NetworkScopedView, generics.ListAPIView):
    """Per firm: owed, paid, balance and arrears (a firm member: their own firm's row only)."""

    serializer_class = ContributionSerializer

    def get_queryset(self):
        return term_selectors.contributions_for(self.request.user, self.network)


class FirmLedgerView(NetworkScopedView, generics.ListAPIView):
    """A firm's dues and payments in date order with the running balance."""

    serializer_class = LedgerLineSerializer

    def get_queryset(self):
        firm = access.found_or_404(
            lifecycle_selectors.network_firms(self.network)
            .filter(pk__in=access.firms_with_visible_figures(self.request.user))
            .filter(pk=self.kwargs["firm_id"])
            .first(),
            "No such firm.",
        )
        return term_selectors.firm_ledger(self.network, firm)


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


class ReadinessView(NetworkScopedView):
    serializer_class = ReadinessSerializer

    @extend_schema(responses=ReadinessSerializer)
    def get(self, request, pk):
        readiness = term_selectors.readiness(self.network)
        data = {"items": readiness.items, "score": readiness.score, "total": readiness.total}
        return Response(ReadinessSerializer(data).data)


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
    """Agency staff move the handover's due date later, with a reason and the agency's share
    until then (an extension keeps its own rate)."""

    serializer_class = TermExtensionSerializer
    service = staticmethod(term_services.term_extend)

    @extend_schema(request=TermExtensionSerializer, responses=DueDateSerializer)
    def post(self, request, pk):
        return super().post(request, pk)


class EarlyHandoverView(TermChangeView):
    """Agency staff allow the handover before the end of the term, with a reason."""

    service = staticmethod(term_services.early_handover_allow)


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
        return Response(
            status=status.HTTP_204_NO_CONTENT
        )  # --- corrections, each with a reason (services.history) -----------------------------------
