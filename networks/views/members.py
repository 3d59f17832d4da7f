"""Putting the group together: find or register firms, add them, take them out."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.firms import FirmForm
from networks.forms.lifecycle import AddMemberForm, RemoveMemberForm
from networks.models import Network
from networks.rules import leaving_needs_reason
from networks.selectors import firms as firm_selectors
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import firms as firm_services
from networks.services import lifecycle as lifecycle_services
from networks.services.common import ConflictError
from networks.services.firms import FIRM_TAX_ID_TAKEN
from networks.views.common import frozen_because, once_per_form, posted, show_conflict, show_errors


def _search(request: HttpRequest, network: Network, query: str | None = None) -> tuple[str, list]:
    query = (request.GET.get("q", "") if query is None else query).strip()
    firms = firm_selectors.firm_search(user=request.user, query=query, exclude_network=network)
    return query, list(firms)


def _members_url(network: Network, query: str = "") -> str:
    url = reverse("networks:network-members", args=[network.pk])
    return f"{url}?{urlencode({'q': query})}" if query else url


@login_required
@once_per_form
def network_members(request: HttpRequest, pk: int) -> HttpResponse:
    """The members, a firm search, and a form to register a firm and add it in one step."""
    network = access.get_network_or_404(request.user, pk, change=True)
    form = FirmForm(posted(request))
    query = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Both or neither: a firm that could not join is not left behind half-registered.
            with transaction.atomic():
                firm = firm_services.firm_create(
                    actor=request.user, country=network.programme.country, **data
                )
                lifecycle_services.membership_add(network=network, firm=firm, actor=request.user)
        except ValidationError as exc:
            if str(FIRM_TAX_ID_TAKEN) in exc.message_dict.get("tax_id", []):
                # The same answer for a firm of this agency and another agency's: the search
                # for its complete tax id lists it (name and tax id only), to add from there.
                query = data["tax_id"]
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(
                request, _("%(firm)s registered and added to the network.") % {"firm": firm.name}
            )
            return redirect("networks:network-members", network.pk)
    query, results = _search(request, network, query)
    context = {
        "network": network,
        "programme": network.programme,
        "members": list(lifecycle_selectors.active_memberships(network)),
        "query": query,
        "results": results,
        "form": form,
        "frozen": frozen_because(network, lifecycle_selectors.application_for(network)),
    }
    return render(request, "networks/network_members.html", context)


@login_required
def member_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the search results, for the live search on the members page (htmx)."""
    network = access.get_network_or_404(request.user, pk, change=True)
    query, results = _search(request, network)
    context = {"network": network, "query": query, "results": results}
    return render(request, "networks/_firm_results.html", context)


@login_required
@require_POST
@once_per_form
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    form = AddMemberForm(request.POST)
    firm = firm_selectors.firm_by_tax_id(form.cleaned_data["tax_id"]) if form.is_valid() else None
    query = request.POST.get("q", "")
    if firm is None:
        messages.error(request, _("No firm has that tax id. Search again."))
        return redirect(_members_url(network, query))
    try:
        lifecycle_services.membership_add(network=network, firm=firm, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except ConflictError as exc:
        show_conflict(request, exc)
    else:
        messages.success(request, _("%(firm)s added to the network.") % {"firm": firm.name})
    return redirect(_members_url(network, query))


@login_required
def member_remove(request: HttpRequest, pk: int, firm_pk: int) -> HttpResponse:
    """Confirm, then take the firm out; after approval the firm leaves with a reason."""
    network = access.get_network_or_404(request.user, pk, change=True)
    membership = access.found_or_404(
        lifecycle_selectors.active_memberships(network).filter(firm_id=firm_pk).first(),
        "No such member.",
    )
    firm = membership.firm
    reason_required = leaving_needs_reason(network, lifecycle_selectors.application_for(network))
    form = RemoveMemberForm(posted(request), reason_required=reason_required)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle_services.membership_remove(
                network=network,
                firm=firm,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect("networks:network-members", network.pk)
        else:
            messages.success(request, _("%(firm)s is no longer a member.") % {"firm": firm.name})
            return redirect("networks:network-members", network.pk)
    context = {"network": network, "firm": firm, "membership": membership, "form": form}
    return render(request, "networks/member_remove.html", context)
