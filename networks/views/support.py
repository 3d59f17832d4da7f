"""Support services: a network's take-up of the agency's services, and the catalogue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from networks import access
from networks.forms.support import ProviderForm, ServiceForm, UptakeForm
from networks.selectors import support as support_selectors
from networks.services import support as support_services
from networks.services.common import ConflictError
from networks.views.common import once_per_form, posted, show_conflict, show_errors

PAGE_SIZE = 20


# --- support-service take-up ----------------------------------------------------------------


@login_required
def uptake_list(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    uptakes = support_selectors.uptakes_for(request.user, network)
    page = Paginator(uptakes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "network": network,
        "page": page,
        **support_selectors.uptake_context(request.user, network),
    }
    return render(request, "networks/uptake_list.html", context)


@login_required
@once_per_form
def uptake_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    form = UptakeForm(posted(request), network=network)
    if request.method == "POST" and form.is_valid():
        try:
            uptake = support_services.uptake_create(
                network=network, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(
                request,
                _("%(firm)s: %(service)s recorded.")
                % {"firm": uptake.firm.name, "service": uptake.service.name},
            )
            return redirect("networks:uptake-list", network.pk)
    return render(request, "networks/uptake_form.html", {"network": network, "form": form})


@login_required
def uptake_edit(request: HttpRequest, pk: int, uptake_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    uptake = access.get_or_404(
        support_selectors.uptake_lookup(request.user, network=network),
        uptake_pk,
        "No such service take-up.",
    )
    form = UptakeForm(
        posted(request), network=network, uptake=uptake, initial=UptakeForm.initial_from(uptake)
    )
    if request.method == "POST" and form.is_valid():
        try:
            support_services.uptake_update(uptake=uptake, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Service take-up saved."))
            return redirect("networks:uptake-list", network.pk)
    context = {"network": network, "form": form, "uptake": uptake}
    return render(request, "networks/uptake_form.html", context)


@login_required
@once_per_form
def support_catalogue(request: HttpRequest) -> HttpResponse:
    """The agency's providers and services; its staff add to it here, everyone else reads."""
    user = request.user
    can_manage = access.can_manage_catalogue(user)
    action = request.POST.get("action") if request.method == "POST" else None
    if action:
        access.require(can_manage)
    provider_form = ProviderForm(request.POST if action == "provider" else None, prefix="provider")
    service_form = (
        ServiceForm(
            request.POST if action == "service" else None,
            prefix="service",
            agency_id=user.agency_id,
        )
        if can_manage
        else None
    )
    form = {"provider": provider_form, "service": service_form}.get(action)
    if form is not None and form.is_valid():
        try:
            if action == "provider":
                created = support_services.provider_create(actor=user, **form.cleaned_data)
            else:
                created = support_services.service_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request, _("“%(name)s” added to the catalogue.") % {"name": created.name}
            )
            return redirect("networks:support-catalogue")
    context = {
        "providers": list(support_selectors.catalogue(user)),
        "can_manage": can_manage,
        "provider_form": provider_form,
        "service_form": service_form,
    }
    return render(request, "networks/support_catalogue.html", context)
