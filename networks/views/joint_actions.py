"""Joint actions logged by member firms, their confirmation, and support-service take-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.joint_actions import JointActionFilterForm, JointActionForm
from networks.forms.support import ProviderForm, ServiceForm, UptakeForm
from networks.rules import joint_actions_open
from networks.selectors import joint_actions as joint_action_selectors
from networks.selectors import support as support_selectors
from networks.services import joint_actions as joint_action_services
from networks.services import support as support_services
from networks.services.common import ConflictError
from networks.views.common import once_per_form, posted, show_conflict, show_errors

PAGE_SIZE = 20


# --- joint actions --------------------------------------------------------------------------


@login_required
def joint_action_list(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    filters = JointActionFilterForm(request.GET or None, network=network)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    joint_actions = joint_action_selectors.joint_actions_for(
        network, status=chosen.get("status") or None, type_slug=chosen.get("type") or None
    )
    waiting = joint_action_selectors.waiting_for_confirmation(network, request.user)
    if chosen.get("waiting"):
        joint_actions = joint_actions.filter(pk__in=waiting.values("pk"))
    page = Paginator(joint_actions, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = joint_action_selectors.mark_for_user(page.object_list, request.user)
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "network": network,
        "filters": filters,
        "page": page,
        "query": urlencode(query),
        "waiting_count": waiting.count(),
        "can_log": joint_actions_open(network)
        and access.can_log_joint_action(request.user, network),
        "is_firm_member": request.user.is_firm_member,
    }
    return render(request, "networks/joint_action_list.html", context)


@login_required
@once_per_form
def joint_action_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    access.require(access.can_log_joint_action(request.user, network))
    form = JointActionForm(posted(request), network=network, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            joint_action = joint_action_services.joint_action_log(
                network=network, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(
                request, _("Joint action “%(title)s” logged.") % {"title": joint_action.title}
            )
            return redirect("networks:joint-action-detail", network.pk, joint_action.pk)
    context = {
        "network": network,
        "form": form,
        "closed": ""
        if joint_actions_open(network)
        else str(joint_action_services.JOINT_ACTION_PHASE),
    }
    return render(request, "networks/joint_action_form.html", context)


@login_required
def joint_action_detail(request: HttpRequest, pk: int, ja_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    joint_action = access.get_or_404(
        joint_action_selectors.joint_action_lookup(request.user, network=network),
        ja_pk,
        "No such joint action.",
    )
    joint_action_selectors.mark_for_user([joint_action], request.user)
    joint_action_selectors.attach_declines([joint_action])
    is_open = joint_actions_open(network)
    mine = joint_action.mine
    context = {
        "network": network,
        "joint_action": joint_action,
        "participants": list(joint_action.participants.all()),
        "can_edit": is_open and access.can_edit_joint_action(request.user, joint_action),
        "can_confirm": is_open and mine is not None and not mine.is_confirmed,
        "can_decline": is_open
        and mine is not None
        and mine.firm_id != joint_action.logged_by_firm_id,
    }
    return render(request, "networks/joint_action_detail.html", context)


@login_required
def joint_action_edit(request: HttpRequest, pk: int, ja_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    joint_action = access.get_or_404(
        joint_action_selectors.joint_action_lookup(request.user, network=network),
        ja_pk,
        "No such joint action.",
    )
    access.require(access.can_edit_joint_action(request.user, joint_action))
    form = JointActionForm(
        posted(request),
        network=network,
        user=request.user,
        joint_action=joint_action,
        initial=JointActionForm.initial_from(joint_action),
    )
    if request.method == "POST" and form.is_valid():
        try:
            joint_action_services.joint_action_update(
                joint_action=joint_action, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(
                request,
                _("Joint action “%(title)s” saved.") % {"title": form.cleaned_data["title"]},
            )
            return redirect("networks:joint-action-detail", network.pk, joint_action.pk)
    context = {
        "network": network,
        "form": form,
        "joint_action": joint_action,
        "closed": ""
        if joint_actions_open(network)
        else str(joint_action_services.JOINT_ACTION_PHASE),
    }
    return render(request, "networks/joint_action_form.html", context)


def _participation(request: HttpRequest, pk: int, ja_pk: int, service, done_message: str):
    network = access.get_network_or_404(request.user, pk)
    joint_action = access.get_or_404(
        joint_action_selectors.joint_action_lookup(request.user, network=network),
        ja_pk,
        "No such joint action.",
    )
    try:
        service(joint_action=joint_action, actor=request.user)
    except ConflictError as exc:
        show_conflict(request, exc)
    else:
        messages.success(request, done_message % {"title": joint_action.title})
    # PermissionDenied propagates: a firm that does not take part gets a 403.
    return redirect("networks:joint-action-detail", network.pk, joint_action.pk)


@login_required
@require_POST
def joint_action_confirm(request: HttpRequest, pk: int, ja_pk: int) -> HttpResponse:
    return _participation(
        request, pk, ja_pk, joint_action_services.joint_action_confirm,
        _("Your firm's participation in “%(title)s” is confirmed."),
    )  # fmt: skip


@login_required
@require_POST
def joint_action_decline(request: HttpRequest, pk: int, ja_pk: int) -> HttpResponse:
    return _participation(
        request, pk, ja_pk, joint_action_services.joint_action_decline,
        _("You said your firm did not take part in “%(title)s”. The firm that logged it sees that."),
    )  # fmt: skip


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


urlpatterns = [
    path("networks/<int:pk>/joint-actions/", joint_action_list, name="joint-action-list"),
    path("networks/<int:pk>/joint-actions/new/", joint_action_create, name="joint-action-create"),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/",
        joint_action_detail,
        name="joint-action-detail",
    ),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/edit/",
        joint_action_edit,
        name="joint-action-edit",
    ),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/confirm/",
        joint_action_confirm,
        name="joint-action-confirm",
    ),
    path(
        "networks/<int:pk>/joint-actions/<int:ja_pk>/decline/",
        joint_action_decline,
        name="joint-action-decline",
    ),
    path("networks/<int:pk>/service-uptakes/", uptake_list, name="uptake-list"),
    path("networks/<int:pk>/service-uptakes/new/", uptake_create, name="uptake-create"),
    path(
        "networks/<int:pk>/service-uptakes/<int:uptake_pk>/edit/",
        uptake_edit,
        name="uptake-edit",
    ),
    path("support/", support_catalogue, name="support-catalogue"),
]
