"""Evaluations against criteria, the criteria set, the portfolio report and programme indicators."""

from django.http import HttpRequest

from networks.models import Network


def detail_context(request: HttpRequest, network: Network) -> dict:
    """What this subject adds to the network page (templates/networks/_detail_evaluation.html)."""
    return {}


urlpatterns = []
