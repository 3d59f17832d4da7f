"""The three-year term: the ledger and payments, share weights, readiness, extensions and the handover."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from networks import access, selectors, selectors_term
from networks.forms_term import HandoverForm, PaymentForm, ShareWeightsForm, TermChangeForm
from networks.lib.dates import first_of_month
from networks.lib.money import format_money
from networks.models import (
    Handover,
    HandoverCommitment,
    Membership,
    MonthlyCharge,
    Network,
    ShareWeight,
    TermChange,
)
from networks.rules import OPEN_OR_CONFIRMED
from networks.selectors import NetworkPage
from networks.services import term as term_services
from networks.services.common import ConflictError
from networks.views.common import (
    once_per_form,
    posted,
    show_conflict,
    show_errors,
)

# --- reads the pages share ------------------------------------------------------------------


def _current_handover(network: Network) -> Handover | None:
    """The open proposal or the confirmed handover (there is never both), with its commitments
    (two queries)."""
    commitments = HandoverCommitment.objects.select_related("firm").order_by("firm__name")
    return (
        Handover.objects.filter(network=network, status__in=OPEN_OR_CONFIRMED)
        .select_related("manager", "proposed_by", "confirmed_by")
        .prefetch_related(Prefetch("commitments", queryset=commitments))
        .order_by("-proposed_at", "-pk")
        .first()
    )


def _month_share(network: Network, today: datetime.date, page: NetworkPage) -> dict | None:
    """This month's split: as charged when the month's dues exist, else as it would be."""
    month = first_of_month(today)
    if month < first_of_month(network.term_start):
        return None
    charge = MonthlyCharge.objects.filter(network=network, month=month).first()
    if charge is not None:
        figures = {
            "salary": charge.salary,
            "agency_percent": charge.agency_percent,
            "agency_amount": charge.agency_amount,
            "firms_amount": charge.firms_amount,
        }
    else:
        # month_split's totals, from the appointments and memberships the page has read.
        figures = selectors_term.month_split_totals(
            network, month, appointments=page.appointments, memberships=page.memberships
        )
    return {**figures, "month": month, "charged": charge is not None}


def _readiness_items(readiness: selectors_term.Readiness, *, sees_all: bool) -> dict:
    items = []
    for item in readiness.items:
        detail = item.detail
        if item.key == "arrears" and not sees_all:
            # The names of the firms in arrears are theirs and the facilitator's business.
            detail = ""
        items.append({"key": item.key, "label": item.label, "met": item.met, "detail": detail})
    return {"items": items, "score": readiness.score, "total": readiness.total}


def _contributions_summary(rows: list, *, sees_all: bool) -> dict:
    in_arrears = [row for row in rows if row.in_arrears]
    return {
        "sees_all": sees_all,
        "rows": rows,
        "in_arrears_count": len(in_arrears),
        "arrears_total": sum((row.arrears for row in in_arrears), Decimal(0)),
        "owed_total": sum((row.owed for row in rows), Decimal(0)),
        "paid_total": sum((row.paid for row in rows), Decimal(0)),
    }


def detail_context(request: HttpRequest, network: Network, page: NetworkPage | None = None) -> dict:
    """What this subject adds to the network page (templates/networks/_detail_term.html).

    A fixed number of queries whatever the number of firms and months (the tests pin it). The
    handover readiness sums up what other sections show (members, balances, activities, joint
    actions, the latest evaluation): it takes them from the `page`, which reads each once.
    """
    if network.term_start is None:
        return {"term": None}
    user = request.user
    page = page or NetworkPage(network, user)
    today = page.today
    may_change = access.can_change_network(user, network)
    is_agency = access.is_agency_of(user, network)
    in_consolidation = network.phase == Network.Phase.CONSOLIDATION
    handover = page.current_handover
    rows = selectors_term.visible_balances(user, network, page.balances)
    readiness = selectors_term.readiness(network, today, facts=page.readiness_facts())
    term = {
        "currency": network.programme.currency,
        "clock": selectors_term.clock(network, today),
        "warning": selectors_term.warning(network, today),
        "month_share": _month_share(network, today, page),
        "readiness": _readiness_items(readiness, sees_all=may_change),
        "contributions": _contributions_summary(rows, sees_all=may_change),
        "changes": page.term_changes,
        "handover": handover,
        "can_record_payment": may_change,
        "can_generate_dues": may_change and network.phase != Network.Phase.DISSOLVED,
        "can_set_weights": may_change and in_consolidation,
        "can_propose_handover": may_change and in_consolidation,
        "can_change_due_date": is_agency and in_consolidation,
        "can_confirm_handover": (
            is_agency
            and in_consolidation
            and handover is not None
            and handover.status == Handover.Status.PROPOSED
        ),
    }
    return {"term": term}


# --- the ledger -----------------------------------------------------------------------------


@login_required
def network_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """Owed, paid, balance and arrears per firm (a firm member: their own row only), and the
    cost share over the term, month by month."""
    network = access.get_network_or_404(request.user, pk)
    may_change = access.can_change_network(request.user, network)
    rows = selectors_term.contributions_for(request.user, network)
    charges = selectors_term.cost_share_over_term(network)
    context = {
        "network": network,
        "currency": network.programme.currency,
        "contributions": _contributions_summary(rows, sees_all=may_change),
        "charges": charges,
        "charges_total": {
            "salary": sum((c.salary for c in charges), Decimal(0)),
            "agency_amount": sum((c.agency_amount for c in charges), Decimal(0)),
            "firms_amount": sum((c.firms_amount for c in charges), Decimal(0)),
        },
        "may_change": may_change,
        "can_generate_dues": may_change and network.phase != Network.Phase.DISSOLVED,
        "can_set_weights": may_change and network.phase == Network.Phase.CONSOLIDATION,
    }
    return render(request, "networks/ledger_network.html", context)


@login_required
def firm_ledger(request: HttpRequest, pk: int, firm_pk: int) -> HttpResponse:
    """One firm's dues and payments with the running balance: 404 unless the user may see that
    firm's figures (another member firm may not) and the firm is or was a member."""
    network = access.get_network_or_404(request.user, pk)
    firm = access.get_firm_figures_or_404(request.user, firm_pk)
    if not Membership.objects.filter(network=network, firm=firm).exists():
        raise Http404("No such member.")
    summary = selectors_term.balances(network, firms=[firm])
    context = {
        "network": network,
        "firm": firm,
        "currency": network.programme.currency,
        "lines": selectors_term.firm_ledger(network, firm),
        "balance": summary[0] if summary else None,
        "may_change": access.can_change_network(request.user, network),
    }
    return render(request, "networks/ledger_firm.html", context)


# --- payments, weights, dues ----------------------------------------------------------------


@login_required
@once_per_form
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk, change=True)
    form = PaymentForm(posted(request), network=network)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = term_services.payment_record(network=network, actor=request.user, **data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            amount = format_money(payment.amount, network.programme.currency)
            messages.success(
                request,
                _("Payment of %(amount)s recorded for %(firm)s.")
                % {"amount": amount, "firm": payment.firm.name},
            )
            return redirect("networks:network-ledger", network.pk)
    return render(request, "networks/term_payment_form.html", {"network": network, "form": form})


@login_required
def share_weights(request: HttpRequest, pk: int) -> HttpResponse:
    """Equal shares, or one weight per active member adding up to 100%."""
    network = access.get_network_or_404(request.user, pk, change=True)
    memberships = list(selectors.active_memberships(network))
    current = dict(ShareWeight.objects.filter(network=network).values_list("firm_id", "percent"))
    form = ShareWeightsForm(
        posted(request), network=network, memberships=memberships, weights=current
    )
    if request.method == "POST" and form.is_valid():
        weights = form.weights()
        try:
            term_services.share_weights_set(network=network, actor=request.user, weights=weights)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            if weights:
                messages.success(
                    request, _("Weights saved. They apply to the months not yet charged.")
                )
            else:
                messages.success(
                    request, _("Equal shares set. They apply to the months not yet charged.")
                )
            return redirect("networks:network-ledger", network.pk)
    context = {
        "network": network,
        "form": form,
        "share_fields": [form[name] for name in form.share_field_names()],
    }
    return render(request, "networks/term_share_weights.html", context)


@login_required
@require_POST
def dues_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Charge every month of the term up to this one that is not charged yet."""
    network = access.get_network_or_404(request.user, pk, change=True)
    try:
        count = term_services.dues_catch_up(network=network)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if count:
            messages.success(
                request,
                ngettext("%(count)s month charged.", "%(count)s months charged.", count)
                % {"count": count},
            )
        else:
            messages.info(request, _("Every month up to this one was already charged."))
    return redirect("networks:network-ledger", network.pk)


# --- the due date ---------------------------------------------------------------------------


TERM_CHANGES = {
    TermChange.Kind.EXTENSION: {
        "service": term_services.term_extend,
        "title": gettext_lazy("Extend the term"),
        "done": gettext_lazy("Term extended: the handover is now due on %(date)s."),
    },
    TermChange.Kind.EARLY_HANDOVER: {
        "service": term_services.early_handover_allow,
        "title": gettext_lazy("Allow an early handover"),
        "done": gettext_lazy("Early handover allowed: the handover is now due on %(date)s."),
    },
}


def _term_change(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    network = access.get_agency_network_or_404(request.user, pk)
    change = TERM_CHANGES[kind]
    form = TermChangeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            change["service"](network=network, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect("networks:network-detail", network.pk)
        else:
            messages.success(request, change["done"] % {"date": date_format(network.handover_due)})
            return redirect("networks:network-detail", network.pk)
    context = {"network": network, "form": form, "kind": kind, "title": change["title"]}
    return render(request, "networks/term_change_form.html", context)


@login_required
@once_per_form
def term_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _term_change(request, pk, TermChange.Kind.EXTENSION)


@login_required
@once_per_form
def early_handover(request: HttpRequest, pk: int) -> HttpResponse:
    return _term_change(request, pk, TermChange.Kind.EARLY_HANDOVER)


# --- the handover ---------------------------------------------------------------------------


def _initial_shares(network: Network, handover: Handover | None) -> dict:
    """Start from the open proposal, else from the facilitator's weights, else blank."""
    if handover is not None and handover.status == Handover.Status.PROPOSED:
        return {c.firm_id: c.share_percent for c in handover.commitments.all()}
    if network.share_mode == "weighted":
        return dict(ShareWeight.objects.filter(network=network).values_list("firm_id", "percent"))
    return {}


@login_required
@once_per_form
def handover_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator (or agency staff) proposes the handover; every refusal is listed."""
    network = access.get_network_or_404(request.user, pk, change=True)
    handover = _current_handover(network)
    memberships = list(selectors.active_memberships(network))
    form = HandoverForm(
        posted(request),
        network=network,
        memberships=memberships,
        shares=_initial_shares(network, handover),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            term_services.handover_propose(
                network=network, actor=request.user, date=data["date"], manager=data["manager"],
                monthly_salary=data["monthly_salary"], commitments=form.shares(),
                reason=data.get("reason", ""),
            )  # fmt: skip
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Handover proposed. Agency staff must now confirm it."))
            return redirect("networks:network-detail", network.pk)
    context = {
        "network": network,
        "form": form,
        "handover": handover,
        "currency": network.programme.currency,
        "share_fields": [form[name] for name in form.share_field_names()],
        "in_consolidation": network.phase == Network.Phase.CONSOLIDATION,
        "can_confirm_handover": (
            access.is_agency_of(request.user, network)
            and handover is not None
            and handover.status == Handover.Status.PROPOSED
        ),
    }
    return render(request, "networks/handover_form.html", context)


@login_required
@require_POST
def handover_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_agency_network_or_404(request.user, pk)
    try:
        term_services.handover_confirm(network=network, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except ConflictError as exc:
        show_conflict(request, exc)
    else:
        messages.success(
            request,
            _(
                "Handover confirmed. The member firms now pay the whole salary and the network is independent."
            ),
        )
    return redirect("networks:network-detail", network.pk)


urlpatterns = [
    path("networks/<int:pk>/ledger/", network_ledger, name="network-ledger"),
    path("networks/<int:pk>/ledger/<int:firm_pk>/", firm_ledger, name="firm-ledger"),
    path("networks/<int:pk>/payments/new/", payment_create, name="payment-create"),
    path("networks/<int:pk>/shares/", share_weights, name="share-weights"),
    path("networks/<int:pk>/dues/generate/", dues_generate, name="dues-generate"),
    path("networks/<int:pk>/term/extend/", term_extend, name="term-extend"),
    path("networks/<int:pk>/term/early-handover/", early_handover, name="early-handover"),
    path("networks/<int:pk>/handover/", handover_propose, name="handover-propose"),
    path("networks/<int:pk>/handover/confirm/", handover_confirm, name="handover-confirm"),
]
