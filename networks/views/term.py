"""The three-year term: the ledger and payments, share weights, readiness, extensions and the handover."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.term import (
    HandoverForm,
    PaymentForm,
    ShareWeightsForm,
    TermChangeForm,
    TermExtensionForm,
)
from networks.lib.money import format_money
from networks.models import Handover, Membership, Network, ShareWeight, TermChange
from networks.selectors import lifecycle as lifecycle_selectors
from networks.selectors import term as term_selectors
from networks.services import term as term_services
from networks.services.common import ConflictError
from networks.views.common import once_per_form, posted, show_conflict, show_errors

# --- the ledger -----------------------------------------------------------------------------


@login_required
def network_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """Owed, paid, balance and arrears per firm (a firm member: their own row only), and the
    cost share over the term, month by month."""
    network = access.get_network_or_404(request.user, pk)
    may_change = access.can_change_network(request.user, network)
    rows = term_selectors.contributions_for(request.user, network)
    charges = term_selectors.cost_share_over_term(network)
    context = {
        "network": network,
        "currency": network.programme.currency,
        "contributions": term_selectors.contributions_summary(rows, sees_all=may_change),
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
    summary = term_selectors.balances(network, firms=[firm])
    context = {
        "network": network,
        "firm": firm,
        "currency": network.programme.currency,
        "lines": term_selectors.firm_ledger(network, firm),
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
    memberships = list(lifecycle_selectors.active_memberships(network))
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
        "share_total": _shown_total(form),
        "split_equally": term_selectors.SPLIT_EQUALLY,
        "split_by_dues": term_selectors.SPLIT_BY_DUES,
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
    if kind == TermChange.Kind.EXTENSION:
        form = TermExtensionForm(posted(request), programme=network.programme)
    else:
        form = TermChangeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            change["service"](network=network, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
            return redirect("networks:network-money", network.pk)
        else:
            messages.success(request, change["done"] % {"date": date_format(network.handover_due)})
            return redirect("networks:network-money", network.pk)
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


HANDOVER_TYPED = ("date", "manager", "monthly_salary", "reason")


def _initial_shares(network: Network, handover: Handover | None) -> dict:
    """Start from the open proposal, else from the facilitator's weights, else blank."""
    if handover is not None and handover.status == Handover.Status.PROPOSED:
        return {c.firm_id: c.share_percent for c in handover.commitments.all()}
    if network.share_mode == Network.ShareMode.WEIGHTED:
        return dict(ShareWeight.objects.filter(network=network).values_list("firm_id", "percent"))
    return {}


def _filled_handover_form(request, network, memberships, handover, how: str) -> HandoverForm:
    """The form as typed, with the shares filled in by "split equally" or "by current dues";
    nothing is saved and no field is judged yet."""
    firms = [m.firm for m in memberships]
    shares = term_selectors.handover_split(network, firms, how)
    typed = {name: request.POST[name] for name in HANDOVER_TYPED if request.POST.get(name)}
    if shares is None:
        messages.warning(request, term_selectors.HANDOVER_NO_DUES_TO_SPLIT_BY)
        shares = {f.pk: request.POST.get(f"share_{f.pk}") or None for f in firms}
    return HandoverForm(initial=typed, network=network, memberships=memberships, shares=shares)


def _shown_total(form: HandoverForm) -> Decimal:
    """The sum of the shares as the form shows them (typed or filled in), for the running total."""
    total = Decimal(0)
    for name in form.share_field_names():
        try:
            total += Decimal(str(form[name].value() or 0).replace(",", "."))
        except InvalidOperation:
            continue  # the form names the wrong value itself
    return total


@login_required
@once_per_form
def handover_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator (or agency staff) proposes the handover; every refusal is listed."""
    network = access.get_network_or_404(request.user, pk, change=True)
    handover = term_selectors.current_handover(network)
    memberships = list(lifecycle_selectors.active_memberships(network))
    fill = request.POST.get("fill") if request.method == "POST" else None
    if fill in (term_selectors.SPLIT_EQUALLY, term_selectors.SPLIT_BY_DUES):
        form = _filled_handover_form(request, network, memberships, handover, fill)
    else:
        form = HandoverForm(
            posted(request),
            network=network,
            memberships=memberships,
            shares=_initial_shares(network, handover),
        )
    if request.method == "POST" and fill is None and form.is_valid():
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
            return redirect("networks:network-money", network.pk)
    context = {
        "network": network,
        "form": form,
        "handover": handover,
        "currency": network.programme.currency,
        "share_fields": [form[name] for name in form.share_field_names()],
        "share_total": _shown_total(form),
        "split_equally": term_selectors.SPLIT_EQUALLY,
        "split_by_dues": term_selectors.SPLIT_BY_DUES,
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
    return redirect("networks:network-money", network.pk)
