"""The network manager: the agency appoints the first one (consolidation starts) or replaces them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from networks import access
from networks.forms.lifecycle import AppointManagerForm, ReplaceManagerForm
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import lifecycle as lifecycle_services
from networks.services.common import ConflictError
from networks.views.common import once_per_form, posted, show_conflict, show_errors


def _name(person) -> str:
    return person.get_full_name() or person.username


@login_required
@once_per_form
def manager_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_agency_network_or_404(request.user, pk)
    form = AppointManagerForm(posted(request), network=network)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle_services.manager_appoint(
                network=network,
                person=data["manager"],
                actor=request.user,
                start=data["start_date"],
                monthly_salary=data["monthly_salary"],
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect("networks:network-detail", network.pk)
        else:
            messages.success(
                request,
                _("%(name)s appointed manager. The network is now in consolidation.")
                % {"name": _name(data["manager"])},
            )
            return redirect("networks:network-detail", network.pk)
    context = {"network": network, "form": form, "replace": False}
    return render(request, "networks/manager_form.html", context)


@login_required
@once_per_form
def manager_replace(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_agency_network_or_404(request.user, pk)
    current = lifecycle_selectors.current_appointment(network)
    form = ReplaceManagerForm(posted(request), network=network)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle_services.manager_replace(
                network=network,
                person=data["manager"],
                actor=request.user,
                start=data["start_date"],
                monthly_salary=data["monthly_salary"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect("networks:network-detail", network.pk)
        else:
            messages.success(
                request,
                _("%(name)s is the network's new manager.") % {"name": _name(data["manager"])},
            )
            return redirect("networks:network-detail", network.pk)
    context = {"network": network, "form": form, "replace": True, "current": current}
    return render(request, "networks/manager_form.html", context)
