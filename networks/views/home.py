"""The home pages: each role lands on its own."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from networks import selectors, selectors_term
from networks.models import Network, User
from networks.views.common import require_role

HOME_BY_ROLE = {
    User.Role.AGENCY_ADMIN: "networks:agency-home",
    User.Role.AGENCY_STAFF: "networks:agency-home",
    User.Role.FACILITATOR: "networks:facilitator-home",
    User.Role.FIRM_MEMBER: "networks:firm-home",
}


@login_required
def home(request):
    """Send each role to its own home page."""
    target = HOME_BY_ROLE.get(request.user.role)
    if target is None:
        return render(request, "networks/home_norole.html")
    return redirect(target)


def handover_clocks(networks) -> list[dict]:
    """Days to the handover and the warning of each network in consolidation.

    Built from the rows already read: the clock needs only the network and its programme.
    """
    return [
        {
            "network": network,
            "clock": selectors_term.clock(network),
            "warning": selectors_term.warning(network),
        }
        for network in networks
        if network.phase == Network.Phase.CONSOLIDATION and network.handover_due
    ]


@login_required
def agency_home(request):
    require_role(request.user, User.Role.AGENCY_ADMIN, User.Role.AGENCY_STAFF)
    networks = list(selectors.network_list(user=request.user))
    context = {"networks": networks, "handover_clocks": handover_clocks(networks)}
    return render(request, "networks/home_agency.html", context)


@login_required
def facilitator_home(request):
    require_role(request.user, User.Role.FACILITATOR)
    networks = list(selectors.network_list(user=request.user))
    context = {"networks": networks, "handover_clocks": handover_clocks(networks)}
    return render(request, "networks/home_facilitator.html", context)


@login_required
def firm_home(request):
    require_role(request.user, User.Role.FIRM_MEMBER)
    networks = selectors.network_list(user=request.user)
    return render(
        request, "networks/home_firm.html", {"networks": networks, "firm": request.user.firm}
    )
