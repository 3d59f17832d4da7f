"""Correcting what others rely on: a payment, a goal's value, a firm's figures. Each change is
kept in the audit history with its reason (networks.services.history says when one is needed;
the form's help text says it in the user's words)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from networks import access
from networks.forms.progress import FirmIndicatorChangeForm, GoalActualChangeForm
from networks.forms.term import PaymentChangeForm
from networks.services import progress as progress_services
from networks.services import term as term_services
from networks.services.common import ConflictError
from networks.views.common import posted, show_conflict, show_errors

DELETE = "delete"


def _render(request, *, title: str, intro: str, form, back: str, network=None, can_delete=False):
    context = {
        "title": title, "intro": intro, "form": form, "back": back, "network": network,
        "can_delete": can_delete,
    }  # fmt: skip
    return render(request, "networks/record_change_form.html", context)


@login_required
def payment_edit(request: HttpRequest, pk: int, payment_pk: int) -> HttpResponse:
    """Correct a payment, or remove one recorded by mistake; both with a reason."""
    network = access.get_network_or_404(request.user, pk, change=True)
    payment = access.get_payment_or_404(request.user, payment_pk, change=True)
    if payment.network_id != network.pk:
        raise Http404("No such payment.")
    back = reverse("networks:firm-ledger", args=[network.pk, payment.firm_id])
    form = PaymentChangeForm(posted(request), payment=payment)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if request.POST.get("action") == DELETE:
                term_services.payment_delete(
                    payment=payment, actor=request.user, reason=data["reason"]
                )
                done = _("Payment removed. The reason is kept in the audit history.")
            else:
                term_services.payment_update(payment=payment, actor=request.user, **data)
                done = _("Payment corrected. The reason is kept in the audit history.")
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(back)
    return _render(
        request, network=network, form=form, back=back, can_delete=True,
        title=_("Correct a payment of %(firm)s") % {"firm": payment.firm.name},
        intro=_("A payment settles the firm's dues: every change to it, and its removal, is "
                "kept in the audit history with the reason."),
    )  # fmt: skip


@login_required
def goal_actual_edit(request: HttpRequest, pk: int, goal_pk: int, actual_pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    actual = access.get_goal_actual_or_404(request.user, actual_pk, change=True)
    if actual.goal_id != goal_pk or actual.goal.network_id != network.pk:
        raise Http404("No such value.")
    back = reverse("networks:goal-progress", args=[network.pk, goal_pk])
    form = GoalActualChangeForm(posted(request), actual=actual)
    if request.method == "POST" and form.is_valid():
        try:
            progress_services.goal_actual_update(
                actual=actual, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect(back)
        else:
            messages.success(request, _("Value corrected."))
            return redirect(back)
    day = date_format(actual.period_end, "SHORT_DATE_FORMAT")
    return _render(
        request, network=network, form=form, back=back,
        title=_("Correct the value for the period ending %(date)s") % {"date": day},
        intro=actual.goal.title,
    )  # fmt: skip


@login_required
def firm_indicator_edit(request: HttpRequest, firm_pk: int, indicator_pk: int) -> HttpResponse:
    firm = access.get_firm_figures_or_404(request.user, firm_pk)
    report = access.get_firm_indicator_or_404(request.user, indicator_pk, change=True)
    if report.firm_id != firm.pk:
        raise Http404("No such figures.")
    back = reverse("networks:firm-indicators", args=[firm.pk])
    form = FirmIndicatorChangeForm(posted(request), report=report)
    if request.method == "POST" and form.is_valid():
        try:
            progress_services.firm_indicator_update(
                report=report, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Figures corrected."))
            return redirect(back)
    day = date_format(report.date, "SHORT_DATE_FORMAT")
    return _render(
        request, form=form, back=back,
        title=_("Correct the figures of %(firm)s dated %(date)s") % {"firm": firm.name, "date": day},
        intro=_("Evaluators compare these figures over time: every change is kept in the audit "
                "history with the reason."),
    )  # fmt: skip
