"""Building the scale data set: the Builder plans every network (plan.Planning), then writes
the tables step by step, children after their parents (work.WorkRows and its own steps)."""

import datetime
import random
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from networks.lib.dates import add_months, first_of_month, last_of_month
from networks.lib.money import split
from networks.models import (
    ActivityType,
    Agency,
    Application,
    ApplicationEvent,
    CheckIn,
    Criterion,
    Due,
    Firm,
    Handover,
    HandoverCommitment,
    JointActionType,
    ManagerAppointment,
    Membership,
    MonthlyCharge,
    Network,
    Payment,
    PhaseTransition,
    ReminderSent,
    ShareWeight,
    SupportProvider,
    SupportService,
    TermChange,
    User,
)
from networks.rules import month_amounts, month_terms
from networks.seed.scale.data import (
    AGENCIES,
    CATALOGUE,
    CURRENCY,
    DAY,
    FIRST_NAMES,
    LEAVE_REASONS,
    PASSWORD,
    RETURN_REASON,
    SURNAMES,
    UTC,
    rut,
)
from networks.seed.scale.plan import Member, Options, Plan, Planning
from networks.seed.scale.records import RecordRows
from networks.seed.scale.work import WorkRows
from networks.seed.scale.write import Copier, TableWriter
from networks.services import programmes as programme_services

SCALE_EXISTS = "Scale data exists already (agencies {names}). Run seed_scale --reset to replace it."
RUTS_TAKEN = (
    "Firms with the scale tax ids ({first} and up) exist outside the scale agencies; "
    "seed_scale will not overwrite them."
)


def _at(day: datetime.date, hour: int = 15) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


class ScaleDataExists(Exception):
    pass


def check_absent() -> None:
    """Refuse when the scale agencies or the scale tax ids are already in the database."""
    names = list(Agency.objects.filter(name__in=AGENCIES).values_list("name", flat=True))
    if names:
        raise ScaleDataExists(SCALE_EXISTS.format(names=", ".join(sorted(names))))
    # The first hundred tell; a clash further up still fails on the unique tax id, atomically.
    if Firm.objects.filter(tax_id__in=[rut(i) for i in range(100)]).exists():
        raise ScaleDataExists(RUTS_TAKEN.format(first=rut(0)))


def build(options: Options, log: Callable[[str], None]) -> Counter:
    """Write the whole scale set; the caller holds the transaction. Returns rows per table."""
    check_absent()
    return Builder(options, log).run()


class Builder(Planning, WorkRows, RecordRows):
    """Plans every network in memory first (small: members, dates, managers), then writes the
    tables step by step, children after their parents."""

    def __init__(self, options: Options, log):
        self.o, self.log = options, log
        self.rng = random.Random(options.seed)
        self.today = options.today or timezone.localdate()
        self.now = timezone.now()
        self.use_copy = options.use_copy and connection.vendor == "postgresql"
        self.copier: Copier | None = None
        self.counts: Counter = Counter()
        self.seconds: Counter = Counter()  # time spent writing, per table
        self._next_id: dict = {}
        self.names: dict[int, str] = {}

    def run(self) -> Counter:
        if connection.vendor == "postgresql":
            # Check each foreign key as its batch lands, rather than queueing millions of
            # checks until the commit (writers flush their parents first, so order holds).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if self.use_copy:
            self.copier = Copier(self.seconds)
        try:
            self._steps()
        finally:
            if self.copier is not None:
                # Before anything else uses the connection, even the rollback of a failure.
                self.copier.close()
        return self.counts

    def _drain(self) -> None:
        if self.copier is not None:
            self.copier.drain()

    def _steps(self) -> None:
        for label, step in (
            ("agencies, programmes, catalogue, staff", self._agencies),
            ("firms and networks planned", self._plan),
            ("firms", self._firms),
            ("users", self._users),
            ("networks and their set-up", self._networks),
            ("goals and diagnoses", self._goals),
            ("firm indicators and service take-up", self._indicators),
            ("evaluations", self._evaluations),
            ("activities and attendance", self._activities),
            ("joint actions", self._joint_actions),
            ("charges, dues and payments", self._money),
            ("the broker's records", self._records),
        ):
            started, before = time.monotonic(), Counter(self.counts)
            step()
            self._drain()
            added = self.counts - before
            rows = ", ".join(
                f"{table} {n:,} ({self.seconds[table]:.1f} s)" for table, n in added.items()
            )
            self.log(f"{label}: {time.monotonic() - started:.1f} s; {rows or 'planned'}")

    # --- helpers ----------------------------------------------------------------------------

    def writer(self, model, fields: list[str], parent: TableWriter | None = None) -> TableWriter:
        return TableWriter(
            model, fields, copier=self.copier, counts=self.counts, seconds=self.seconds,
            parent=parent,
        )  # fmt: skip

    def ids(self, model, count: int) -> list[int]:
        """Primary keys for `count` new rows, so that children can point at them."""
        if count <= 0:
            return []
        self._drain()  # the connection is free only once every queued batch is in
        if connection.vendor == "postgresql":
            # nextval keeps the sequence right for whoever inserts next, COPY or not.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column,
                     count],
                )  # fmt: skip
                return [row[0] for row in cursor.fetchall()]
        start = self._next_id.get(model)
        if start is None:
            start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self._next_id[model] = start + count
        return list(range(start, start + count))

    def at(self, day: datetime.date, hour: int = 15) -> datetime.datetime:
        return min(_at(day, hour), self.now)

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        span = (last - first).days
        return first + datetime.timedelta(days=self.rng.randint(0, span)) if span > 0 else first

    def person(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)

    # --- step 1: agencies -------------------------------------------------------------------

    def _agencies(self) -> None:
        self.programmes, self.services, self.staff = [], [], []
        self.password = make_password(PASSWORD)  # hashing is slow on purpose: once for all
        for index, (agency_name, programme_name) in enumerate(AGENCIES.items()):
            agency = Agency.objects.create(name=agency_name)
            # The service gives the programme its default types and the twelve criteria.
            programme = programme_services.programme_create(agency=agency, name=programme_name)
            self.programmes.append(programme)
            providers = SupportProvider.objects.bulk_create(
                SupportProvider(agency=agency, name=name) for name in CATALOGUE
            )
            services = SupportService.objects.bulk_create(
                SupportService(provider=provider, name=name, category=category)
                for provider in providers
                for name, category in CATALOGUE[provider.name]
            )
            self.services.append([s.pk for s in services])
            prefix = "scale." if index == 0 else "scale.south."
            people = [
                (f"{prefix}officer", User.Role.AGENCY_STAFF),
                (f"{prefix}officer2", User.Role.AGENCY_STAFF),
                (f"{prefix}admin", User.Role.AGENCY_ADMIN),
            ]
            self.staff.append(User.objects.bulk_create(
                self._user(username, role, agency=agency) for username, role in people
            ))  # fmt: skip
            self.counts["Agency"] += 1
            self.counts["Programme"] += 1
            self.counts["SupportProvider"] += len(providers)
            self.counts["SupportService"] += len(services)
            self.counts["User"] += len(people)
        self.activity_types = [
            dict(ActivityType.objects.filter(programme=p).values_list("slug", "pk"))
            for p in self.programmes
        ]
        self.joint_types = [
            dict(JointActionType.objects.filter(programme=p).values_list("slug", "pk"))
            for p in self.programmes
        ]
        self.criteria = [
            list(
                Criterion.objects.filter(programme=p, is_active=True)
                .order_by("position", "pk")
                .values_list("pk", "key")
            )
            for p in self.programmes
        ]

    def _user(self, username: str, role: str, **fields) -> User:
        first, last = self.person()
        return User(
            username=username, password=self.password, first_name=first, last_name=last,
            email=f"{username}@scale.profo.local", role=role, date_joined=self.now, **fields,
        )  # fmt: skip

    # --- step 3 and 4: firms and users ------------------------------------------------------

    def _firms(self) -> None:
        firms = self.writer(Firm, [
            "id", "name", "tax_id", "sector", "region", "commune", "employees", "contact_name",
            "email", "phone", "created_at",
        ])  # fmt: skip
        for row in self.firm_rows:
            firms.add(*row)
        firms.flush()
        self.firm_rows = []

    def _users(self) -> None:
        """Users for about one firm in ten; `scale.firm` belongs to a firm that stays a member
        of one of scale.facilitator's networks still in consolidation."""
        rng = self.rng
        chosen: list[Member] = []
        first = None
        running = [p for p in self.bench_networks if p.state in ("running", "overdue")]
        if running:
            stays = [m for m in running[0].members if m.left is None]
            if stays:
                first = stays[0]
                chosen.append(first)
        for plan in self.plans:
            chosen += [m for m in plan.members if m is not first and rng.random() < 0.1]
        users = User.objects.bulk_create(
            (
                self._user("scale.firm" if k == 0 else f"scale.firm{k + 1}",
                           User.Role.FIRM_MEMBER, firm_id=member.firm_id)
                for k, member in enumerate(chosen)
            ),
            batch_size=1000,
        )  # fmt: skip
        for member, user in zip(chosen, users, strict=True):
            member.user_id = user.pk
        self.counts["User"] += len(users)

    # --- step 5: networks, memberships, the application and the term -------------------------

    def _networks(self) -> None:
        rng = self.rng
        networks = self.writer(Network, [
            "id", "programme", "name", "facilitator", "region", "commune", "sector",
            "created_on", "phase", "term_start", "handover_due", "handed_over_on", "share_mode",
        ])  # fmt: skip
        for plan in self.plans:
            n = plan.network
            networks.add(
                plan.id, n.programme.pk, plan.name, n.facilitator_id, plan.region, plan.commune,
                plan.sector, plan.created_on, n.phase, n.term_start, n.handover_due,
                n.handed_over_on, n.share_mode,
            )  # fmt: skip
        networks.flush()
        w = {
            "members": self.writer(
                Membership,
                ["network", "firm", "joined_on", "left_on", "leave_reason", "shares_figures"],
            ),
            "applications": self.writer(Application, [
                "id", "network", "status", "submitted_by", "submitted_at", "decided_by",
                "decided_at", "decision_reason",
            ]),
            "appointments": self.writer(ManagerAppointment, [
                "network", "person", "start_date", "end_date", "monthly_salary", "end_reason",
                "appointed_by", "created_at",
            ]),
            "transitions": self.writer(PhaseTransition, ["network", "from_phase", "to_phase",
                                                         "actor", "at", "reason"]),
            "changes": self.writer(TermChange, ["network", "kind", "previous_due", "new_due",
                                                "reason", "actor", "at", "agency_percent"]),
            "check_ins": self.writer(CheckIn, [
                "network", "year", "date", "still_meeting", "manager_paid", "members",
                "joint_actions", "stopped", "notes", "recorded_by", "recorded_at",
            ]),
            "weights": self.writer(ShareWeight, ["network", "firm", "percent"]),
            "handovers": self.writer(Handover, [
                "id", "network", "date", "manager", "monthly_salary", "status", "proposed_by",
                "proposed_at", "confirmed_by", "confirmed_at",
            ]),
            "reminders": self.writer(ReminderSent, ["network", "key", "due_date", "sent_at"]),
        }  # fmt: skip
        w["events"] = self.writer(
            ApplicationEvent, ["application", "action", "actor", "at", "reason"],
            parent=w["applications"],
        )  # fmt: skip
        w["commitments"] = self.writer(
            HandoverCommitment, ["handover", "firm", "share_percent"], parent=w["handovers"]
        )
        application_ids = self.ids(Application, len(self.plans))
        handover_ids = iter(self.ids(Handover, sum(1 for p in self.plans if p.handover)))
        for plan, application_id in zip(self.plans, application_ids, strict=True):
            n = plan.network
            for m in plan.members:
                reason = rng.choice(LEAVE_REASONS) if m.left else ""
                # Figures are recorded for the network; no firm shares the rest.
                w["members"].add(plan.id, m.firm_id, m.joined, m.left, reason, False)
            self._application(plan, application_id, w)
            for a in plan.appointments:
                w["appointments"].add(
                    plan.id, a.person_id, a.start, a.end, a.salary, a.end_reason,
                    a.appointed_by_id, self.at(a.start, 14),
                )  # fmt: skip
            w["transitions"].add(
                plan.id, Network.Phase.PREPARATION, Network.Phase.CONSOLIDATION, plan.officer_id,
                self.at(n.term_start, 14),
                f"Manager appointed: {self.names[plan.first_manager_id]}",
            )  # fmt: skip
            if plan.dissolved_on:
                w["transitions"].add(
                    plan.id, Network.Phase.CONSOLIDATION, Network.Phase.DISSOLVED,
                    plan.officer_id, self.at(plan.dissolved_on, 16),
                    plan.appointments[-1].end_reason,
                )  # fmt: skip
            if plan.extension:
                decided, previous, new = plan.extension
                w["changes"].add(
                    plan.id, TermChange.Kind.EXTENSION, previous, new,
                    "Two firms joined late; the group needs six more months to share the salary.",
                    plan.officer_id, self.at(decided, 12), self._extension_rate(plan),
                )  # fmt: skip
            for firm_id, percent in plan.weights.items():
                w["weights"].add(plan.id, firm_id, percent)
            if plan.handover:
                self._handover(plan, next(handover_ids), w)
                self._check_ins(plan, w["check_ins"])
            self._reminders(plan, w["reminders"])
        for writer in w.values():
            writer.flush()

    def _application(self, plan: Plan, application_id: int, w: dict) -> None:
        rng = self.rng
        submitted = self.at(plan.submitted_on, 12)
        if rng.random() < 0.15:
            first = self.at(plan.submitted_on - datetime.timedelta(days=40), 12)
            w["events"].add(application_id, "submitted", plan.first_manager_id, first, "")
            w["events"].add(
                application_id, "returned", plan.officer_id, first + 10 * DAY, RETURN_REASON
            )
        decided = self.at(plan.approved_on, 16)
        w["events"].add(application_id, "submitted", plan.first_manager_id, submitted, "")
        w["events"].add(application_id, "approved", plan.officer_id, decided, "")
        w["applications"].add(
            application_id, plan.id, Application.Status.APPROVED, plan.first_manager_id,
            submitted, plan.officer_id, decided, "",
        )  # fmt: skip

    def _handover(self, plan: Plan, handover_id: int, w: dict) -> None:
        h = plan.handover
        confirmed = h["status"] == Handover.Status.CONFIRMED
        proposed_on = min(h["date"], self.today) - datetime.timedelta(days=25)
        w["handovers"].add(
            handover_id, plan.id, h["date"], plan.facilitator_id, h["salary"], h["status"],
            plan.facilitator_id, self.at(proposed_on, 11),
            plan.officer2_id if confirmed else None,
            self.at(h["date"], 12) if confirmed else None,
        )  # fmt: skip
        for firm_id, share in h["commitments"].items():
            w["commitments"].add(handover_id, firm_id, share)
        if confirmed:
            w["transitions"].add(
                plan.id, Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE,
                plan.officer2_id, self.at(h["date"], 12),
                "Handover confirmed: the member firms take over the whole salary.",
            )  # fmt: skip

    @staticmethod
    def _extension_rate(plan: Plan) -> Decimal:
        # The agency keeps paying the last year's rate during the seed's extensions.
        return Decimal(str((plan.network.programme.agency_share_schedule or [0])[-1]))

    def _check_ins(self, plan: Plan, writer: TableWriter) -> None:
        """A check-in for each year after the handover that has begun (up to the programme's
        years), late in the year or today; one network in twenty stops in its second year."""
        n, rng = plan.network, self.rng
        if n.handed_over_on is None:  # a handover proposed, not confirmed
            return
        stops = rng.random() < 0.05
        for year in range(1, n.programme.check_in_years + 1):
            begun = add_months(n.handed_over_on, 12 * (year - 1))
            if begun >= self.today:
                break
            day = min(self.today, add_months(begun, rng.randint(8, 11)))
            stopped = stops and year == 2
            active = len(plan.members_on(day))
            writer.add(
                plan.id, year, day, not stopped, not stopped, active,
                0 if stopped else rng.randint(0, 4), stopped,
                "The firms stopped meeting." if stopped else "", n.facilitator_id,
                self.at(day, 11),
            )  # fmt: skip
            if stopped:
                break

    def _reminders(self, plan: Plan, writer: TableWriter) -> None:
        """The reminders send_reminders would have sent, so that it sends none twice."""
        offsets = plan.network.programme.reminder_offsets_months
        spans = []
        if plan.extension:
            decided, previous, new = plan.extension
            spans += [(previous, decided), (new, self.today)]
        elif plan.state == "independence":
            spans.append((plan.network.handover_due, plan.handover["date"] - DAY))
        else:
            spans.append((plan.network.handover_due, plan.end))
        for due, until in spans:
            for months in offsets:
                sent = add_months(due, -months)
                if sent <= until:
                    writer.add(plan.id, f"before-{months}", due, self.at(sent, 10))
            if until > due:
                for week in range((until - due).days // 7 + 1):
                    sent = due + datetime.timedelta(days=max(1, week * 7))
                    writer.add(plan.id, f"overdue-week-{week}", due, self.at(sent, 10))

    # --- step 11: the money -----------------------------------------------------------------

    def _money(self) -> None:
        """Monthly charges, dues and payments, split the way term.month_split splits them."""
        rng = self.rng
        charges = self.writer(MonthlyCharge, [
            "id", "network", "month", "salary", "agency_percent", "agency_amount",
            "firms_amount", "created_at",
        ])  # fmt: skip
        dues = self.writer(Due, ["charge", "network", "firm", "month", "amount"], parent=charges)
        payments = self.writer(Payment, [
            "network", "firm", "date", "amount", "reference", "recorded_by", "created_at",
        ])  # fmt: skip
        this_month = first_of_month(self.today)
        charged_months = {}
        for plan in self.plans:
            last = first_of_month(plan.dissolved_on) if plan.dissolved_on else this_month
            months = charged_months[plan.id] = []
            month = first_of_month(plan.term_start)
            while month <= last:
                months.append(month)
                month = add_months(month, 1)
        all_ids = iter(self.ids(MonthlyCharge, sum(map(len, charged_months.values()))))
        for plan in self.plans:
            months = charged_months[plan.id]
            # Late payers stop paying a few months before today; the rest pay, now and then
            # two months at once.
            stops = {
                m.firm_id: add_months(this_month, -rng.randint(3, 8))
                for m in plan.members
                if rng.random() < 0.07
            }
            carry: dict = {}
            charge_ids = [next(all_ids) for _ in months]
            extensions = []
            if plan.extension:
                _decided, previous, new = plan.extension
                extensions = [(previous, new, self._extension_rate(plan))]
            for charge_id, month in zip(charge_ids, months, strict=True):
                terms = month_terms(plan.network, month, extensions=extensions)
                salary, agency_amount = month_amounts(plan.salary_in(month), terms, CURRENCY)
                percent = terms.rounded_percent
                month_end = last_of_month(month)
                charged = [
                    m for m in plan.members
                    if m.joined <= month_end and not (m.left and m.left < month)
                ]  # fmt: skip
                firms_amount = salary - agency_amount
                if not charged:
                    agency_amount, firms_amount = salary, Decimal(0)
                shares = split(firms_amount, plan.weights_in(month, charged), CURRENCY)
                charges.add(
                    charge_id, plan.id, month, salary, percent, agency_amount, firms_amount,
                    self.at(month, 11),
                )  # fmt: skip
                for firm_id, amount in shares.items():
                    dues.add(charge_id, plan.id, firm_id, month, amount)
                    owed = carry.get(firm_id, Decimal(0)) + amount
                    stop = stops.get(firm_id)
                    paid_on = month + DAY * rng.randint(4, 40)
                    if owed <= 0 or (stop and month >= stop):
                        carry[firm_id] = owed
                    elif paid_on > self.today or rng.random() < 0.04:
                        carry[firm_id] = owed  # paid with the next month's due
                    else:
                        payments.add(
                            plan.id, firm_id, paid_on, owed, f"Transfer {month:%Y-%m}",
                            plan.manager_on(paid_on), self.at(paid_on, 19),
                        )  # fmt: skip
                        carry[firm_id] = Decimal(0)
        for writer in (charges, dues, payments):
            writer.flush()
