"""The console's people pages (an agency admin's staff, facilitators and firm contacts), a
firm's users (its facilitator and agency invite a contact there), and the invitation link."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.people import (
    AcceptInvitationForm,
    ContactInviteForm,
    DeactivateForm,
    InviteForm,
    PeopleFilterForm,
    RoleForm,
)
from networks.models import User
from networks.selectors import people as people_selectors
from networks.services import people as people_services
from networks.views.common import once_per_form, posted, show_errors


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    """The agency's people, found by name, e-mail, role, firm name or tax id; the open
    invitations below."""
    access.require(access.is_agency_admin(request.user))
    filters = PeopleFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page = people_selectors.people_page(
        request.user, request.GET.get("page"), query=cleaned.get("q", ""),
        role=cleaned.get("role", ""), status=cleaned.get("status", ""),
    )  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters, "page": page, "page_query": query.urlencode(),
        "invitations": people_selectors.open_invitations(request.user),
    }  # fmt: skip
    return render(request, "networks/console_people.html", context)


@login_required
@once_per_form
def person_invite(request: HttpRequest) -> HttpResponse:
    access.require(access.is_agency_admin(request.user))
    form = InviteForm(posted(request), firms=people_selectors.invitable_firms(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = people_services.invitation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("networks:console-people")
    return render(request, "networks/console_invite.html", {"form": form})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_agency_person_or_404(request.user, pk)
    return _person_page(request, person)


def _person_page(request, person: User, *, role_form=None, deactivate_form=None, status=200):
    context = {
        "person": person,
        "running": people_selectors.running_networks(person),
        "role_form": role_form or RoleForm(initial={"role": person.role}),
        "deactivate_form": deactivate_form or DeactivateForm(),
        "is_self": person.pk == request.user.pk,
    }
    return render(request, "networks/console_person.html", context, status=status)


@login_required
@require_POST
def person_role(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_agency_person_or_404(request.user, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            people_services.user_role_change(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Role changed."))
            return redirect("networks:console-person", person.pk)
    return _person_page(request, person, role_form=form, status=400)


@login_required
@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_agency_person_or_404(request.user, pk)
    form = DeactivateForm(request.POST)
    if form.is_valid():
        try:
            people_services.user_deactivate(
                actor=request.user, person=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Account deactivated: its sessions and tokens ended."))
            return redirect("networks:console-person", person.pk)
    return _person_page(request, person, deactivate_form=form, status=400)


@login_required
@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_agency_person_or_404(request.user, pk)
    try:
        people_services.user_reactivate(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Account active again: they log in with their password."))
    return redirect("networks:console-person", person.pk)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = access.get_agency_invitation_or_404(request.user, pk)
    try:
        people_services.invitation_resend(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("A new link was sent to %(email)s.") % {"email": invitation.email}
        )
    return redirect("networks:console-people")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = access.get_agency_invitation_or_404(request.user, pk)
    try:
        people_services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Invitation withdrawn: its link no longer works."))
    return redirect("networks:console-people")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail: the invited person chooses a password and is logged in."""
    try:
        invitation = people_services.invitation_for_token(token)
    except ValidationError as exc:
        context = {"problem": " ".join(exc.messages)}
        return render(request, "networks/invitation_accept.html", context, status=404)
    initial = {"first_name": invitation.first_name, "last_name": invitation.last_name}
    form = AcceptInvitationForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = people_services.invitation_accept(
                token=token, password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )  # fmt: skip
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "password" in exc.error_dict:
                for error in exc.error_dict["password"]:
                    form.add_error("password1", error)
            else:
                form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to PROFO. Your account is ready."))
            return redirect("networks:home")
    context = {"invitation": invitation, "form": form}
    return render(request, "networks/invitation_accept.html", context)


@login_required
@once_per_form
def firm_people(request: HttpRequest, firm_pk: int) -> HttpResponse:
    """A firm's users and open invitations; its facilitators and agency invite a contact."""
    firm = access.get_firm_figures_or_404(request.user, firm_pk)
    may_invite = access.can_invite(request.user, role=User.Role.FIRM_MEMBER, firm=firm)
    if request.method == "POST":
        access.require(may_invite)
    form = ContactInviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = people_services.invitation_create(
                actor=request.user, role=User.Role.FIRM_MEMBER, firm=firm, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("networks:firm-people", firm.pk)
    context = {"firm": firm, "form": form, "may_invite": may_invite,
               **people_selectors.firm_people(firm)}  # fmt: skip
    return render(request, "networks/firm_people.html", context)
