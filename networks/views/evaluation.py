"""Evaluations against criteria, the criteria set, the portfolio report and programme indicators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.evaluation import CriterionForm, EvaluationForm, PortfolioFilterForm
from networks.models import Criterion, Programme
from networks.rules import default_thresholds
from networks.selectors import evaluation as evaluation_selectors
from networks.selectors import records as records_selectors
from networks.services import criteria as criteria_services
from networks.services import evaluation as evaluation_services
from networks.services.common import ConflictError
from networks.views.common import once_per_form, posted, show_conflict, show_errors
from profo.db_router import use_replica

# --- evaluating a network -------------------------------------------------------------------


@login_required
@once_per_form
def evaluation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Met or not met for every active criterion, with evidence, beside what the data suggest."""
    network = access.get_agency_network_or_404(request.user, pk)
    criteria = evaluation_selectors.criteria_with_suggestions(network)
    form = EvaluationForm(posted(request), network=network, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = evaluation_services.evaluation_record(
                network=network,
                actor=request.user,
                date=form.cleaned_data["date"],
                notes=form.cleaned_data["notes"],
                results=form.results(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Evaluation recorded: %(met)s of %(total)s criteria met.")
                % {"met": evaluation.met_count, "total": evaluation.criteria_count},
            )
            return redirect("networks:evaluation-detail", network.pk, evaluation.pk)
    context = {"network": network, "form": form}
    return render(request, "networks/evaluation_form.html", context)


@login_required
def evaluation_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The network's evaluations, newest first. Not confidential: whoever sees the network."""
    network = access.get_network_or_404(request.user, pk)
    evaluations = evaluation_selectors.evaluations(network).prefetch_related(None)
    context = {
        "network": network,
        "evaluations": list(evaluations),
        "can_evaluate": access.can_evaluate(request.user, network),
    }
    return render(request, "networks/evaluation_list.html", context)


@login_required
def evaluation_detail(request: HttpRequest, pk: int, evaluation_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    evaluation = access.get_or_404(
        evaluation_selectors.evaluations(network), evaluation_pk, "No such evaluation."
    )
    context = {
        "network": network,
        "evaluation": evaluation,
        "results": list(evaluation.results.all()),
        "can_evaluate": access.can_evaluate(request.user, network),
    }
    return render(request, "networks/evaluation_detail.html", context)


# --- the criteria set -----------------------------------------------------------------------


def _criterion_or_404(programme: Programme, pk) -> Criterion:
    criterion = access.get_or_404(
        evaluation_selectors.programme_criteria(programme), pk, "No such criterion."
    )
    criterion.programme = programme  # already read, with its agency
    return criterion


@login_required
@once_per_form
def criteria_set(request: HttpRequest, programme_pk: int) -> HttpResponse:
    """The programme's criteria in order; its agency's admins add, edit, reorder, deactivate.

    Agency staff see the set; a POST from them is 403.
    """
    if request.method == "POST":
        programme = access.get_admin_programme_or_404(request.user, programme_pk)
    else:
        programme = access.get_programme_or_404(request.user, programme_pk)
    form = CriterionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            criterion = criteria_services.criterion_create(
                programme=programme, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request, _("Criterion “%(title)s” added.") % {"title": criterion.label}
            )
            return redirect("networks:criteria-set", programme.pk)
    criteria = list(Criterion.objects.filter(programme=programme))
    context = {
        "programme": programme,
        "active": [c for c in criteria if c.is_active],
        "inactive": [c for c in criteria if not c.is_active],
        "can_admin": access.can_admin_programme(request.user, programme),
        "form": form,
    }
    return render(request, "networks/criteria_set.html", context)


@login_required
def criterion_edit(request: HttpRequest, programme_pk: int, criterion_pk: int) -> HttpResponse:
    programme = access.get_admin_programme_or_404(request.user, programme_pk)
    criterion = _criterion_or_404(programme, criterion_pk)
    form = CriterionForm(posted(request), initial=CriterionForm.initial_from(criterion))
    if request.method == "POST" and form.is_valid():
        try:
            criteria_services.criterion_update(
                criterion=criterion, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(
                request, _("Criterion “%(title)s” saved.") % {"title": criterion.label}
            )
            return redirect("networks:criteria-set", programme.pk)
    context = {"programme": programme, "criterion": criterion, "form": form}
    return render(request, "networks/criteria_edit.html", context)


def _criterion_action(request: HttpRequest, programme_pk: int, criterion_pk: int, act) -> str:
    programme = access.get_admin_programme_or_404(request.user, programme_pk)
    criterion = _criterion_or_404(programme, criterion_pk)
    try:
        return act(criterion)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except ConflictError as exc:
        show_conflict(request, exc)
    return ""


@login_required
@require_POST
def criterion_move(request: HttpRequest, programme_pk: int, criterion_pk: int) -> HttpResponse:
    def act(criterion):
        direction = request.POST.get("direction", "")
        criteria_services.criterion_move(
            criterion=criterion, actor=request.user, direction=direction
        )
        return _("Criterion “%(title)s” moved.") % {"title": criterion.label}

    done = _criterion_action(request, programme_pk, criterion_pk, act)
    if done:
        messages.success(request, done)
    return redirect("networks:criteria-set", programme_pk)


@login_required
@require_POST
def criterion_deactivate(
    request: HttpRequest, programme_pk: int, criterion_pk: int
) -> HttpResponse:
    def act(criterion):
        criteria_services.criterion_deactivate(criterion=criterion, actor=request.user)
        return _(
            "Criterion “%(title)s” deactivated: new evaluations leave it out, old ones keep it."
        ) % {"title": criterion.label}

    done = _criterion_action(request, programme_pk, criterion_pk, act)
    if done:
        messages.success(request, done)
    return redirect("networks:criteria-set", programme_pk)


@login_required
@require_POST
def criterion_reactivate(
    request: HttpRequest, programme_pk: int, criterion_pk: int
) -> HttpResponse:
    def act(criterion):
        criteria_services.criterion_reactivate(criterion=criterion, actor=request.user)
        return _("Criterion “%(title)s” is active again.") % {"title": criterion.label}

    done = _criterion_action(request, programme_pk, criterion_pk, act)
    if done:
        messages.success(request, done)
    return redirect("networks:criteria-set", programme_pk)


# --- the portfolio report -------------------------------------------------------------------


def at_least_sentence(count: int, total: int, k: int) -> str:
    """ "7 of 10 met at least 4": the 1993 evaluation's own way of saying it."""
    return _("%(count)s of %(total)s met at least %(k)s") % {"count": count, "total": total, "k": k}


def portfolio_table(report, thresholds: list[int] | None = None) -> dict:
    """The report's numbers as the page and its chart show them."""
    total = report.networks
    at_least = report.at_least
    rows = [
        {
            "k": k,
            "count": count,
            "share": round(count * 100 / total) if total else None,
            "sentence": at_least_sentence(count, total, k),
        }
        for k, count in at_least.items()
    ]
    chosen = [k for k in (thresholds or default_thresholds(report.max_k)) if k in at_least]
    summary = "; ".join(at_least_sentence(at_least[k], total, k) for k in chosen)
    counts = ", ".join(str(count) for count in at_least.values())
    chart = {
        "labels": [str(k) for k in at_least],
        "datasets": [{"label": _("Networks"), "data": list(at_least.values())}],
        "x_title": _("Criteria met (at least)"),
        "y_title": _("Networks"),
        "integer": True,
    }
    chart_label = _(
        "Bar chart: how many of the %(total)s networks met at least k criteria, for k from 0 to "
        "%(max)s: %(counts)s."
    ) % {"total": total, "max": report.max_k, "counts": counts}
    return {"rows": rows, "summary": summary, "chart": chart, "chart_label": chart_label}


def _filter_choices(user) -> tuple[list[str], list[str]]:
    """The regions and sectors of the user's networks (one query)."""
    # order_by() clears the default ordering by name, which DISTINCT would otherwise include.
    pairs = access.visible_networks(user).order_by().values_list("region", "sector").distinct()
    regions, sectors = set(), set()
    for region, sector in pairs:
        regions.add(region)
        sectors.add(sector)
    return sorted(r for r in regions if r), sorted(s for s in sectors if s)


@login_required
def report_portfolio(request: HttpRequest) -> HttpResponse:
    """The 1993 question for any filter, with the networks behind each number, and the
    programme indicators beside it. Agency staff and admins only."""
    access.require(access.is_agency_user(request.user))
    programmes = access.visible_programmes(request.user)
    regions, sectors = _filter_choices(request.user)
    form = PortfolioFilterForm(
        request.GET or None, programmes=programmes, regions=regions, sectors=sectors
    )
    context = {"form": form, "programmes": list(programmes)}
    # A report may be a moment stale: its reads (and the template's) go to a replica when
    # there is one (profo.db_router).
    with use_replica():
        if not form.is_bound or form.is_valid():
            data = form.cleaned_data if form.is_bound else {}
            filters = form.filters() if form.is_bound else {}
            report = evaluation_selectors.portfolio(user=request.user, **filters)
            k = data.get("k")
            if k is not None and k > report.max_k:
                k = report.max_k
            query = request.GET.copy()
            query.pop("k", None)
            context.update(
                {
                    "report": report,
                    "table": portfolio_table(report, data.get("thresholds")),
                    "k": k,
                    "behind": report.behind(k) if k is not None else report.rows,
                    "query": query.urlencode(),
                    # The age bounds are about evaluations; the indicators cover every network.
                    "indicators": evaluation_selectors.programme_indicators(
                        user=request.user,
                        programme=filters.get("programme"),
                        region=filters.get("region", ""),
                        sector=filters.get("sector", ""),
                        date_from=data.get("date_from"),
                        date_to=data.get("date_to"),
                    ),
                    # The broker's records: certifications, profiles, projects, sales.
                    "records": records_selectors.portfolio_records(
                        evaluation_selectors.scope(
                            user=request.user,
                            programme=filters.get("programme"),
                            region=filters.get("region", ""),
                            sector=filters.get("sector", ""),
                        )  # fmt: skip
                    ),
                }
            )
        return render(request, "networks/report_portfolio.html", context)
