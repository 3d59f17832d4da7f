"""The group's application: the checklist and submission, the agency's queue and decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.lifecycle import DecisionForm
from networks.models import Application, Network, User
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import lifecycle as lifecycle_services
from networks.services.common import ConflictError
from networks.services.lifecycle import APPLICATION_NOT_SUBMITTED, FOUR_EYES
from networks.views.common import show_conflict, show_errors
from networks.views.networks import network_context

DECIDED_MESSAGES = {
    "approve": gettext_lazy("Application of “%(name)s” approved."),
    "return": gettext_lazy("Application of “%(name)s” returned for changes."),
    "reject": gettext_lazy("Application of “%(name)s” rejected."),
}


def _render_application(
    request: HttpRequest, network: Network, decision_form: DecisionForm | None = None
) -> HttpResponse:
    application = lifecycle_selectors.application_for(network)
    is_agency = access.is_agency_of(request.user, network)
    submitted = application is not None and application.status == Application.Status.SUBMITTED
    context = {
        **network_context(network),
        "application": application,
        "events": list(lifecycle_selectors.application_events(network)),
        "checklist": lifecycle_services.submit_checklist(network),
        "can_submit": network.phase == Network.Phase.PREPARATION
        and (application is None or application.is_editable),
        "can_decide": is_agency and submitted,
        # Four eyes: say so up front rather than after the officer has written a reason.
        "own_submission": submitted and application.submitted_by_id == request.user.pk,
        "four_eyes": FOUR_EYES,
        "decision_form": decision_form or DecisionForm(),
    }
    return render(request, "networks/network_application.html", context)


@login_required
def network_application(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    return _render_application(request, network)


@login_required
def application_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the checklist, for htmx to refresh in place."""
    network = access.get_network_or_404(request.user, pk, change=True)
    context = {"network": network, "checklist": lifecycle_services.submit_checklist(network)}
    return render(request, "networks/_checklist.html", context)


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    try:
        lifecycle_services.application_submit(network=network, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _("The application cannot be submitted yet:"))
        for message in exc.messages:  # every unmet condition, not only the first
            messages.error(request, message)
    except ConflictError as exc:
        show_conflict(request, exc)
    else:
        messages.success(
            request,
            _("Application of “%(name)s” submitted to the agency.") % {"name": network.name},
        )
    return redirect("networks:network-application", network.pk)


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_agency_network_or_404(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_application(request, network, form)
    application = lifecycle_selectors.application_for(network)
    if application is None:
        messages.error(request, str(APPLICATION_NOT_SUBMITTED))
        return redirect("networks:network-application", network.pk)
    decision = form.cleaned_data["decision"]
    try:
        lifecycle_services.application_decide(
            application=application,
            actor=request.user,
            decision=decision,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        show_errors(form, exc)
        return _render_application(request, network, form)
    except ConflictError as exc:
        show_conflict(request, exc)
        return redirect("networks:network-application", network.pk)
    messages.success(request, DECIDED_MESSAGES[decision] % {"name": network.name})
    return redirect("networks:approvals-queue")


@login_required
def approvals_queue(request: HttpRequest) -> HttpResponse:
    access.require_role(request.user, User.Role.AGENCY_ADMIN, User.Role.AGENCY_STAFF)
    today = timezone.localdate()
    applications = list(lifecycle_selectors.approvals_queue(user=request.user))
    for application in applications:
        application.waiting_days = lifecycle_selectors.waiting_days(application, today)
    return render(request, "networks/approvals_queue.html", {"applications": applications})
