"""A network's own pages: creating it, its page, and dissolving it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from networks import access
from networks.files import exports
from networks.forms.lifecycle import DissolveForm, NetworkForm
from networks.models import Network, User
from networks.selectors import lifecycle as lifecycle_selectors
from networks.selectors import network_page
from networks.services import lifecycle as lifecycle_services
from networks.services.common import ConflictError
from networks.views.common import frozen_because, once_per_form, posted, show_conflict, show_errors
from networks.views.diagnosis import diagnosis_rows


@login_required
@once_per_form
def network_create(request: HttpRequest) -> HttpResponse:
    access.require_role(
        request.user, User.Role.FACILITATOR, User.Role.AGENCY_STAFF, User.Role.AGENCY_ADMIN
    )
    form = NetworkForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            network = lifecycle_services.network_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Network “%(name)s” created.") % {"name": network.name})
            return redirect("networks:network-detail", network.pk)
    return render(request, "networks/network_create.html", {"form": form})


def _group_context(network: Network, members: list, diagnosis, goals: list) -> dict:
    # Counted from the list already read, instead of a second query for the annotation.
    network.member_count = len(members)
    return {
        "network": network,
        "programme": network.programme,
        "members": members,
        "diagnosis": diagnosis,
        "diagnosis_rows": diagnosis_rows(diagnosis),
        "goals": goals,
        "below_minimum": lifecycle_selectors.below_minimum(network),
    }


def network_context(network: Network) -> dict:
    """What the network page and the application page both show: members, diagnosis, goals."""
    return _group_context(
        network,
        list(lifecycle_selectors.active_memberships(network)),
        lifecycle_selectors.diagnosis_for(network),
        list(lifecycle_selectors.goals(network)),
    )


@login_required
def network_detail(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.found_or_404(
        network_page.network_for_page(request.user, pk), "No such network."
    )
    # Read once, shared by the page and every section (see NetworkPage).
    page = network_page.NetworkPage(network, request.user)
    is_open = network.phase != Network.Phase.DISSOLVED
    application = network_page.one_to_one(network, "application")
    appointment = page.current_appointment
    is_agency = access.is_agency_of(request.user, network)
    may_change = access.can_change_network(request.user, network)
    frozen = frozen_because(network, application)
    goals = [row.goal for row in page.goal_progress]
    context = {
        **_group_context(
            network, page.active_members, network_page.one_to_one(network, "diagnosis"), goals
        ),
        "former_members": page.former_members,
        "application": application,
        "appointment": appointment,
        "timeline": page.timeline(),
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
    for section in (
        network_page.term_section,
        network_page.activities_section,
        network_page.joint_actions_section,
        network_page.progress_section,
        network_page.evaluation_section,
    ):
        context.update(section(page))
    context.update(_data_section(request.user, network))
    return render(request, "networks/network_detail.html", context)


@login_required
def network_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_agency_network_or_404(request.user, pk)
    form = DissolveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle_services.network_dissolve(
                network=network, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect("networks:network-detail", network.pk)
        else:
            messages.success(request, _("Network “%(name)s” dissolved.") % {"name": network.name})
            return redirect("networks:network-detail", network.pk)
    return render(request, "networks/network_dissolve.html", {"network": network, "form": form})


def _data_section(user, network: Network) -> dict:
    """What the data subject adds to the network page (templates/networks/_detail_data.html).

    No query. A view helper, not a selector: it reads the export kinds (networks.files)."""
    return {
        "data_exports": exports.kinds_for(user),
        "can_import": access.can_change_network(user, network),
    }
