"""The home pages: each role lands on its own, which answers "what needs me now?"."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from networks import access
from networks.models import User
from networks.selectors import lifecycle as lifecycle_selectors
from networks.selectors.dashboard import homes as dashboard_homes

HOME_BY_ROLE = {
    User.Role.AGENCY_ADMIN: "networks:agency-home",
    User.Role.AGENCY_STAFF: "networks:agency-home",
    User.Role.FACILITATOR: "networks:facilitator-home",
    User.Role.FIRM_MEMBER: "networks:firm-home",
}
NETWORKS_PER_PAGE = 50
AT_RISK_SHOWN = 25


@login_required
def home(request):
    """Send each role to its own home page."""
    target = HOME_BY_ROLE.get(request.user.role)
    if target is None:
        return render(request, "networks/home_norole.html")
    return redirect(target)


def phase_chart(by_phase) -> dict:
    """The networks by phase as charts.js draws them, and the sentence that says the same."""
    chart = {
        "labels": [capfirst(label) for _phase, label, _count in by_phase],
        "datasets": [{"label": _("Networks"), "data": [count for *_rest, count in by_phase]}],
        "horizontal": True,
        "integer": True,
    }
    counts = ", ".join(f"{label}: {count}" for _phase, label, count in by_phase)
    return {
        "data": chart,
        "label": _("Bar chart of the networks by phase: %(counts)s.") % {"counts": counts},
    }


@login_required
def agency_home(request):
    access.require_role(request.user, User.Role.AGENCY_ADMIN, User.Role.AGENCY_STAFF)
    dashboard = dashboard_homes.agency_dashboard(user=request.user)
    page = Paginator(
        lifecycle_selectors.network_list(user=request.user), NETWORKS_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "dashboard": dashboard,
        "figures_minutes": max(1, settings.DASHBOARD_FIGURES_SECONDS // 60),
        "chart": phase_chart(dashboard.by_phase),
        # The first ones here; every one on their own page (hundreds in a large programme).
        "at_risk": dashboard.at_risk[:AT_RISK_SHOWN],
        "handover_clocks": dashboard.handovers_ahead,
        "page": page,
        "networks": page.object_list,
    }
    return render(request, "networks/home_agency.html", context)


@login_required
def agency_at_risk(request):
    """Every network at risk, page by page, for an agency with more than the home shows."""
    access.require_role(request.user, User.Role.AGENCY_ADMIN, User.Role.AGENCY_STAFF)
    dashboard = dashboard_homes.agency_dashboard(user=request.user)
    page = Paginator(dashboard.at_risk, NETWORKS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"dashboard": dashboard, "page": page, "at_risk": page.object_list}
    return render(request, "networks/at_risk.html", context)


@login_required
def facilitator_home(request):
    access.require_role(request.user, User.Role.FACILITATOR)
    dashboard = dashboard_homes.facilitator_dashboard(user=request.user)
    context = {"dashboard": dashboard, "cards": dashboard.cards}
    return render(request, "networks/home_facilitator.html", context)


@login_required
def firm_home(request):
    access.require_role(request.user, User.Role.FIRM_MEMBER)
    dashboard = dashboard_homes.firm_dashboard(user=request.user)
    context = {"dashboard": dashboard, "firm": request.user.firm}
    return render(request, "networks/home_firm.html", context)
