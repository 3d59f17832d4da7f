"""The agency console's programme pages: the overview, a programme's settings (with a preview
of what a change does to its running networks), and its activity and joint-action types."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.programmes import ProgrammeSettingsForm, TypeForm
from networks.selectors import programmes as programme_selectors
from networks.services import programmes as programme_services
from networks.views.common import once_per_form, posted, show_errors

TYPE_TITLES = {
    "activity": gettext_lazy("activity type"),
    "joint-action": gettext_lazy("joint-action type"),
}


@login_required
def console_home(request: HttpRequest) -> HttpResponse:
    """The agency's programmes, each with its settings, types and criteria."""
    access.require(access.is_agency_admin(request.user))
    context = {"programmes": programme_selectors.console_programmes(request.user)}
    return render(request, "networks/console_home.html", context)


@login_required
def programme_settings(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """The settings form. "Preview" shows what the change would do and saves nothing; "Save"
    saves it (with a reason) and shows the same preview once more as the confirmation."""
    programme = access.get_admin_programme_or_404(request.user, programme_pk)
    form = ProgrammeSettingsForm(posted(request), programme=programme)
    effects = None
    if request.method == "POST" and form.is_valid():
        try:
            # The preview is checked as saving would be: an invalid change shows its errors.
            checked = programme_services.programme_settings_check(
                programme=programme, actor=request.user, **form.settings()
            )
            if request.POST.get("action") == "save":
                programme_services.programme_update(
                    programme=programme, actor=request.user,
                    reason=form.cleaned_data["reason"], **form.settings(),
                )  # fmt: skip
                messages.success(request, _("Settings saved. Nothing already recorded changed."))
                return redirect("networks:console-programme", programme.pk)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            effects = programme_selectors.settings_preview(programme, checked)
    context = {"programme": programme, "form": form, "effects": effects}
    return render(request, "networks/console_programme.html", context)


def _type_or_404(programme, kind: str, type_pk: int):
    model = programme_services.TYPE_MODELS[kind]
    try:
        return model.objects.select_related("programme").get(programme=programme, pk=type_pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such type.") from None


@login_required
@once_per_form
def programme_types(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """Both type lists; an admin adds one (named in English and Spanish) to either."""
    programme = access.get_admin_programme_or_404(request.user, programme_pk)
    kind = request.POST.get("kind") if request.method == "POST" else None
    forms = {
        name: TypeForm(posted(request) if kind == name else None, prefix=name)
        for name in programme_services.TYPE_MODELS
    }
    if kind in forms and forms[kind].is_valid():
        try:
            row = programme_services.type_create(
                programme=programme, actor=request.user, kind=kind, **forms[kind].cleaned_data
            )
        except ValidationError as exc:
            show_errors(forms[kind], exc)
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": row.label})
            return redirect("networks:console-types", programme.pk)
    lists = programme_selectors.programme_types(programme)
    sections = [
        {"kind": name, "title": TYPE_TITLES[name], "rows": lists[name], "form": forms[name]}
        for name in programme_services.TYPE_MODELS
    ]
    return render(
        request, "networks/console_types.html", {"programme": programme, "sections": sections}
    )


@login_required
def type_edit(request: HttpRequest, programme_pk: int, kind: str, type_pk: int) -> HttpResponse:
    programme = access.get_admin_programme_or_404(request.user, programme_pk)
    row = _type_or_404(programme, kind, type_pk)
    form = TypeForm(posted(request), initial={"name": row.name, "name_es": row.name_es})
    if request.method == "POST" and form.is_valid():
        try:
            programme_services.type_rename(type_row=row, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Type renamed; the records that use it show the new name."))
            return redirect("networks:console-types", programme.pk)
    context = {"programme": programme, "row": row, "form": form, "title": TYPE_TITLES[kind]}
    return render(request, "networks/console_type_edit.html", context)


@login_required
@require_POST
def type_retire(request: HttpRequest, programme_pk: int, kind: str, type_pk: int) -> HttpResponse:
    programme = access.get_admin_programme_or_404(request.user, programme_pk)
    row = _type_or_404(programme, kind, type_pk)
    try:
        programme_services.type_retire(type_row=row, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(name)s” retired: it left the choice lists; the records that use it keep it.")
            % {"name": row.label},
        )
    return redirect("networks:console-types", programme.pk)


@login_required
@require_POST
def type_reinstate(
    request: HttpRequest, programme_pk: int, kind: str, type_pk: int
) -> HttpResponse:
    programme = access.get_admin_programme_or_404(request.user, programme_pk)
    row = _type_or_404(programme, kind, type_pk)
    programme_services.type_reinstate(type_row=row, actor=request.user)
    messages.success(request, _("“%(name)s” is back in the choice lists.") % {"name": row.label})
    return redirect("networks:console-types", programme.pk)
