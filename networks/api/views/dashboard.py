"""REST API: the numbers of the caller's own home page (GET /api/v1/dashboard/).

One endpoint, one shape per role, told apart by "role": a facilitator gets a card per network,
agency people their agency's portfolio, a firm member their own firm's rows only. Read from
networks.selectors.dashboard, the same reads as the home pages (a fixed number of queries).
"""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from networks.api.serializers.dashboard import (
    DASHBOARD,
    AgencyDashboardSerializer,
    FacilitatorDashboardSerializer,
    FirmDashboardSerializer,
)
from networks.selectors.dashboard import homes as dashboard_homes


class DashboardView(APIView):
    """The caller's home page in numbers; its shape depends on the caller's role."""

    @extend_schema(responses=DASHBOARD)
    def get(self, request):
        user = request.user
        context = {"role": user.role}
        if user.is_agency:
            dashboard = dashboard_homes.agency_dashboard(user=user)
            return Response(AgencyDashboardSerializer(dashboard, context=context).data)
        if user.is_facilitator:
            dashboard = dashboard_homes.facilitator_dashboard(user=user)
            return Response(FacilitatorDashboardSerializer(dashboard, context=context).data)
        if user.is_firm_member:
            dashboard = dashboard_homes.firm_dashboard(user=user)
            return Response(FirmDashboardSerializer(dashboard, context=context).data)
        raise PermissionDenied  # no role yet: no home page either
