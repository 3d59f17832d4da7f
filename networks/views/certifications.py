"""A firm's certifications (its register, with evidence) and the network's certified count.

The register is a firm's figure: opened by the firm, its facilitators and its agency
(`access.get_firm_figures_or_404`), each reading only the rows
`access.readable_certifications` gives them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from networks import access
from networks.forms.certifications import CHANGE_FIELDS, CertificationForm
from networks.selectors import certifications as certification_selectors
from networks.services import certifications as certification_services
from networks.views.common import once_per_form, posted, show_errors


@login_required
@once_per_form
def firm_certifications(request: HttpRequest, firm_pk: int) -> HttpResponse:
    firm = access.get_firm_figures_or_404(request.user, firm_pk)
    networks = list(access.figure_networks(request.user, firm).order_by("name"))
    own = access.can_keep_figures_private(request.user, firm)
    may_record = bool(networks) or own
    if request.method == "POST":
        access.require(may_record)
    form = CertificationForm(posted(request), request.FILES or None, networks=networks, own=own)
    if request.method == "POST" and form.is_valid():
        try:
            certification_services.certification_record(
                firm=firm, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Certification saved."))
            return redirect("networks:firm-certifications", firm.pk)
    rows = certification_selectors.firm_register(firm, request.user)
    recordable = {network.pk for network in networks}  # as `access.can_correct_figures`
    for row in rows:
        row.correctable = row.network_id in recordable if row.network_id else own
    context = {"firm": firm, "rows": rows, "form": form, "may_record": may_record}
    return render(request, "networks/certification_firm.html", context)


@login_required
def certification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a certification along or replace its evidence, where it was recorded (403 for a
    reader who may not correct it, 404 for anyone who may not read it)."""
    row = access.get_certification_or_404(request.user, pk, change=True)
    form = CertificationForm(posted(request), request.FILES or None, editing=row)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CHANGE_FIELDS}
        try:
            certification_services.certification_update(
                certification=row, actor=request.user,
                evidence=form.cleaned_data.get("evidence"), **fields,
            )  # fmt: skip
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Certification saved."))
            return redirect("networks:firm-certifications", row.firm_id)
    return render(
        request, "networks/certification_form.html", {"row": row, "firm": row.firm, "form": form}
    )


@login_required
def certification_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file, for whoever may read the row; 404 for anyone else."""
    row = access.get_certification_or_404(request.user, pk)
    if not row.evidence:
        raise Http404("No such file.")
    try:
        handle = row.evidence.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("No such file.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=row.evidence_name, content_type=row.evidence_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def network_certifications(request: HttpRequest, pk: int) -> HttpResponse:
    """The count for all who see the network (an aggregate); the rows only for those who may
    read each firm's (its facilitator and agency; a member firm its own)."""
    network = access.get_network_or_404(request.user, pk)
    context = {
        "network": network,
        "counts": certification_selectors.network_counts(network),
        "rows": certification_selectors.network_rows(network, request.user),
    }
    return render(request, "networks/certification_network.html", context)
