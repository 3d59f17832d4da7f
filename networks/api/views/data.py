"""REST API: data out: the CSV/XLSX exports.

- GET /exports/{kind}/?format=csv|xlsx&network={id}

The same file as the page's download, under the same rules (`networks.files.exports`): the user's
visible networks, one of them with ?network= (404 for any other id), and a firm member gets
only their own firm's contributions, take-ups and indicators.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.views import APIView

from networks import access
from networks.api.views.common import FileNegotiation
from networks.files import exports

FORMAT_INVALID = "Choose csv or xlsx."


class ExportView(APIView):
    content_negotiation_class = FileNegotiation

    @extend_schema(
        operation_id="exports_retrieve",
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(exports.KINDS)
            ),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=list(exports.FORMATS),
                default="csv",
                description="The file's format.",
            ),
            OpenApiParameter(
                "network",
                OpenApiTypes.INT,
                description="Only this network (one the user may see; any other id is 404).",
            ),
        ],  # fmt: skip
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, exports.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, kind):
        """One export as a file: CSV (streamed) or XLSX."""
        access.require(access.can_export(request.user))
        fmt = request.query_params.get("format", "csv")
        if fmt not in exports.FORMATS:
            raise exceptions.ValidationError({"format": [FORMAT_INVALID]})
        return exports.export_response(request.user, kind, fmt, request.query_params.get("network"))
