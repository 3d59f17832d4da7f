"""REST API: finding firms, and registering new ones (Chilean RUTs)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.serializers.firms import FirmSerializer
from networks.selectors import firms as firm_selectors
from networks.services import firms as firm_services

# --- firms ----------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter(
                "search", description="Part of the name or tax id (2 characters or more)."
            )
        ]
    )
)
class FirmListView(IdempotentCreateMixin, generics.ListCreateAPIView):
    """Firms the user may find; agency people and facilitators register new ones (Chilean RUTs)."""

    serializer_class = FirmSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method == "POST":
            access.require(access.can_register_firm(request.user))

    def get_queryset(self):
        search = self.request.query_params.get("search")
        if search is not None:
            return firm_selectors.firm_search(user=self.request.user, query=search, limit=None)
        return access.findable_firms(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        firm = firm_services.firm_create(
            actor=request.user, country="CL", **serializer.validated_data
        )
        return Response(self.get_serializer(firm).data, status=status.HTTP_201_CREATED)
