"""What the page views share: role checks, and showing a service's errors on a form."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from networks import access
from networks.models import Application, Network
from networks.services import ConflictError
from networks.services.lifecycle import APPLICATION_UNDER_REVIEW, NETWORK_CLOSED


def require_role(user, *roles) -> None:
    if user.role not in roles:
        raise PermissionDenied


def get_agency_network_or_404(user, pk) -> Network:
    """The network for an agency-only action: 404 to outsiders, 403 to everyone but its agency."""
    network = access.get_network_or_404(user, pk)
    if not access.is_agency_of(user, network):
        raise PermissionDenied
    return network


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


def frozen_because(network: Network, application: Application | None) -> str:
    """Why the group (members, diagnosis, goals) cannot be changed now, or "".

    The services refuse such changes anyway; the pages say so up front instead of offering
    forms that can only fail."""
    if network.phase == Network.Phase.DISSOLVED:
        return str(NETWORK_CLOSED)
    if application is not None and application.status == Application.Status.SUBMITTED:
        return str(APPLICATION_UNDER_REVIEW)
    return ""
