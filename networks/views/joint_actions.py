"""Joint actions logged by member firms, their confirmation, and support-service take-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from networks import access
from networks.forms.joint_actions import JointActionFilterForm, JointActionForm
from networks.rules import joint_actions_open
from networks.selectors import joint_actions as joint_action_selectors
from networks.selectors import support as support_selectors
from networks.services import joint_actions as joint_action_services
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
        # The tab's summary, as the network page showed it: counts by status and the take-up.
        "ja_counts": joint_action_selectors.joint_action_counts(network),
        **support_selectors.uptake_context(request.user, network),
    }
    return render(request, "networks/joint_action_list.html", context)


@login_required
@require_safe
def joint_action_choose(request: HttpRequest) -> HttpResponse:
    """ "Log a joint action" from the home page and the navigation: straight to the form when
    the user may log in one network only, else a choice of the networks where they may."""
    networks = list(joint_action_selectors.networks_to_log_in(request.user))
    if len(networks) == 1:
        return redirect("networks:joint-action-create", networks[0].pk)
    return render(request, "networks/joint_action_choose.html", {"networks": networks})


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
        # The facilitator records a firm's answer on its behalf, or sends its link again.
        "can_record": is_open and access.is_facilitator_of(request.user, network),
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
