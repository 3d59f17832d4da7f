"""Reads for the term: balances, arrears, ledgers, handover readiness and warnings."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.dates import add_months, months_between
from networks.models import (
    Activity,
    Due,
    Firm,
    Handover,
    JointAction,
    Membership,
    MonthlyCharge,
    Network,
    Payment,
)
from networks.services.term import first_of_month

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))


def arrears_cutoff(network: Network, today: datetime.date | None = None) -> datetime.date:
    """Dues of months up to this one (inclusive) are older than the arrears limit.

    A month's dues fall due on its last day, and become arrears `arrears_days` later.
    """
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=network.programme.arrears_days)
    # Month M is old enough when its last day <= limit, i.e. M + 1 month <= first of (limit + 1).
    return add_months(first_of_month(limit + datetime.timedelta(days=1)), -1)


@dataclass
class Balance:
    firm: Firm
    owed: Decimal
    paid: Decimal
    overdue_owed: Decimal  # dues old enough to be arrears if unpaid

    @property
    def balance(self) -> Decimal:
        return self.owed - self.paid

    @property
    def arrears(self) -> Decimal:
        """Payments settle the oldest dues first, so what is unpaid of the old dues is arrears."""
        return max(Decimal(0), self.overdue_owed - self.paid)

    @property
    def in_arrears(self) -> bool:
        return self.arrears > 0


def balances(network: Network, *, firms=None, today: datetime.date | None = None) -> list[Balance]:
    """Owed, paid, balance and arrears per firm of the network (three queries in all).

    `firms` narrows the rows (a firm member sees only their own firm's row).
    """
    cutoff = arrears_cutoff(network, today)
    dues = Due.objects.filter(network=network)
    payments = Payment.objects.filter(network=network)
    members = Membership.objects.filter(network=network)
    if firms is not None:
        dues, payments = dues.filter(firm__in=firms), payments.filter(firm__in=firms)
        members = members.filter(firm__in=firms)
    owed = {
        row["firm"]: row
        for row in dues.values("firm").annotate(
            owed=Sum("amount"), old=Coalesce(Sum("amount", filter=Q(month__lte=cutoff)), ZERO)
        )
    }
    paid = dict(payments.values("firm").annotate(total=Sum("amount")).values_list("firm", "total"))
    firm_ids = set(owed) | set(paid) | set(members.values_list("firm_id", flat=True))
    firms_by_id = Firm.objects.in_bulk(firm_ids)
    rows = [
        Balance(
            firm=firms_by_id[firm_id],
            owed=owed.get(firm_id, {}).get("owed") or Decimal(0),
            paid=paid.get(firm_id) or Decimal(0),
            overdue_owed=owed.get(firm_id, {}).get("old") or Decimal(0),
        )
        for firm_id in firm_ids
    ]
    return sorted(rows, key=lambda b: b.firm.name)


def contributions_for(user, network: Network) -> list[Balance]:
    """The ledger summary a user may see: everything for the facilitator and the agency, only
    their own firm's row for a firm member."""
    if access.can_change_network(user, network):
        return balances(network)
    return balances(network, firms=access.firms_with_visible_figures(user))


@dataclass
class LedgerLine:
    date: datetime.date
    kind: str  # "due" or "payment"
    label: str
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    balance: Decimal = Decimal(0)


def firm_ledger(network: Network, firm: Firm) -> list[LedgerLine]:
    """A firm's dues and payments in date order with the running balance (two queries)."""
    lines = [
        LedgerLine(
            d.month, "due", _("Dues for %(month)s") % {"month": f"{d.month:%m-%Y}"}, debit=d.amount
        )  # fmt: skip
        for d in Due.objects.filter(network=network, firm=firm).order_by("month")
    ]
    lines += [
        LedgerLine(p.date, "payment", p.reference or str(_("Payment")), credit=p.amount)
        for p in Payment.objects.filter(network=network, firm=firm).order_by("date", "pk")
    ]
    lines.sort(key=lambda line: (line.date, line.kind != "due"))
    running = Decimal(0)
    for line in lines:
        running += line.debit - line.credit
        line.balance = running
    return lines


def cost_share_over_term(network: Network) -> list[MonthlyCharge]:
    return list(MonthlyCharge.objects.filter(network=network).order_by("month"))


# --- the clock ------------------------------------------------------------------------------


@dataclass
class Clock:
    due: datetime.date | None
    days_left: int | None  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue else 0


def clock(network: Network, today: datetime.date | None = None) -> Clock:
    """Days to the handover, or overdue; nothing once handed over or before the term."""
    today = today or timezone.localdate()
    if network.handover_due is None or network.phase != Network.Phase.CONSOLIDATION:
        return Clock(network.handover_due, None)
    return Clock(network.handover_due, (network.handover_due - today).days)


def warning(network: Network, today: datetime.date | None = None) -> str:
    """The on-screen reminder that matches the e-mails (empty when none applies)."""
    today = today or timezone.localdate()
    state = clock(network, today)
    if state.days_left is None:
        return ""
    if state.overdue:
        return str(
            _("The handover was due on %(date)s: %(days)s days overdue.")
            % {"date": date_format(state.due), "days": state.days_overdue}
        )
    offsets = sorted(network.programme.reminder_offsets_months or [])
    for months in offsets:
        if today >= add_months(state.due, -months):
            return str(
                _("The handover is due on %(date)s, in %(days)s days.")
                % {"date": date_format(state.due), "days": state.days_left}
            )
    return ""


# --- readiness ------------------------------------------------------------------------------


@dataclass
class ReadinessItem:
    key: str
    label: str
    met: bool | None  # None: not available yet
    detail: str = ""


@dataclass
class Readiness:
    items: list[ReadinessItem] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(1 for item in self.items if item.met)

    @property
    def total(self) -> int:
        return len(self.items)


def readiness(network: Network, today: datetime.date | None = None) -> Readiness:
    """The handover checklist: each item met or unmet, and the score."""
    today = today or timezone.localdate()
    programme = network.programme
    active = Membership.objects.filter(network=network, left_on__isnull=True).count()
    in_arrears = [b for b in balances(network, today=today) if b.in_arrears]
    six_months_ago = add_months(today, -6)
    window_start = max(six_months_ago, network.term_start or six_months_ago)
    months = max(1, months_between(window_start, today) or 1)
    recent = Activity.objects.filter(network=network, date__gt=window_start, date__lte=today)
    activity_count = recent.count()
    done = JointAction.objects.filter(network=network, status=JointAction.Status.DONE).count()
    handover = (
        Handover.objects.filter(network=network, status__in=["proposed", "confirmed"])
        .annotate(total=Sum("commitments__share_percent"), firms=Count("commitments"))
        .order_by("-proposed_at")
        .first()
    )
    evaluation = _latest_evaluation_date(network)
    items = [
        ReadinessItem(
            "members",
            _("Active members at or above the programme minimum (%(min)s)")
            % {"min": programme.min_firms},
            active >= programme.min_firms,
            _("%(count)s active members") % {"count": active},
        ),
        ReadinessItem(
            "arrears",
            _("No firm in arrears"),
            not in_arrears,
            ", ".join(b.firm.name for b in in_arrears),
        ),
        ReadinessItem(
            "activity",
            _("At least one activity a month over the last 6 months"),
            activity_count >= months,
            _("%(count)s activities in %(months)s months")
            % {"count": activity_count, "months": months},
        ),
        ReadinessItem(
            "joint_action",
            _("At least one completed joint action"),
            done > 0,
            _("%(count)s completed") % {"count": done},
        ),
        ReadinessItem(
            "evaluation",
            _("An evaluation recorded in the last 12 months"),
            None
            if evaluation is False
            else bool(evaluation and evaluation >= add_months(today, -12)),
            str(_("not available yet")) if evaluation is False else "",
        ),
        ReadinessItem(
            "commitments",
            _("Firms' commitments covering 100% of the salary"),
            bool(handover and handover.total == Decimal(100)),
            "",
        ),
    ]
    return Readiness(items)


def _latest_evaluation_date(network: Network):
    """The date of the latest evaluation, None when there is none, or False while the
    evaluation feature does not exist yet."""
    try:
        from networks.models import Evaluation
    except ImportError:
        return False
    return Evaluation.objects.filter(network=network).aggregate(last=Max("date"))["last"]
