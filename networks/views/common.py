"""What the page views share: role checks, showing a service's errors on a form, and the
one-time form token against double submits."""

import functools
import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from networks.lib.typology import DIMENSIONS, SCALE_LABELS
from networks.models import Application, Diagnosis, IdempotencyKey, Network
from networks.services import idempotency as idempotency_services
from networks.services.common import ConflictError
from networks.services.lifecycle import APPLICATION_UNDER_REVIEW, NETWORK_CLOSED

FORM_TOKEN_FIELD = "form_token"
FORM_ALREADY_SAVED = _("This form was already sent and saved once: here is the result.")
FORM_TOKEN_OF_ANOTHER_PAGE = _("That form belonged to another page. Fill in this one again.")


def show_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form shows
    that field, above the form otherwise (also for a hidden field), so that no message is lost."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            shown = field in form.fields and not form.fields[field].widget.is_hidden
            for error in errors:
                form.add_error(field if shown else None, error)
    else:
        form.add_error(None, exc)


def show_conflict(request: HttpRequest, exc: ConflictError) -> None:
    messages.error(request, str(exc))


def posted(request: HttpRequest):
    """The form data on a POST, None on a GET (so that an empty POST is still a bound form)."""
    return request.POST if request.method == "POST" else None


# --- what the pages of a network's group share ----------------------------------------------


def frozen_because(network: Network, application: Application | None) -> str:
    """Why the group (members, diagnosis, goals) cannot be changed now, or "".

    The services refuse such changes anyway; the pages say so up front instead of offering
    forms that can only fail."""
    if network.phase == Network.Phase.DISSOLVED:
        return str(NETWORK_CLOSED)
    if application is not None and application.status == Application.Status.SUBMITTED:
        return str(APPLICATION_UNDER_REVIEW)
    return ""


def diagnosis_rows(diagnosis: Diagnosis | None) -> list[tuple[str, str | None]]:
    """The nine ratings as (dimension, the dimension's own word for the rating or None)."""
    if diagnosis is None:
        return []
    rows = []
    for dimension in DIMENSIONS:
        value = getattr(diagnosis, dimension)
        label = Diagnosis._meta.get_field(dimension).verbose_name
        rows.append((label, SCALE_LABELS[dimension][value - 1] if value else None))
    return rows


# --- one save per form ----------------------------------------------------------------------


def _problem_count(request: HttpRequest) -> int:
    """Warnings and errors the messages framework holds for this request, left unread."""
    storage = messages.get_messages(request)
    count = sum(1 for message in storage if message.level >= messages.WARNING)
    storage.used = False  # reading them here must not stop the next page from showing them
    return count


def once_per_form(view):
    """For a page view whose POST creates a record; its form includes `{% form_token %}`.

    The form's token is claimed as an idempotency key (networks.services.idempotency) in the
    same transaction as the view's write. Pressing "Save" twice, or the browser sending the
    form again, finds the token used: nothing is written again and the second submit is
    redirected to where the first one went, with a message. A submit that fails (the form
    shown again with errors, or a redirect with an error message) keeps no token. A POST
    without a token (an old page, a script) is handled as before.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(FORM_TOKEN_FIELD, "") if request.method == "POST" else ""
        if not (token and request.user.is_authenticated):
            return view(request, *args, **kwargs)
        if not idempotency_services.key_is_valid(token):
            return view(request, *args, **kwargs)
        fingerprint = hashlib.sha256(request.path.encode()).hexdigest()
        with transaction.atomic():
            try:
                row, is_new = idempotency_services.key_claim(
                    user=request.user, scope=IdempotencyKey.Scope.FORM, key=token,
                    fingerprint=fingerprint,
                )  # fmt: skip
            except ConflictError:
                messages.warning(request, FORM_TOKEN_OF_ANOTHER_PAGE)
                return redirect(request.path)
            if not is_new:
                messages.info(request, FORM_ALREADY_SAVED)
                return redirect(row.body["location"])
            problems = _problem_count(request)
            response = view(request, *args, **kwargs)
            saved = response.status_code in (301, 302, 303) and _problem_count(request) == problems
            if saved:
                idempotency_services.key_store(
                    row=row, status=response.status_code, body={"location": response["Location"]}
                )
            else:
                transaction.set_rollback(True)
        return response

    wrapper.once_per_form = True
    return wrapper
