"""The three-year term: the ledger and payments, share weights, readiness, extensions and the handover."""

from django.http import HttpRequest

from networks.models import Network


def detail_context(request: HttpRequest, network: Network) -> dict:
    """What this subject adds to the network page (templates/networks/_detail_term.html)."""
    return {}


urlpatterns = []
