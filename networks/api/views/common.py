"""What the API views share: the base view of everything under /networks/{pk}/, the answer that
is a file whatever the client accepts, and the `reason` query parameter of a removal."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import generics
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import SAFE_METHODS

from networks import access


class FileNegotiation(BaseContentNegotiation):
    """The answer is a file whatever the client accepts (`Accept: application/pdf` too); for
    the exports `?format=` names the file's format, not a renderer (DRF would answer 404 to
    ?format=csv). Errors still come as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class NetworkScopedView(generics.GenericAPIView):
    """Base of the views under /networks/{pk}/: sets `self.network` before anything else runs."""

    write_check = staticmethod(access.require_change)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication first: anonymous is 401
        self.network = access.get_network_or_404(request.user, kwargs["pk"])
        if request.method not in SAFE_METHODS:
            self.write_check(request.user, self.network)


REASON_PARAMETER = OpenApiParameter(
    "reason", description="Why the record is removed (or give it in a JSON body)."
)
