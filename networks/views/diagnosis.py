"""The group's diagnosis and its goals (domain.md sections 3 and 5)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from networks import access
from networks.forms.lifecycle import DiagnosisForm, GoalForm
from networks.lib.typology import DIMENSIONS, PROFILES_BY_KEY, SCALE_LABELS, distances
from networks.models import Diagnosis
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import lifecycle as lifecycle_services
from networks.services.common import ConflictError
from networks.views.common import frozen_because, once_per_form, posted, show_conflict, show_errors


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


def profile_distances(diagnosis: Diagnosis | None) -> list[tuple[str, int]]:
    if diagnosis is None:
        return []
    return [(PROFILES_BY_KEY[k].label, d) for k, d in distances(diagnosis.ratings()).items()]


@login_required
def network_diagnosis(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    diagnosis = lifecycle_selectors.diagnosis_for(network)
    form = DiagnosisForm(posted(request), initial=DiagnosisForm.initial_from(diagnosis))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle_services.diagnosis_save(
                network=network, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Diagnosis saved."))
            return redirect("networks:network-diagnosis", network.pk)
    context = {
        "network": network,
        "form": form,
        "frozen": frozen_because(network, lifecycle_selectors.application_for(network)),
        "diagnosis": diagnosis,
        "distances": profile_distances(diagnosis),
    }
    return render(request, "networks/network_diagnosis.html", context)


@login_required
@once_per_form
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    form = GoalForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            goal = lifecycle_services.goal_create(
                network=network, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Goal “%(title)s” added.") % {"title": goal.title})
            return redirect("networks:network-detail", network.pk)
    return render(request, "networks/goal_form.html", {"network": network, "form": form})


@login_required
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    # Looked up through the network, so another network's goal is simply not found.
    goal = access.get_or_404(lifecycle_selectors.goals(network), goal_pk, "No such goal.")
    form = GoalForm(posted(request), initial=GoalForm.initial_from(goal))
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle_services.goal_update(goal=goal, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Goal “%(title)s” saved.") % {"title": goal.title})
            return redirect("networks:network-detail", network.pk)
    context = {"network": network, "form": form, "goal": goal}
    return render(request, "networks/goal_form.html", context)


@login_required
def goal_delete(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    goal = access.get_or_404(lifecycle_selectors.goals(network), goal_pk, "No such goal.")
    if request.method == "POST":
        try:
            lifecycle_services.goal_delete(goal=goal, actor=request.user)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Goal “%(title)s” deleted.") % {"title": goal.title})
        return redirect("networks:network-detail", network.pk)
    return render(request, "networks/goal_delete.html", {"network": network, "goal": goal})
