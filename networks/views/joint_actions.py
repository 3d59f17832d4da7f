"""Joint actions logged by member firms, their confirmation, and support-service take-up."""

from django.http import HttpRequest

from networks.models import Network


def detail_context(request: HttpRequest, network: Network) -> dict:
    """What this subject adds to the network page (templates/networks/_detail_joint_actions.html)."""
    return {}


urlpatterns = []
