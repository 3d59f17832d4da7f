"""Goal progress, firm indicators, participation and the collaboration graph."""

from django.http import HttpRequest

from networks.models import Network


def detail_context(request: HttpRequest, network: Network) -> dict:
    """What this subject adds to the network page (templates/networks/_detail_progress.html)."""
    return {}


urlpatterns = []
