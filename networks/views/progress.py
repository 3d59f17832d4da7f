"""Goal progress, firm indicators, participation and the collaboration graph."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.progress import FirmIndicatorForm, GoalActualForm
from networks.models import Network, Programme
from networks.rules import (
    DRIFT_DAYS,
    FIGURE_UNITS,
    FIGURES,
    MIN_FIRMS_FOR_AGGREGATE,
)
from networks.selectors import lifecycle as lifecycle_selectors
from networks.selectors import progress as progress_selectors
from networks.services.common import ConflictError
from networks.services.progress import (
    figure_label,
    firm_figures_share,
    firm_indicator_record,
    goal_actual_record,
)
from networks.views.common import once_per_form, posted, show_conflict, show_errors


@dataclass(frozen=True)
class FigureHeader:
    name: str
    label: str  # with its unit: "Annual sales (CLP)", "Employees (people)"
    is_money: bool


def _figure_headers(currency: str) -> list[FigureHeader]:
    units = {"money": currency, "people": _("people"), "number": _("number")}
    return [
        FigureHeader(
            name,
            _("%(figure)s (%(unit)s)")
            % {"figure": figure_label(name), "unit": units[FIGURE_UNITS[name]]},
            FIGURE_UNITS[name] == "money",
        )
        for name in FIGURES
    ]


def _money_names(headers: list[FigureHeader]) -> set[str]:
    return {header.name for header in headers if header.is_money}


# --- goal progress --------------------------------------------------------------------------


@login_required
@once_per_form
def goal_progress(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    # Looked up through the network, so another network's goal is simply not found.
    goal = access.get_or_404(lifecycle_selectors.goals(network), goal_pk, "No such goal.")
    may_record = access.can_change_network(request.user, network)
    if request.method == "POST":
        access.require(may_record)
    form = GoalActualForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actual = goal_actual_record(goal=goal, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            day = date_format(actual.period_end, "SHORT_DATE_FORMAT")
            messages.success(
                request, _("Value for the period ending %(date)s saved.") % {"date": day}
            )
            return redirect("networks:goal-progress", network.pk, goal.pk)
    actuals = progress_selectors.goal_actuals(goal)
    latest = max(actuals, key=lambda a: a.period_end, default=None)
    context = {
        "network": network,
        "goal": goal,
        "progress": progress_selectors.goal_progress(
            goal, latest.value if latest else None, latest.period_end if latest else None
        ),
        "actuals": actuals,
        "form": form,
        "may_record": may_record and network.phase != Network.Phase.DISSOLVED,
    }
    return render(request, "networks/goal_progress.html", context)


@login_required
def goal_evidence_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """The evidence file, for whoever may see the goal's network; 404 for anyone else."""
    attachment = access.found_or_404(
        progress_selectors.goal_evidence(request.user, pk, attachment_pk), "No such file."
    )
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("No such file.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- firm indicators ------------------------------------------------------------------------


@login_required
@once_per_form
def firm_indicators(request: HttpRequest, firm_pk: int) -> HttpResponse:
    """The firm's panel: opened by the firm, its facilitators and its agency, each reading only
    the rows `access.readable_indicators` gives them. The firm's own users also see who reads
    what and decide what they share."""
    firm = access.get_firm_figures_or_404(request.user, firm_pk)
    networks = list(access.figure_networks(request.user, firm).order_by("name"))
    own = access.can_keep_figures_private(request.user, firm)
    form = FirmIndicatorForm(posted(request), networks=networks, own=own)
    if request.method == "POST" and form.is_valid():
        try:
            firm_indicator_record(firm=firm, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Figures saved."))
            return redirect("networks:firm-indicators", firm.pk)
    panel = progress_selectors.firm_panel(firm, request.user)
    recordable = {network.pk for network in networks}  # as `access.can_correct_figures`
    for series in panel.series:
        series.correctable = series.network.pk in recordable if series.network else own
    # A firm's figures are in the currency of the programmes it is in (one per agency's country).
    currency = next((n.programme.currency for n in panel.networks), Programme.DEFAULT_CURRENCY)
    headers = _figure_headers(currency)
    context = {
        "firm": firm,
        "panel": panel,
        "labels": [header.label for header in headers],
        "money_names": _money_names(headers),
        "currency": currency,
        "form": form,
        # Whoever opens the panel may record, for one of their networks or as the firm's own.
        "may_record": bool(networks) or own,
        "is_owner": access.can_share_figures(request.user, firm),
    }
    return render(request, "networks/indicator_firm.html", context)


@login_required
@require_POST
def firm_figures_sharing(request: HttpRequest, firm_pk: int, network_pk: int) -> HttpResponse:
    """The firm shares all its figures with a network's facilitator and agency, or stops.
    Only the firm's own users decide (403 for its facilitators and agency; 404 for anyone who
    may not open the firm's figures, and for a network the firm was never in)."""
    firm = access.get_firm_figures_or_404(request.user, firm_pk)
    access.require(access.can_share_figures(request.user, firm))
    network = access.found_or_404(
        Network.objects.filter(pk=network_pk, memberships__firm=firm).first(), "No such network."
    )
    share = bool(request.POST.get("share"))
    firm_figures_share(firm=firm, network=network, actor=request.user, share=share)
    if share:
        message = _("%(network)s's facilitator and agency now read all of your figures.") % {
            "network": network.name
        }
    else:
        message = _(
            "%(network)s's facilitator and agency now read only the figures recorded for it."
        ) % {"network": network.name}
    messages.success(request, message)
    return redirect("networks:firm-indicators", firm.pk)


@login_required
def network_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    """Network totals and medians for all who see the network; per-firm rows only for those
    who may see each firm's figures."""
    network = access.get_network_or_404(request.user, pk)
    summary = progress_selectors.network_indicators(network, request.user)
    headers = _figure_headers(network.programme.currency)
    context = {
        "network": network,
        "summary": summary,
        "labels": [header.label for header in headers],
        "aggregates": list(zip(headers, summary.aggregates, strict=True)),
        "currency": network.programme.currency,
        "min_firms": MIN_FIRMS_FOR_AGGREGATE,
    }
    return render(request, "networks/indicator_network.html", context)


# --- participation and the graph ------------------------------------------------------------


@login_required
def network_participation(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance is not confidential: everyone who may see the network sees this page."""
    network = access.get_network_or_404(request.user, pk)
    rows = progress_selectors.participation(network)
    context = {
        "network": network,
        **progress_selectors.participation_summary(rows),
        "window_months": network.programme.participation_window_months,
        "drift_days": DRIFT_DAYS,
    }
    return render(request, "networks/participation_network.html", context)


@login_required
def network_graph(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    collaboration = progress_selectors.collaboration(network)
    context = {"network": network, "collaboration": collaboration}
    return render(request, "networks/graph_network.html", context)
