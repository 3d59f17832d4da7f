"""Activities logged by the facilitator: list, form, detail, attendance, attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks import access
from networks.files.uploads import attachment_response
from networks.forms.activities import (
    ActivityDeleteForm,
    ActivityFilterForm,
    ActivityForm,
    AttachmentForm,
)
from networks.models import Activity, Network
from networks.rules import activities_open
from networks.selectors import activities as activity_selectors
from networks.services import activities as activity_services
from networks.services.common import ConflictError
from networks.views.common import once_per_form, posted, show_conflict, show_errors

PAGE_SIZE = 20


@login_required
def activity_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Newest first, 20 a page, filtered by type and date range."""
    network = access.get_network_or_404(request.user, pk)
    form = ActivityFilterForm(request.GET or None, network=network)
    filters = form.filters()
    rows = activity_selectors.activities(network, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "network": network,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(filters.values()),
        "can_log_activity": (
            access.can_change_network(request.user, network) and activities_open(network)
        ),
    }
    return render(request, "networks/activity_list.html", context)


@login_required
@once_per_form
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    form = ActivityForm(posted(request), network=network)
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_services.activity_log(
                network=network, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Activity “%(title)s” logged.") % {"title": activity.title})
            return redirect("networks:activity-detail", network.pk, activity.pk)
    context = {
        "network": network,
        "form": form,
        # Said up front; the service refuses anyway.
        "closed": "" if activities_open(network) else str(activity_services.ACTIVITY_WRONG_PHASE),
    }
    return render(request, "networks/activity_form.html", context)


@login_required
def activity_edit(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    activity = access.found_or_404(
        activity_selectors.activity_detail(network, activity_pk), "No such activity."
    )
    form = ActivityForm(posted(request), network=network, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_services.activity_update(
                activity=activity, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Activity “%(title)s” saved.") % {"title": activity.title})
            return redirect("networks:activity-detail", network.pk, activity.pk)
    context = {
        "network": network,
        "form": form,
        "activity": activity,
        "closed": "" if activities_open(network) else str(activity_services.ACTIVITY_WRONG_PHASE),
    }
    return render(request, "networks/activity_form.html", context)


def _render_detail(
    request: HttpRequest, network: Network, activity: Activity, upload_form=None
) -> HttpResponse:
    may_change = access.can_change_network(request.user, network)
    is_open = network.phase != Network.Phase.DISSOLVED
    own_row = None
    if access.can_confirm_attendance(request.user, activity):
        own_row = next(r for r in activity.attendance.all() if r.firm_id == request.user.firm_id)
    context = {
        "network": network,
        "activity": activity,
        "attendance": list(activity.attendance.all()),
        "attachments": list(activity.attachments.all()),
        "may_change": may_change and is_open,
        "can_edit": may_change and activities_open(network),
        "upload_form": upload_form or AttachmentForm(),
        # The firm's own row: its user sees whether it is confirmed, and may confirm it.
        "own_row": own_row,
        "can_confirm": is_open and own_row is not None and own_row.confirmed_at is None,
        # Firms that said they were not there (their attendance no longer counts).
        "declines": activity.declines,
        # The facilitator records a firm's answer on its behalf, or sends its link again,
        # once the activity has taken place.
        "can_record": is_open
        and access.is_facilitator_of(request.user, network)
        and activity.date <= timezone.localdate(),
    }
    return render(request, "networks/activity_detail.html", context)


@login_required
def activity_detail(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    return _render_detail(
        request,
        network,
        access.found_or_404(
            activity_selectors.activity_detail(network, activity_pk), "No such activity."
        ),
    )


@login_required
def activity_delete(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    activity = access.found_or_404(
        activity_selectors.activity_detail(network, activity_pk), "No such activity."
    )
    form = ActivityDeleteForm(posted(request), activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity_services.activity_delete(
                activity=activity, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect("networks:activity-detail", network.pk, activity.pk)
        else:
            messages.success(
                request, _("Activity “%(title)s” deleted.") % {"title": activity.title}
            )
            return redirect("networks:activity-list", network.pk)
    context = {"network": network, "activity": activity, "form": form}
    return render(request, "networks/activity_delete.html", context)


@login_required
@require_POST
def attendance_confirm(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    """A user of an attending firm confirms that their firm was there."""
    network = access.get_network_or_404(request.user, pk)
    activity = access.found_or_404(
        activity_selectors.activity_detail(network, activity_pk), "No such activity."
    )
    try:
        activity_services.attendance_confirm(activity=activity, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except ConflictError as exc:
        show_conflict(request, exc)
    else:
        messages.success(request, _("Your firm's attendance is confirmed."))
    return redirect("networks:activity-detail", network.pk, activity.pk)


# --- attachments ----------------------------------------------------------------------------


@login_required
@require_POST
@once_per_form
def attachment_add(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    activity = access.found_or_404(
        activity_selectors.activity_detail(network, activity_pk), "No such activity."
    )
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = activity_services.attachment_add(
                activity=activity, actor=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect("networks:activity-detail", network.pk, activity.pk)
        else:
            messages.success(
                request, _("“%(name)s” attached.") % {"name": attachment.original_name}
            )
            return redirect("networks:activity-detail", network.pk, activity.pk)
    # The page again, with the reason next to the file field.
    return _render_detail(request, network, activity, upload_form=form)


@login_required
def attachment_download(request: HttpRequest, attachment_pk: int) -> FileResponse:
    """The only way to a stored file: anyone who may see the network; 404 for anyone else."""
    return attachment_response(
        access.get_or_404(
            activity_selectors.visible_attachments(request.user),
            attachment_pk,
            "No such attachment.",
        )
    )


@login_required
def attachment_delete(request: HttpRequest, attachment_pk: int) -> HttpResponse:
    attachment = access.get_or_404(
        activity_selectors.visible_attachments(request.user), attachment_pk, "No such attachment."
    )
    activity = attachment.activity
    network = activity.network
    access.require_change(request.user, network)
    if request.method == "POST":
        try:
            activity_services.attachment_delete(attachment=attachment, actor=request.user)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("“%(name)s” deleted.") % {"name": attachment.original_name})
        return redirect("networks:activity-detail", network.pk, activity.pk)
    context = {"network": network, "activity": activity, "attachment": attachment}
    return render(request, "networks/activity_attachment_delete.html", context)
