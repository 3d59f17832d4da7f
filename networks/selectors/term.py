"""Reads for the term: balances, arrears, ledgers, handover readiness and warnings."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DateField, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from networks import access, rules
from networks.lib.dates import add_months, first_of_month, last_of_month, months_between
from networks.lib.money import split_percent
from networks.models import (
    Activity,
    Due,
    Evaluation,
    Firm,
    Handover,
    HandoverCommitment,
    JointAction,
    Membership,
    MonthlyCharge,
    Network,
    Payment,
)
from networks.rules import (
    OPEN_OR_CONFIRMED,
    READINESS_EVALUATION_MONTHS,
    READINESS_WINDOW_MONTHS,
    month_amounts,
    month_terms,
)
from networks.selectors.sql import ZERO_MONEY


def arrears_cutoff(network: Network, today: datetime.date | None = None) -> datetime.date:
    """Dues of months up to this one (inclusive) are older than the arrears limit.

    A month's dues fall due on its last day, and become arrears `arrears_days` later.
    """
    return rules.arrears_cutoff(network.programme.arrears_days, today or timezone.localdate())


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


def balances(
    network: Network, *, firms=None, today: datetime.date | None = None, memberships=None
) -> list[Balance]:
    """Owed, paid, balance and arrears per firm of the network (two queries in all: the dues
    and payments summed per firm, and the member firms).

    `firms` narrows the rows (a firm member sees only their own firm's row). The network page
    gives the `memberships` it has read already (with their firm), which saves the second
    query; they must be narrowed like `firms`.
    """
    cutoff = arrears_cutoff(network, today)
    dues = Due.objects.filter(network=network)
    payments = Payment.objects.filter(network=network)
    if firms is not None:
        dues, payments = dues.filter(firm__in=firms), payments.filter(firm__in=firms)
    owed_and_old = dues.values("firm").annotate(
        owed=Sum("amount"),
        old=Coalesce(Sum("amount", filter=Q(month__lte=cutoff)), ZERO_MONEY),
        paid=ZERO_MONEY,
    )
    paid = payments.values("firm").annotate(owed=ZERO_MONEY, old=ZERO_MONEY, paid=Sum("amount"))
    sums: dict[int, dict] = {}
    for row in owed_and_old.order_by().union(paid.order_by(), all=True):
        firm_sums = sums.setdefault(row["firm"], dict.fromkeys(("owed", "old", "paid"), Decimal(0)))
        for name in ("owed", "old", "paid"):
            firm_sums[name] += row[name] or Decimal(0)
    if memberships is None:
        memberships = Membership.objects.filter(network=network).select_related("firm")
        if firms is not None:
            memberships = memberships.filter(firm__in=firms)
    firms_by_id = {m.firm_id: m.firm for m in memberships}
    # A firm with dues or payments but no membership row any more still gets its row.
    missing = set(sums) - set(firms_by_id)
    if missing:
        firms_by_id.update(Firm.objects.in_bulk(missing))
    nothing = dict.fromkeys(("owed", "old", "paid"), Decimal(0))
    rows = [
        Balance(
            firm=firm,
            owed=sums.get(firm_id, nothing)["owed"],
            paid=sums.get(firm_id, nothing)["paid"],
            overdue_owed=sums.get(firm_id, nothing)["old"],
        )
        for firm_id, firm in firms_by_id.items()
    ]
    return sorted(rows, key=lambda b: b.firm.name)


def visible_balances(user, network: Network, rows: list[Balance]) -> list[Balance]:
    """`contributions_for` out of rows already read for every firm of the network."""
    if access.can_change_network(user, network):
        return rows
    # Whoever sees a network without changing it is a user of a member firm, and
    # firms_with_visible_figures gives them their own firm only.
    firm_id = user.firm_id if user.is_firm_member else None
    return [row for row in rows if firm_id is not None and row.firm.pk == firm_id]


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
    payment_id: int | None = None  # for a payment line: the row to correct


def firm_ledger(network: Network, firm: Firm) -> list[LedgerLine]:
    """A firm's dues and payments in date order with the running balance (two queries)."""
    lines = [
        LedgerLine(
            d.month, "due", _("Dues for %(month)s") % {"month": f"{d.month:%m-%Y}"}, debit=d.amount
        )  # fmt: skip
        for d in Due.objects.filter(network=network, firm=firm).order_by("month")
    ]
    lines += [
        LedgerLine(
            p.date, "payment", p.reference or str(_("Payment")), credit=p.amount, payment_id=p.pk
        )
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


def month_split_totals(
    network: Network, month: datetime.date, *, appointments, memberships, extensions=None
) -> dict:
    """The totals of services.term.month_split (not each firm's due), out of the network's
    appointments and memberships already read: the same rules, without its queries."""
    first, last = first_of_month(month), last_of_month(month)
    in_force = [
        a for a in appointments if a.start_date <= last and not (a.end_date and a.end_date < first)
    ]
    appointment = max(in_force, key=lambda a: (a.start_date, a.pk), default=None)
    salary = appointment.monthly_salary if appointment else Decimal(0)
    terms = month_terms(network, month, extensions)
    salary, agency_amount = month_amounts(salary, terms, network.programme.currency)
    percent = terms.rounded_percent
    firms_amount = salary - agency_amount
    if not any(m.joined_on <= last and not (m.left_on and m.left_on < first) for m in memberships):
        # Nobody to charge: the agency carries the month rather than lose the amount.
        agency_amount, firms_amount = salary, Decimal(0)
    return {
        "salary": salary,
        "agency_percent": percent,
        "agency_amount": agency_amount,
        "firms_amount": firms_amount,
    }


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


@dataclass(frozen=True)
class ReadinessFacts:
    """What the checklist is made of. The network page gives the facts from rows it has read
    for its other sections; `readiness_facts` reads them for everyone else."""

    active_members: int
    in_arrears: list[Balance]
    activities_in_window: int  # activities after `readiness_window`'s start, up to today
    done_joint_actions: int
    last_evaluation: datetime.date | None
    commitments_total: Decimal | None  # of the open or confirmed handover, None without one


def readiness_window(network: Network, today: datetime.date) -> tuple[datetime.date, int]:
    """The start of the activity item's window (the last 6 months, or since the term
    started) and its length in months."""
    six_months_ago = add_months(today, -READINESS_WINDOW_MONTHS)
    window_start = max(six_months_ago, network.term_start or six_months_ago)
    return window_start, max(1, months_between(window_start, today) or 1)


def _one_of(rows, function: str, field_name: str, output_field) -> Subquery:
    """FUNCTION(field) over a correlated subquery's rows: one value per outer row."""
    return Subquery(
        rows.order_by().values(v=Func(F(field_name), function=function))[:1],
        output_field=output_field,
    )


def readiness_facts(network: Network, today: datetime.date) -> ReadinessFacts:
    """The facts, read for the checklist alone: the balances (two queries), and one query
    whose subqueries give the counts, the latest evaluation and the handover's commitments."""
    window_start, _months = readiness_window(network, today)
    here = OuterRef("pk")
    handover = (
        Handover.objects.filter(network=OuterRef(here), status__in=OPEN_OR_CONFIRMED)
        .order_by("-proposed_at", "-pk")
        .values("pk")[:1]
    )
    members = Membership.objects.filter(network=here, left_on__isnull=True)
    held = Activity.objects.filter(network=here, date__gt=window_start, date__lte=today)
    done = JointAction.objects.filter(network=here, status=JointAction.Status.DONE)
    evaluations = Evaluation.objects.filter(network=here)
    commitments = HandoverCommitment.objects.filter(handover=Subquery(handover))
    share = HandoverCommitment._meta.get_field("share_percent")
    row = (
        Network.objects.filter(pk=network.pk)
        .values(
            n_active=_one_of(members, "COUNT", "pk", IntegerField()),
            n_held=_one_of(held, "COUNT", "pk", IntegerField()),
            n_done=_one_of(done, "COUNT", "pk", IntegerField()),
            last_evaluated=_one_of(evaluations, "MAX", "date", DateField()),
            committed=_one_of(commitments, "SUM", "share_percent", share),
        )
        .get()
    )
    return ReadinessFacts(
        active_members=row["n_active"],
        in_arrears=[b for b in balances(network, today=today) if b.in_arrears],
        activities_in_window=row["n_held"],
        done_joint_actions=row["n_done"],
        last_evaluation=row["last_evaluated"],
        commitments_total=row["committed"],
    )


def readiness(
    network: Network, today: datetime.date | None = None, *, facts: ReadinessFacts | None = None
) -> Readiness:
    """The handover checklist: each item met or unmet, and the score."""
    today = today or timezone.localdate()
    facts = facts or readiness_facts(network, today)
    programme = network.programme
    _window_start, months = readiness_window(network, today)
    evaluation = facts.last_evaluation
    items = [
        ReadinessItem(
            "members",
            _("Active members at or above the programme minimum (%(min)s)")
            % {"min": programme.min_firms},
            facts.active_members >= programme.min_firms,
            _("%(count)s active members") % {"count": facts.active_members},
        ),
        ReadinessItem(
            "arrears",
            _("No firm in arrears"),
            not facts.in_arrears,
            ", ".join(b.firm.name for b in facts.in_arrears),
        ),
        ReadinessItem(
            "activity",
            _("At least one activity a month over the last 6 months"),
            facts.activities_in_window >= months,
            _("%(count)s activities in %(months)s months")
            % {"count": facts.activities_in_window, "months": months},
        ),
        ReadinessItem(
            "joint_action",
            _("At least one completed joint action"),
            facts.done_joint_actions > 0,
            _("%(count)s completed") % {"count": facts.done_joint_actions},
        ),
        ReadinessItem(
            "evaluation",
            _("An evaluation recorded in the last 12 months"),
            bool(evaluation and evaluation >= add_months(today, -READINESS_EVALUATION_MONTHS)),
            "",
        ),
        ReadinessItem(
            "commitments",
            _("Firms' commitments covering 100% of the salary"),
            facts.commitments_total == Decimal(100),
            "",
        ),
    ]
    return Readiness(items)


# --- reads the pages share ------------------------------------------------------------------


HANDOVER_NO_DUES_TO_SPLIT_BY = _(
    "No dues were charged in the last twelve months, so there is nothing to split by: split "
    "equally, or type the shares."
)
SPLIT_EQUALLY = "equal"
SPLIT_BY_DUES = "dues"


def dues_in_last_year(network: Network, today: datetime.date | None = None) -> dict[int, Decimal]:
    """Each firm's dues for the twelve months up to `today` (one query): what it pays now."""
    since = add_months(first_of_month(today or timezone.localdate()), -11)
    rows = (
        Due.objects.filter(network=network, month__gte=since)
        .values("firm")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["firm"]: row["total"] for row in rows}


def handover_split(network: Network, firms: list, how: str) -> dict[int, Decimal] | None:
    """Shares in % for the handover form's "split equally" and "by current dues", adding up to
    exactly 100.00, the hundredths left over on the first firms in the form's order. None when
    there are no dues to split by."""
    if how == SPLIT_BY_DUES:
        dues = dues_in_last_year(network)
        weights = [(firm.pk, dues.get(firm.pk, Decimal(0))) for firm in firms]
        if not any(weight > 0 for _pk, weight in weights):
            return None
    else:
        weights = [(firm.pk, Decimal(1)) for firm in firms]
    return split_percent(weights) if weights else {}


def current_handover(network: Network) -> Handover | None:
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


def contributions_summary(rows: list, *, sees_all: bool) -> dict:
    in_arrears = [row for row in rows if row.in_arrears]
    return {
        "sees_all": sees_all,
        "rows": rows,
        "in_arrears_count": len(in_arrears),
        "arrears_total": sum((row.arrears for row in in_arrears), Decimal(0)),
        "owed_total": sum((row.owed for row in rows), Decimal(0)),
        "paid_total": sum((row.paid for row in rows), Decimal(0)),
        "balance_total": sum((row.balance for row in rows), Decimal(0)),
    }
