"""A network's life before and around consolidation: creating it, its page, its members, the
diagnosis and goals, the application and its decision, the manager, and dissolving it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.firms import FirmForm
from networks.forms.lifecycle import (
    AddMemberForm,
    AppointManagerForm,
    DecisionForm,
    DiagnosisForm,
    DissolveForm,
    GoalForm,
    NetworkForm,
    RemoveMemberForm,
    ReplaceManagerForm,
)
from networks.lib.typology import PROFILES_BY_KEY, distances
from networks.models import Application, Diagnosis, Network, User
from networks.rules import leaving_needs_reason
from networks.selectors import firms as firm_selectors
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import firms as firm_services
from networks.services import lifecycle as lifecycle_services
from networks.services.common import ConflictError
from networks.services.firms import FIRM_TAX_ID_TAKEN
from networks.services.lifecycle import (
    APPLICATION_NOT_SUBMITTED,
    FOUR_EYES,
)
from networks.views.common import (
    diagnosis_rows,
    frozen_because,
    once_per_form,
    posted,
    show_conflict,
    show_errors,
)

# --- the network --------------------------------------------------------------------------


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


def _network_context(network: Network) -> dict:
    """What the application page shows of the group: members, diagnosis, goals."""
    members = list(lifecycle_selectors.active_memberships(network))
    diagnosis = lifecycle_selectors.diagnosis_for(network)
    # Counted from the list already read, instead of a second query for the annotation.
    network.member_count = len(members)
    return {
        "network": network,
        "programme": network.programme,
        "members": members,
        "diagnosis": diagnosis,
        "diagnosis_rows": diagnosis_rows(diagnosis),
        "goals": list(lifecycle_selectors.goals(network)),
        "below_minimum": lifecycle_selectors.below_minimum(network),
    }


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


# --- members ------------------------------------------------------------------------------


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


# --- diagnosis and goals ------------------------------------------------------------------


def _profile_distances(diagnosis: Diagnosis | None) -> list[tuple[str, int]]:
    if diagnosis is None:
        return []
    return [(PROFILES_BY_KEY[k].label, d) for k, d in distances(diagnosis.ratings()).items()]


@login_required
def network_diagnosis(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    diagnosis = lifecycle_selectors.diagnosis_for(network)
    form = DiagnosisForm(posted(request), initial=DiagnosisForm.initial_from(diagnosis))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle_services.diagnosis_save(
                network=network, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Diagnosis saved."))
            return redirect("networks:network-diagnosis", network.pk)
    context = {
        "network": network,
        "form": form,
        "frozen": frozen_because(network, lifecycle_selectors.application_for(network)),
        "diagnosis": diagnosis,
        "distances": _profile_distances(diagnosis),
    }
    return render(request, "networks/network_diagnosis.html", context)


@login_required
@once_per_form
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    form = GoalForm(posted(request), programme=network.programme)
    if request.method == "POST" and form.is_valid():
        try:
            goal = lifecycle_services.goal_create(
                network=network, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Goal “%(title)s” added.") % {"title": goal.title})
            return redirect("networks:network-progress", network.pk)
    return render(request, "networks/goal_form.html", {"network": network, "form": form})


@login_required
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    # Looked up through the network, so another network's goal is simply not found.
    goal = access.get_or_404(lifecycle_selectors.goals(network), goal_pk, "No such goal.")
    form = GoalForm(
        posted(request), initial=GoalForm.initial_from(goal), programme=network.programme
    )
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle_services.goal_update(goal=goal, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Goal “%(title)s” saved.") % {"title": goal.title})
            return redirect("networks:network-progress", network.pk)
    context = {"network": network, "form": form, "goal": goal}
    return render(request, "networks/goal_form.html", context)


@login_required
def goal_delete(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    goal = access.get_or_404(lifecycle_selectors.goals(network), goal_pk, "No such goal.")
    if request.method == "POST":
        try:
            lifecycle_services.goal_delete(goal=goal, actor=request.user)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Goal “%(title)s” deleted.") % {"title": goal.title})
        return redirect("networks:network-progress", network.pk)
    return render(request, "networks/goal_delete.html", {"network": network, "goal": goal})


# --- the application ----------------------------------------------------------------------


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
        **_network_context(network),
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


# --- the manager --------------------------------------------------------------------------


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
