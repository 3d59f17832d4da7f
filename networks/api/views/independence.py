"""REST API: the yearly check-ins on a network after its independence.

Same order as every endpoint (networks.api): lookups go through what the user may see (404
otherwise), writes check the access rule (403), serializers check types (400), the service
checks the rules (400, or 409 when the network is not in independence).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.serializers.independence import CheckInSerializer
from networks.api.views.common import NetworkScopedView
from networks.services import independence as independence_services


def _require_recorder(user, network) -> None:
    access.require(
        access.can_change_network(user, network), independence_services.CHECK_IN_NOT_ALLOWED
    )


@extend_schema_view(
    post=extend_schema(request=CheckInSerializer, responses={201: CheckInSerializer})
)
class CheckInListView(IdempotentCreateMixin, NetworkScopedView, generics.ListCreateAPIView):
    """The network's check-ins after independence, year by year (whoever sees the network).
    POST records this year's (the network's manager or its agency's staff)."""

    serializer_class = CheckInSerializer
    write_check = staticmethod(_require_recorder)

    def get_queryset(self):
        return self.network.check_ins.order_by("year")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check_in = independence_services.check_in_record(
            network=self.network, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(check_in).data, status=status.HTTP_201_CREATED)
