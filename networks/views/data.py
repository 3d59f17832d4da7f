"""Data out and in: CSV/XLSX exports, the import of firms and memberships, the printable network report."""

from django.http import HttpRequest

from networks.models import Network


def detail_context(request: HttpRequest, network: Network) -> dict:
    """What this subject adds to the network page (templates/networks/_detail_data.html)."""
    return {}


urlpatterns = []
