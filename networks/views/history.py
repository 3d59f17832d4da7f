"""The audit history of a network, for agency staff (django-simple-history rows).

Read-only on purpose: no page or endpoint edits or deletes a history row.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from networks import access
from networks.selectors.history import console_history_page, history_page


@login_required
@require_safe
def network_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every recorded change of the network's rows, newest first: who, when, what, before and
    after. Staff of the network's agency only (facilitators and firms 403, outsiders 404)."""
    network = access.get_agency_network_or_404(request.user, pk)
    page = history_page(network, request.GET.get("page"))
    return render(request, "networks/history_network.html", {"network": network, "page": page})


@login_required
@require_safe
def console_audit(request: HttpRequest) -> HttpResponse:
    """The agency console's audit: its admins only (everyone else 403)."""
    access.require(access.is_agency_admin(request.user))
    page = console_history_page(request.user.agency_id, request.GET.get("page"))
    return render(request, "networks/console_audit.html", {"page": page})
