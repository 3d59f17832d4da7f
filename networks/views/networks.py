"""A network's own pages: creating it, its page, and dissolving it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from networks import access, selectors, services
from networks.forms import DissolveForm, NetworkForm
from networks.models import Network, User
from networks.views import activities, data, evaluation, joint_actions, progress, term
from networks.views.common import (
    frozen_because,
    get_agency_network_or_404,
    posted,
    require_role,
    show_conflict,
    show_errors,
)
from networks.views.diagnosis import diagnosis_rows


@login_required
def network_create(request: HttpRequest) -> HttpResponse:
    require_role(
        request.user, User.Role.FACILITATOR, User.Role.AGENCY_STAFF, User.Role.AGENCY_ADMIN
    )
    form = NetworkForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            network = services.network_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Network “%(name)s” created.") % {"name": network.name})
            return redirect("networks:network-detail", network.pk)
    return render(request, "networks/network_create.html", {"form": form})


def network_context(network: Network) -> dict:
    """What the network page and the application page both show: members, diagnosis, goals."""
    members = list(selectors.active_memberships(network))
    diagnosis = selectors.diagnosis_for(network)
    # Counted from the list already read, instead of a second query for the annotation.
    network.member_count = len(members)
    return {
        "network": network,
        "programme": network.programme,
        "members": members,
        "diagnosis": diagnosis,
        "diagnosis_rows": diagnosis_rows(diagnosis),
        "goals": list(selectors.goals(network)),
        "below_minimum": selectors.below_minimum(network),
    }


@login_required
def network_detail(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    is_open = network.phase != Network.Phase.DISSOLVED
    application = selectors.application_for(network)
    appointment = selectors.current_appointment(network)
    is_agency = access.is_agency_of(request.user, network)
    may_change = access.can_change_network(request.user, network)
    frozen = frozen_because(network, application)
    context = {
        **network_context(network),
        "former_members": list(selectors.former_memberships(network)),
        "application": application,
        "appointment": appointment,
        "timeline": selectors.timeline(network),
        "may_change": may_change,
        "is_agency": is_agency,
        # Members, diagnosis and goals: editable unless dissolved or under review.
        "frozen": frozen,
        "editable": may_change and not frozen,
        "can_appoint": (
            is_agency
            and appointment is None
            and network.phase == Network.Phase.PREPARATION
            and application is not None
            and application.status == application.Status.APPROVED
        ),
        "can_replace": is_agency and is_open and appointment is not None,
        "can_dissolve": is_agency and is_open,
    }
    # Each subject of consolidation work adds its own section to the page.
    for section in (term, activities, joint_actions, progress, evaluation, data):
        context.update(section.detail_context(request, network))
    return render(request, "networks/network_detail.html", context)


@login_required
def network_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    network = get_agency_network_or_404(request.user, pk)
    form = DissolveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.network_dissolve(
                network=network, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except services.ConflictError as exc:
            show_conflict(request, exc)
            return redirect("networks:network-detail", network.pk)
        else:
            messages.success(request, _("Network “%(name)s” dissolved.") % {"name": network.name})
            return redirect("networks:network-detail", network.pk)
    return render(request, "networks/network_dissolve.html", {"network": network, "form": form})
