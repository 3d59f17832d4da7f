"""REST API: support-service take-up per network, and the agency's service catalogue.

Same order as every endpoint (networks.api): lookups go through what the user may see (404
otherwise), writes check the access rule (403), serializers check types (400), services check
the rules.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.serializers.support import SupportServiceSerializer, UptakeSerializer
from networks.api.views.common import NetworkScopedView
from networks.models import SupportService
from networks.selectors import support as support_selectors
from networks.services import support as support_services

# --- support-service take-up ----------------------------------------------------------------


def _require_recorder(user, network) -> None:
    access.require(access.can_change_network(user, network), support_services.UPTAKE_NOT_ALLOWED)


@extend_schema_view(post=extend_schema(request=UptakeSerializer, responses={201: UptakeSerializer}))
class UptakeListView(IdempotentCreateMixin, NetworkScopedView, generics.ListCreateAPIView):
    """The network's take-up records (a firm member: their own firm's only). POST records one
    (the facilitator or the agency's staff)."""

    serializer_class = UptakeSerializer
    write_check = staticmethod(_require_recorder)

    def get_queryset(self):
        return support_selectors.uptakes_for(self.request.user, self.network)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        uptake = support_services.uptake_create(
            network=self.network, actor=request.user,
            **UptakeSerializer.objects(serializer.validated_data),
        )  # fmt: skip
        return Response(self.get_serializer(uptake).data, status=status.HTTP_201_CREATED)


class UptakeDetailView(generics.RetrieveUpdateAPIView):
    """A take-up record. PATCH: the facilitator or the agency's staff (others 403)."""

    serializer_class = UptakeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        uptake = access.get_or_404(
            support_selectors.uptake_lookup(self.request.user),
            self.kwargs["pk"],
            "No such service take-up.",
        )
        if self.request.method not in SAFE_METHODS:
            _require_recorder(self.request.user, uptake.network)
        return uptake

    def update(self, request, *args, **kwargs):
        uptake = self.get_object()
        serializer = self.get_serializer(uptake, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        uptake = support_services.uptake_update(
            uptake=uptake, actor=request.user, **UptakeSerializer.objects(serializer.validated_data)
        )
        return Response(self.get_serializer(uptake).data)


class SupportServiceListView(generics.ListAPIView):
    """The support services of the catalogues the user may read (ids for take-up records)."""

    serializer_class = SupportServiceSerializer

    def get_queryset(self):
        return (
            SupportService.objects.filter(
                provider__agency_id__in=access.catalogue_agency_ids(self.request.user)
            )
            .select_related("provider")
            .order_by("provider__name", "name", "pk")
        )
