"""The three-year term: cost sharing, monthly dues, payments, extensions, and the handover.

The manager's salary is shared between the agency and the member firms. The agency's share
falls by year of the term (the programme's schedule, 70/50/30 by default) and is 0 from the
month after the handover. The firms' part is split among the month's active members, equally
or by weights, and after the handover by the firms' committed shares.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from networks import access
from networks.lib.dates import add_months, day, first_of_month, last_of_month
from networks.lib.money import round_money, split
from networks.models import (
    Due,
    EventNotified,
    Firm,
    Handover,
    HandoverCommitment,
    Kind,
    ManagerAppointment,
    Membership,
    MonthlyCharge,
    Network,
    Payment,
    ShareWeight,
    TermChange,
    User,
)
from networks.rules import HUNDRED, month_amounts, month_terms
from networks.selectors import term as term_selectors
from networks.services import history as history_services
from networks.services import notifications as notification_services
from networks.services.common import ConflictError, lock_network, phase_transition
from networks.services.lifecycle import manager_errors

NO_TERM_YET = _("The term has not started: appoint the first manager.")
NOT_IN_CONSOLIDATION = _("Only a network in consolidation can do this.")
MONTH_BEFORE_TERM = _("The term starts in %(month)s; there are no dues before it.")
MONTH_IN_FUTURE = _("Dues are created for past and current months only.")
WEIGHTS_NOT_100 = _("The weights must add up to 100%% (they add up to %(total)s%%).")
WEIGHT_NEGATIVE = _("A weight cannot be negative (%(firm)s).")
WEIGHT_NOT_MEMBER = _("%(firm)s is not an active member of this network.")
WEIGHT_MISSING = _("Give a weight for %(firm)s.")
PAYMENT_AMOUNT_INVALID = _("The amount must be above zero.")
PAYMENT_DATE_IN_FUTURE = _("The payment date cannot be in the future.")
PAYMENT_NOT_MEMBER = _("%(firm)s is not a member of this network.")
EXTENSION_REASON_REQUIRED = _("Give the reason for changing the due date.")
EXTENSION_RATE_INVALID = _("The agency's share during the extension is a percentage from 0 to 100.")
EXTENSION_NOT_LATER = _("An extension must move the due date later than %(date)s.")
EARLY_NOT_EARLIER = _("An early handover must move the due date earlier than %(date)s.")
EARLY_BEFORE_START = _("The handover cannot be due before the term started (%(date)s).")
HANDOVER_SHARES_NOT_100 = _(
    "The committed shares must add up to exactly 100%% (they add up to %(total)s%%)."
)
HANDOVER_SHARE_NEGATIVE = _("A committed share cannot be negative (%(firm)s).")
HANDOVER_FIRM_NOT_MEMBER = _("%(firm)s is not an active member of this network.")
HANDOVER_FIRM_MISSING = _("Give the committed share of %(firm)s.")
HANDOVER_TOO_EARLY = _(
    "The handover is due on %(due)s. An earlier handover needs the agency's permission."
)
HANDOVER_NONE_PROPOSED = _("No handover has been proposed for this network.")
HANDOVER_ALREADY_CONFIRMED = _("The handover has already been confirmed.")
HANDOVER_FOUR_EYES = _("You proposed this handover, so another officer must confirm it.")


# --- the split ------------------------------------------------------------------------------


def salary_for(network: Network, month: datetime.date) -> Decimal:
    """The salary of the appointment in force in `month` (the latest one to start in it)."""
    appointment = (
        ManagerAppointment.objects.filter(network=network, start_date__lte=last_of_month(month))
        .exclude(end_date__lt=first_of_month(month))
        .order_by("-start_date", "-pk")
        .first()
    )
    return appointment.monthly_salary if appointment else Decimal(0)


def members_charged(network: Network, month: datetime.date) -> list[Firm]:
    """The month's active members: joined by its end, not gone before it began.

    So a firm that leaves is charged for its last month and not after; one that joins is
    charged from the month it joins.
    """
    memberships = (
        Membership.objects.filter(network=network, joined_on__lte=last_of_month(month))
        .exclude(left_on__lt=first_of_month(month))
        .select_related("firm")
        .order_by("firm__tax_id")
    )
    firms, seen = [], set()
    for membership in memberships:
        if membership.firm_id not in seen:
            seen.add(membership.firm_id)
            firms.append(membership.firm)
    return firms


def _weights(network: Network, month: datetime.date, firms: list[Firm]) -> list[tuple]:
    """Each charged firm's weight: the handover's commitments after the handover, else the
    facilitator's weights in weighted mode, else equal. Firms without a weight pay nothing."""
    if network.handed_over_on and first_of_month(month) > first_of_month(network.handed_over_on):
        handover = network.handovers.filter(status=Handover.Status.CONFIRMED).first()
        shares = dict(handover.commitments.values_list("firm_id", "share_percent"))
    elif network.share_mode == Network.ShareMode.WEIGHTED:
        shares = dict(network.share_weights.values_list("firm_id", "percent"))
    else:
        return [(firm.pk, Decimal(1)) for firm in firms]
    return [(firm.pk, shares.get(firm.pk, Decimal(0))) for firm in firms]


def month_split(network: Network, month: datetime.date) -> dict:
    """The split of one month's salary: agency part, firms' part, and each firm's due."""
    currency = network.programme.currency
    terms = month_terms(network, month)
    salary, agency_amount = month_amounts(salary_for(network, month), terms, currency)
    percent = terms.rounded_percent
    firms = members_charged(network, month)
    firms_amount = salary - agency_amount
    if not firms:
        # Nobody to charge: the agency carries the month rather than lose the amount.
        agency_amount, firms_amount = salary, Decimal(0)
    dues = split(firms_amount, _weights(network, month, firms), currency)
    return {
        "salary": salary,
        "agency_percent": percent,
        "agency_amount": agency_amount,
        "firms_amount": firms_amount,
        "dues": dues,
    }


# --- dues and payments ----------------------------------------------------------------------


@transaction.atomic
def dues_generate(*, network: Network, month: datetime.date) -> MonthlyCharge:
    """Create one month's charge and dues. Idempotent: a month already charged is returned
    untouched, so running it twice (or from two processes) changes nothing, and a later
    change of a programme setting never rewrites a month already charged."""
    month = first_of_month(month)
    locked = lock_network(network)
    if locked.term_start is None:
        raise ValidationError(NO_TERM_YET)
    if month < first_of_month(locked.term_start):
        raise ValidationError(MONTH_BEFORE_TERM % {"month": f"{locked.term_start:%Y-%m}"})
    if month > first_of_month(timezone.localdate()):
        raise ValidationError(MONTH_IN_FUTURE)
    existing = MonthlyCharge.objects.filter(network=locked, month=month).first()
    if existing:
        return existing
    figures = month_split(locked, month)
    charge = MonthlyCharge.objects.create(
        network=locked, month=month, salary=figures["salary"],
        agency_percent=figures["agency_percent"], agency_amount=figures["agency_amount"],
        firms_amount=figures["firms_amount"],
    )  # fmt: skip
    Due.objects.bulk_create(
        Due(charge=charge, network=locked, firm_id=firm_id, month=month, amount=amount)
        for firm_id, amount in figures["dues"].items()
    )
    if month >= add_months(first_of_month(timezone.localdate()), -1):
        # A month charged late (a catch-up over the past) is not news to the firms.
        notification_services.dues_charged(locked, month=month, dues=figures["dues"])
    return charge


def dues_catch_up(*, network: Network, until: datetime.date | None = None) -> int:
    """Charge every month from the term start to `until` (default: this month) not yet charged.

    Each month is its own transaction, so a failure leaves the earlier months done and the
    rest to a later run.
    """
    if network.term_start is None or network.phase == Network.Phase.DISSOLVED:
        return 0
    until = first_of_month(until or timezone.localdate())
    done = set(MonthlyCharge.objects.filter(network=network).values_list("month", flat=True))
    month, created = first_of_month(network.term_start), 0
    while month <= until:
        if month not in done:
            dues_generate(network=network, month=month)
            created += 1
        month = add_months(month, 1)
    return created


def _payment_errors(network: Network, firm: Firm, date, amount) -> dict:
    errors = {}
    if not isinstance(amount, Decimal) or amount <= 0:
        errors["amount"] = [PAYMENT_AMOUNT_INVALID]
    if date is None or date > timezone.localdate():
        errors["date"] = [PAYMENT_DATE_IN_FUTURE]
    if not Membership.objects.filter(network=network, firm=firm).exists():
        errors["firm"] = [PAYMENT_NOT_MEMBER % {"firm": firm.name}]
    return errors


@transaction.atomic
def payment_record(
    *,
    network: Network,
    firm: Firm,
    actor: User,
    date: datetime.date,
    amount: Decimal,
    reference: str = "",
) -> Payment:
    """Record what a firm paid towards the salary (facilitator or agency staff)."""
    access.require_change(actor, network)
    errors = _payment_errors(network, firm, date, amount)
    if errors:
        raise ValidationError(errors)
    amount = round_money(amount, network.programme.currency)
    return Payment.objects.create(
        network=network, firm=firm, date=date, amount=amount,
        reference=(reference or "").strip()[:120], recorded_by=actor,
    )  # fmt: skip


def _locked_payment(payment: Payment, actor: User) -> Payment:
    access.require_change(actor, payment.network)
    return (
        Payment.objects.select_for_update()
        .select_related("network__programme", "firm")
        .get(pk=payment.pk)
    )


@transaction.atomic
def payment_update(*, payment: Payment, actor: User, reason: str = "", **fields) -> Payment:
    """Correct a payment's `date`, `amount` or `reference` (the firm stays: a payment of the
    wrong firm is deleted and recorded again). Always with a `reason`, kept in the history."""
    unknown = set(fields) - {"date", "amount", "reference"}
    if unknown:
        raise TypeError(f"payment_update() got unexpected fields: {', '.join(sorted(unknown))}")
    payment = _locked_payment(payment, actor)
    if "reference" in fields:
        fields["reference"] = (fields["reference"] or "").strip()[:120]
    date, amount = fields.get("date", payment.date), fields.get("amount", payment.amount)
    errors = _payment_errors(payment.network, payment.firm, date, amount)
    errors.pop("firm", None)  # a member then, so still one for its dues
    if errors:
        raise ValidationError(errors)
    if "amount" in fields:
        fields["amount"] = round_money(amount, payment.network.programme.currency)
    changed = [name for name, value in fields.items() if getattr(payment, name) != value]
    reason = history_services.clean_reason(
        reason,
        needed=bool(changed) and history_services.payment_needs_reason(payment),
        message=history_services.PAYMENT_REASON_REQUIRED,
    )
    for name in changed:
        setattr(payment, name, fields[name])
    if changed:
        history_services.with_reason(payment, actor=actor, reason=reason).save(
            update_fields=changed
        )
    return payment


@transaction.atomic
def payment_delete(*, payment: Payment, actor: User, reason: str = "") -> None:
    """Remove a payment recorded by mistake (twice, or for the wrong firm), with a `reason`
    kept in the history; the firm's balance is read again from what remains."""
    payment = _locked_payment(payment, actor)
    reason = history_services.clean_reason(
        reason, needed=history_services.payment_needs_reason(payment),
        message=history_services.PAYMENT_REASON_REQUIRED,
    )  # fmt: skip
    history_services.with_reason(payment, actor=actor, reason=reason).delete()


@transaction.atomic
def share_weights_set(*, network: Network, actor: User, weights: dict) -> None:
    """Set each active member's weight in the firms' part; they must add up to 100%.

    `weights` maps firms to percentages. An empty mapping goes back to equal shares.
    """
    access.require_change(actor, network)
    locked = lock_network(network)
    if not weights:
        locked.share_mode = Network.ShareMode.EQUAL
        locked.save(update_fields=["share_mode"])
        ShareWeight.objects.filter(network=locked).delete()
        return
    active = {m.firm_id: m.firm for m in Membership.objects.filter(
        network=locked, left_on__isnull=True).select_related("firm")}  # fmt: skip
    errors = _share_errors(
        weights, active, WEIGHTS_NOT_100, WEIGHT_NEGATIVE, WEIGHT_NOT_MEMBER, WEIGHT_MISSING
    )
    if errors:
        raise ValidationError(errors)
    ShareWeight.objects.filter(network=locked).delete()
    ShareWeight.objects.bulk_create(
        ShareWeight(network=locked, firm=firm, percent=Decimal(percent))
        for firm, percent in weights.items()
    )
    locked.share_mode = Network.ShareMode.WEIGHTED
    locked.save(update_fields=["share_mode"])


def _share_errors(shares: dict, active: dict, not_100, negative, not_member, missing) -> list:
    """Every problem with a set of shares: all listed, not only the first."""
    errors = []
    for firm, percent in shares.items():
        if firm.pk not in active:
            errors.append(not_member % {"firm": firm.name})
        if percent is None or Decimal(percent) < 0:
            errors.append(negative % {"firm": firm.name})
    given = {firm.pk for firm in shares}
    for firm_id, firm in active.items():
        if firm_id not in given:
            errors.append(missing % {"firm": firm.name})
    total = sum((Decimal(p) for p in shares.values() if p is not None), Decimal(0))
    if total != HUNDRED:
        errors.append(not_100 % {"total": f"{total.normalize():f}"})
    return errors


# --- the due date ---------------------------------------------------------------------------


@transaction.atomic
def term_extend(
    *,
    network: Network,
    actor: User,
    new_due_date: datetime.date,
    reason: str,
    agency_percent: Decimal | None = None,
):
    """Agency staff grant more time: the handover becomes due later, and the agency pays
    `agency_percent` of the salary until then (by default the last year's rate)."""
    if agency_percent is None:
        schedule = network.programme.agency_share_schedule or [0]
        agency_percent = Decimal(str(schedule[-1]))
    if not isinstance(agency_percent, Decimal) or not 0 <= agency_percent <= HUNDRED:
        raise ValidationError({"agency_percent": [EXTENSION_RATE_INVALID]})
    return _term_change(
        network, actor, new_due_date, reason, TermChange.Kind.EXTENSION, agency_percent
    )


@transaction.atomic
def early_handover_allow(
    *, network: Network, actor: User, new_due_date: datetime.date, reason: str
):
    """Agency staff allow the handover before the end of the term."""
    return _term_change(network, actor, new_due_date, reason, TermChange.Kind.EARLY_HANDOVER)


def _term_change(network, actor, new_due, reason, kind, agency_percent=None) -> TermChange:
    access.require_agency(actor, network)
    locked = lock_network(network)
    if locked.phase != Network.Phase.CONSOLIDATION:
        raise ConflictError(NOT_IN_CONSOLIDATION)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [EXTENSION_REASON_REQUIRED]
    current = locked.handover_due
    if new_due is None:
        errors["new_due_date"] = [_("Give the new due date.")]
    elif kind == TermChange.Kind.EXTENSION and new_due <= current:
        errors["new_due_date"] = [EXTENSION_NOT_LATER % {"date": day(current)}]
    elif kind == TermChange.Kind.EARLY_HANDOVER and new_due >= current:
        errors["new_due_date"] = [EARLY_NOT_EARLIER % {"date": day(current)}]
    elif new_due < locked.term_start:
        errors["new_due_date"] = [EARLY_BEFORE_START % {"date": day(locked.term_start)}]
    if errors:
        raise ValidationError(errors)
    change = TermChange.objects.create(
        network=locked, kind=kind, previous_due=current, new_due=new_due,
        reason=reason.strip(), actor=actor, agency_percent=agency_percent,
    )  # fmt: skip
    locked.handover_due = new_due
    locked.save(update_fields=["handover_due"])
    network.handover_due = new_due
    return change


# --- the handover ---------------------------------------------------------------------------


def _handover_errors(network, date, manager, monthly_salary, commitments) -> list:
    errors = []
    if network.phase != Network.Phase.CONSOLIDATION:
        errors.append(str(NOT_IN_CONSOLIDATION))
    if date is None:
        errors.append(str(_("Give the handover date.")))
    elif network.handover_due and date < network.handover_due:
        errors.append(str(HANDOVER_TOO_EARLY % {"due": day(network.handover_due)}))
    for messages in manager_errors(network, manager, monthly_salary, date).values():
        errors.extend(str(m) for m in messages)
    active = {m.firm_id: m.firm for m in Membership.objects.filter(
        network=network, left_on__isnull=True).select_related("firm")}  # fmt: skip
    errors += [str(e) for e in _share_errors(
        commitments, active, HANDOVER_SHARES_NOT_100, HANDOVER_SHARE_NEGATIVE,
        HANDOVER_FIRM_NOT_MEMBER, HANDOVER_FIRM_MISSING,
    )]  # fmt: skip
    return errors


@transaction.atomic
def handover_propose(
    *,
    network: Network,
    actor: User,
    date: datetime.date,
    manager: User,
    monthly_salary: Decimal,
    commitments: dict,
    reason: str = "",
) -> Handover:
    """The facilitator proposes the handover: date, the manager who continues (or a new one),
    the new salary, and each active firm's committed share (adding up to exactly 100%).

    Refused with every reason listed. A new proposal replaces an open one, which is withdrawn
    with its commitments kept as they were; that needs a `reason`, kept in the history.
    """
    access.require_change(actor, network)
    locked = lock_network(network)
    errors = _handover_errors(locked, date, manager, monthly_salary, commitments)
    if errors:
        raise ValidationError(errors)
    reason = history_services.clean_reason(
        reason, needed=history_services.handover_needs_reason(locked),
        message=history_services.HANDOVER_REASON_REQUIRED,
    )  # fmt: skip
    for open_one in Handover.objects.filter(network=locked, status=Handover.Status.PROPOSED):
        open_one.status = Handover.Status.WITHDRAWN
        history_services.with_reason(open_one, actor=actor, reason=reason).save(
            update_fields=["status"]
        )
    handover = Handover.objects.create(
        network=locked, date=date, manager=manager, monthly_salary=monthly_salary,
        proposed_by=actor,
    )  # fmt: skip
    bulk_create_with_history(
        [
            HandoverCommitment(handover=handover, firm=firm, share_percent=Decimal(share))
            for firm, share in commitments.items()
        ],
        HandoverCommitment,
        default_user=actor,
    )
    notification_services.handover_proposed(handover)
    return handover


@transaction.atomic
def handover_confirm(*, network: Network, actor: User) -> Handover:
    """Agency staff confirm the proposed handover: all of it in one transaction.

    The network moves to independence (a PhaseTransition), the agency's share becomes 0 from
    the next month, dues follow the committed shares, and the manager's appointment continues
    with the new salary (or passes to the new manager). The network row is locked, so two
    confirmations at once give one result: the second finds it confirmed.
    """
    access.require_agency(actor, network)
    locked = lock_network(network)
    if (
        locked.phase == Network.Phase.INDEPENDENCE
        or Handover.objects.filter(network=locked, status=Handover.Status.CONFIRMED).exists()
    ):
        raise ConflictError(HANDOVER_ALREADY_CONFIRMED)
    handover = (
        Handover.objects.select_for_update()
        .filter(network=locked, status=Handover.Status.PROPOSED)
        .first()
    )
    if handover is None:
        raise ConflictError(HANDOVER_NONE_PROPOSED)
    if handover.proposed_by_id == actor.pk:
        raise ValidationError(HANDOVER_FOUR_EYES)
    commitments = {c.firm: c.share_percent for c in handover.commitments.select_related("firm")}
    errors = _handover_errors(
        locked, handover.date, handover.manager, handover.monthly_salary, commitments
    )
    if errors:
        raise ValidationError(errors)  # the group changed since the proposal
    handover.status = Handover.Status.CONFIRMED
    handover.confirmed_by, handover.confirmed_at = actor, timezone.now()
    handover.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    current = (
        ManagerAppointment.objects.select_for_update()
        .filter(network=locked, end_date__isnull=True)
        .first()
    )
    if current is None or (current.person_id, current.monthly_salary) != (
        handover.manager_id,
        handover.monthly_salary,
    ):
        if current is not None:
            current.end_date = max(handover.date, current.start_date)
            current.end_reason = str(_("Handover to the member firms"))
            current.save(update_fields=["end_date", "end_reason"])
        ManagerAppointment.objects.create(
            network=locked, person=handover.manager, start_date=handover.date,
            monthly_salary=handover.monthly_salary, appointed_by=actor,
        )  # fmt: skip
    locked.handed_over_on = handover.date
    locked.facilitator = handover.manager
    locked.save(update_fields=["handed_over_on", "facilitator"])
    phase_transition(
        network=locked, to_phase=Network.Phase.INDEPENDENCE, actor=actor,
        reason=_("Handover confirmed: the member firms take over the whole salary."),
    )  # fmt: skip
    network.refresh_from_db()
    return handover


# --- the periodic jobs (networks/tasks.py) ---------------------------------------------------


def dues_catch_up_all(*, until: datetime.date | None = None) -> int:
    """Charge every running network's months so far (the daily job and `generate_dues`)."""
    running = Network.objects.filter(
        phase__in=[Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE],
        term_start__isnull=False,
    ).select_related("programme")
    return sum(dues_catch_up(network=network, until=until) for network in running)


def arrears_check(*, today: datetime.date | None = None) -> int:
    """Tell the facilitator and the firm's users when a firm falls into arrears: once when it
    starts, not every day it lasts. An EventNotified row marks a firm known to be in arrears;
    it goes when the firm is clear again, so a later fall is told anew. Returns how many firms
    were newly in arrears."""
    today = today or timezone.localdate()
    running = Network.objects.filter(
        phase__in=[Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE],
        term_start__isnull=False,
    ).select_related("programme", "facilitator")
    told = 0
    for network in running:
        prefix = f"{network.pk}:"
        in_arrears = {
            b.firm.pk: b for b in term_selectors.balances(network, today=today) if b.in_arrears
        }
        with transaction.atomic():
            EventNotified.objects.filter(
                kind=Kind.ARREARS_BEGAN, network=network, key__startswith=prefix
            ).exclude(key__in=[f"{prefix}{pk}" for pk in in_arrears]).delete()
            for firm_pk, balance in in_arrears.items():
                if notification_services.event_once(
                    kind=Kind.ARREARS_BEGAN, key=f"{prefix}{firm_pk}", network=network
                ):
                    notification_services.arrears_began(network, balance)
                    told += 1
    return told
