"""A firm's answers: the page behind the e-mailed link (no login), and the facilitator's
pages to record an answer on a firm's behalf, send a reminder, and read the attached paper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.confirmations import RecordAnswerForm
from networks.lib import links
from networks.selectors import activities as activity_selectors
from networks.selectors import confirmations as confirmation_selectors
from networks.selectors import joint_actions as joint_action_selectors
from networks.services import confirmations as confirmation_services
from networks.services.common import ConflictError
from networks.views.common import once_per_form, posted, show_conflict, show_errors

# --- the e-mailed link ----------------------------------------------------------------------


@never_cache
def confirmation_link(request: HttpRequest, token: str) -> HttpResponse:
    """What the link answers, with Confirm and "did not take part". A GET changes nothing (mail
    scanners open links); the POST answers, once. Nobody needs to be logged in."""
    state = confirmation_selectors.link_state(token)
    # Someone not logged in reads it in the language of the e-mail that brought them.
    language = translation.get_language()
    if not request.user.is_authenticated and state.recipient is not None:
        language = state.recipient.language or language
    with translation.override(language):
        if request.method == "POST" and request.POST.get("answer") in ("confirm", "decline"):
            confirm = request.POST["answer"] == "confirm"
            try:
                confirmation_services.link_answer(token=token, confirm=confirm)
            except ConflictError as exc:
                show_conflict(request, exc)
            else:
                messages.success(request, _("Thank you: your answer is recorded."))
            return redirect("networks:confirmation-link", token)
        status = 404 if state.subject is None else 200
        context = {"state": state, "attendance": state.kind == links.ATTENDANCE}
        response = render(request, "networks/confirmation_link.html", context, status=status)
    # The token is the only key: never sent on to another site in a Referer. ("no-referrer"
    # would make the browser send `Origin: null` with the form, which the CSRF check refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


# --- recorded by the facilitator ------------------------------------------------------------


def _joint_action(request: HttpRequest, pk: int, ja_pk: int):
    """The facilitator's joint action (404 to outsiders, 403 to anyone but its facilitator)."""
    network = access.get_network_or_404(request.user, pk, change=True)
    access.require(access.is_facilitator_of(request.user, network))
    joint_action = access.get_or_404(
        joint_action_selectors.joint_action_lookup(request.user, network=network),
        ja_pk,
        "No such joint action.",
    )
    return network, joint_action, list(joint_action.participants.all())


def _activity(request: HttpRequest, pk: int, activity_pk: int):
    network = access.get_network_or_404(request.user, pk, change=True)
    access.require(access.is_facilitator_of(request.user, network))
    activity = access.found_or_404(
        activity_selectors.activity_detail(network, activity_pk), "No such activity."
    )
    return network, activity, list(activity.attendance.all())


def _record(request, network, subject, rows, *, service, attendance: bool, back: str):
    waiting = [row.firm for row in rows if row.confirmed_at is None]
    initial = {"firm": request.GET.get("firm")}
    form = RecordAnswerForm(
        posted(request), request.FILES or None, firms=waiting, attendance=attendance,
        initial=initial,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, **form.service_arguments())
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect(back)
        else:
            firm = dict(form.fields["firm"].choices).get(form.cleaned_data["firm"], "")
            messages.success(request, _("%(firm)s's answer is recorded.") % {"firm": firm})
            return redirect(back)
    context = {
        "network": network, "subject": subject, "form": form, "waiting": waiting,
        "attendance": attendance, "back": back,
    }  # fmt: skip
    return render(request, "networks/confirmation_record.html", context)


@login_required
@once_per_form
def participation_record(request: HttpRequest, pk: int, ja_pk: int) -> HttpResponse:
    network, joint_action, rows = _joint_action(request, pk, ja_pk)

    def service(**arguments):
        confirmation_services.participation_record(joint_action=joint_action, **arguments)

    back = joint_action_detail_url(network, joint_action)
    return _record(
        request, network, joint_action, rows, service=service, attendance=False, back=back
    )


@login_required
@once_per_form
def attendance_record(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    network, activity, rows = _activity(request, pk, activity_pk)

    def service(**arguments):
        confirmation_services.attendance_record(activity=activity, **arguments)

    back = activity_detail_url(network, activity)
    return _record(request, network, activity, rows, service=service, attendance=True, back=back)


def joint_action_detail_url(network, joint_action) -> str:
    return reverse("networks:joint-action-detail", args=[network.pk, joint_action.pk])


def activity_detail_url(network, activity) -> str:
    return reverse("networks:activity-detail", args=[network.pk, activity.pk])


def _remind(request, service, back: str, **subject) -> HttpResponse:
    try:
        firm_id = int(request.POST.get("firm", ""))
    except ValueError:
        messages.error(request, str(confirmation_services.RECORD_FIRM_NOT_LISTED))
        return redirect(back)
    try:
        told = service(firm_id=firm_id, actor=request.user, **subject)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except ConflictError as exc:
        show_conflict(request, exc)
    else:
        messages.success(
            request, _("Reminder sent, with a new link, to %(count)s people.") % {"count": told}
        )
    return redirect(back)


@login_required
@require_POST
def participation_remind(request: HttpRequest, pk: int, ja_pk: int) -> HttpResponse:
    network, joint_action, _rows = _joint_action(request, pk, ja_pk)
    back = joint_action_detail_url(network, joint_action)
    return _remind(
        request, confirmation_services.participation_remind, back, joint_action=joint_action
    )


@login_required
@require_POST
def attendance_remind(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    network, activity, _rows = _activity(request, pk, activity_pk)
    back = activity_detail_url(network, activity)
    return _remind(request, confirmation_services.attendance_remind, back, activity=activity)


@login_required
@require_POST
def attendance_decline(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    """A user of an attending firm says their firm was not there."""
    network = access.get_network_or_404(request.user, pk)
    activity = access.found_or_404(
        activity_selectors.activity_detail(network, activity_pk), "No such activity."
    )
    try:
        confirmation_services.attendance_decline(activity=activity, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except ConflictError as exc:
        show_conflict(request, exc)
    else:
        messages.success(request, _("You said your firm was not there. The facilitator sees it."))
    return redirect(activity_detail_url(network, activity))


@login_required
def confirmation_evidence(request: HttpRequest, pk: int, kind: str, row_pk: int) -> FileResponse:
    """The paper a facilitator attached to a firm's answer: for the network's facilitator and
    agency (who may change the network); 404 for anyone who may not see the network."""
    network = access.get_network_or_404(request.user, pk, change=True)
    row = confirmation_selectors.evidence_row(network, kind, row_pk)
    if row is None:
        raise Http404("No such file.")
    try:
        handle = row.confirmation_evidence.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("No such file.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=row.confirmation_evidence_name,
        content_type=row.confirmation_evidence_type,
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
