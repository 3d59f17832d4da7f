"""Each network of the scale data set planned in memory before any row is written: its members
and their dates, its managers and salaries, and the weights of the split."""

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from networks.lib.dates import add_months, first_of_month, last_of_month
from networks.lib.money import split
from networks.models import Firm, Handover, Network, User
from networks.rules import HUNDRED
from networks.seed.scale.data import (
    DAY,
    DISSOLVE_REASONS,
    FIRM_SUFFIXES,
    REGIONS,
    SECTORS,
    SURNAMES,
    rut,
)

# --- the plan of one network ----------------------------------------------------------------


@dataclass
class Member:
    firm_id: int
    tax_id: str
    name: str
    employees: int
    joined: datetime.date
    left: datetime.date | None = None
    user_id: int | None = None

    def active_on(self, day: datetime.date) -> bool:
        # Same rule as services.activities.member_ids_on: joined by then, not gone before.
        return self.joined <= day and (self.left is None or self.left >= day)


@dataclass
class Appointment:
    person_id: int
    start: datetime.date
    salary: Decimal
    appointed_by_id: int
    end: datetime.date | None = None
    end_reason: str = ""


@dataclass
class Plan:
    """Everything decided about one network before its rows are written."""

    id: int
    agency: int  # 0 north, 1 south
    network: Network  # unsaved; carries what term.agency_percent reads
    name: str
    region: str
    commune: str
    sector: str
    created_on: datetime.date
    term_start: datetime.date
    age: float  # months since the term started
    officer_id: int = 0
    officer2_id: int = 0
    facilitator_id: int = 0  # the manager now
    first_manager_id: int = 0
    members: list[Member] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    state: str = "running"  # running, independence, overdue, extended, dissolved
    dissolved_on: datetime.date | None = None
    extension: tuple | None = None  # (decided on, previous due, new due)
    handover: dict | None = None
    weights: dict = field(default_factory=dict)
    churn: bool = False
    submitted_on: datetime.date | None = None
    approved_on: datetime.date | None = None
    end: datetime.date | None = None  # the last day of work logged: dissolution, or today

    def members_on(self, day: datetime.date) -> list[Member]:
        if not self.churn:
            return self.members
        return [m for m in self.members if m.active_on(day)]

    def manager_on(self, day: datetime.date) -> int:
        person = self.first_manager_id
        for appointment in self.appointments:
            if appointment.start <= day:
                person = appointment.person_id
        return person

    def salary_in(self, month: datetime.date) -> Decimal:
        """term.salary_for: the appointment in force in the month that started last."""
        month_end = last_of_month(month)
        in_force = [
            (a.start, index, a.salary)
            for index, a in enumerate(self.appointments)
            if a.start <= month_end and not (a.end and a.end < month)
        ]
        return max(in_force)[2] if in_force else Decimal(0)

    def weights_in(self, month: datetime.date, charged: list[Member]) -> list[tuple]:
        """term._weights for the month's charged members."""
        handed = self.network.handed_over_on
        if handed and month > first_of_month(handed):
            shares = self.handover["commitments"]
        elif self.network.share_mode == Network.ShareMode.WEIGHTED:
            shares = self.weights
        else:
            return [(m.firm_id, Decimal(1)) for m in charged]
        return [(m.firm_id, shares.get(m.firm_id, Decimal(0))) for m in charged]


# --- the builder ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    networks: int = 1000
    firms: int = 25_000
    months: int = 36
    activities_per_month: float = 25 / 3  # per network and month of the span: 300,000 in all
    joint_actions: int = 100_000
    seed: int = 2026
    today: datetime.date | None = None
    use_copy: bool = True  # COPY on PostgreSQL; False forces bulk_create (the tests use it)


class Planning:
    """The Builder's first part: every network planned in memory (members, dates, managers,
    who leaves and when) before any row is written."""

    # --- step 2: the plan -------------------------------------------------------------------

    def _plan(self) -> None:
        o, rng = self.o, self.rng
        sizes = self._sizes()
        # Term starts spread evenly over the span and a little before it, so that networks
        # are of every age: some just started, some due within six months, some overdue.
        oldest = o.months + 6
        ages = [1 + (k + rng.random()) * (oldest - 1) / o.networks for k in range(o.networks)]
        rng.shuffle(ages)
        north = (o.networks + 1) // 2
        region_names = list(REGIONS)
        used_names: Counter = Counter()
        self.plans: list[Plan] = []
        self.firm_rows: list[tuple] = []
        network_ids = self.ids(Network, o.networks)
        firm_ids = iter(self.ids(Firm, o.firms))
        firm_index = 0
        for i in range(o.networks):
            agency = 0 if i < north else 1
            regions = region_names[:8] if agency == 0 else region_names[8:]
            region = rng.choices(regions, weights=[REGIONS[r][0] for r in regions])[0]
            _weight, communes, sectors = REGIONS[region]
            commune, sector = rng.choice(communes), rng.choice(sectors)
            base = f"{SECTORS[sector][0]} de {commune}"
            used_names[base] += 1
            name = base if used_names[base] == 1 else f"{base} {used_names[base]}"
            age = ages[i]
            term_start = add_months(self.today, -int(age)) - datetime.timedelta(
                days=rng.randint(0, 25)
            )
            term_start = min(term_start, self.today - DAY)
            created_on = add_months(term_start, -rng.randint(4, 8))
            network = Network(
                pk=network_ids[i], programme=self.programmes[agency], term_start=term_start,
                handover_due=add_months(term_start, self.programmes[agency].term_months),
            )  # fmt: skip
            plan = Plan(
                id=network.pk, agency=agency, network=network, name=name, region=region,
                commune=commune, sector=sector, created_on=created_on, term_start=term_start,
                age=age,
            )  # fmt: skip
            plan.submitted_on = term_start - datetime.timedelta(days=rng.randint(30, 60))
            plan.approved_on = term_start - datetime.timedelta(days=rng.randint(3, 20))
            for _ in range(sizes[i]):
                plan.members.append(self._firm(next(firm_ids), firm_index, plan))
                firm_index += 1
            plan.members.sort(key=lambda m: m.tax_id)
            self.plans.append(plan)
        self._assign_people()
        self._assign_states()
        for plan in self.plans:
            self._plan_churn(plan)
            self._plan_managers(plan)

    def _sizes(self) -> list[int]:
        """Members per network: 10 to 30, adding up to exactly --firms."""
        o, rng = self.o, self.rng
        sizes = [rng.randint(10, 30) for _ in range(o.networks)]
        gap = o.firms - sum(sizes)
        while gap:
            i = rng.randrange(o.networks)
            if gap > 0 and sizes[i] < 30:
                sizes[i], gap = sizes[i] + 1, gap - 1
            elif gap < 0 and sizes[i] > 10:
                sizes[i], gap = sizes[i] - 1, gap + 1
        return sizes

    def _firm(self, firm_id: int, index: int, plan: Plan) -> Member:
        rng = self.rng
        stem = rng.choice(SECTORS[plan.sector][1])
        surname = rng.choice(SURNAMES)
        if rng.random() < 0.3:
            surname = f"{surname} y {rng.choice(SURNAMES)}"
        name = f"{stem} {surname}{rng.choice(FIRM_SUFFIXES)}"
        roll = rng.random()
        employees = (
            rng.randint(1, 9)
            if roll < 0.55
            else rng.randint(10, 49)
            if roll < 0.9
            else rng.randint(50, 199)
        )
        tax_id = rut(index)
        commune = plan.commune if rng.random() < 0.8 else rng.choice(REGIONS[plan.region][1])
        first, last = self.person()
        self.firm_rows.append((
            firm_id, name, tax_id, plan.sector, plan.region, commune, employees,
            f"{first} {last}", f"contacto{index}@scale.profo.local",
            f"+56 9 {rng.randint(2000, 9999)} {rng.randint(1000, 9999)}",
            self.at(plan.created_on - datetime.timedelta(days=rng.randint(0, 20)), 13),
        ))  # fmt: skip
        joined = self.day_between(plan.created_on, plan.submitted_on - DAY)
        return Member(firm_id, tax_id, name, employees, joined)

    def _assign_people(self) -> None:
        """About fifteen networks per facilitator; `scale.facilitator` has exactly fifteen."""
        rng = self.rng
        self.facilitators: list[list[User]] = []
        self.bench_networks: list[Plan] = []
        for agency in (0, 1):
            plans = [p for p in self.plans if p.agency == agency]
            count = max(1, round(len(plans) * 70 / 1000))
            if agency == 0 and len(plans) > 15:
                count = max(count, 2)
            prefix = "scale.facilitator" if agency == 0 else "scale.south.facilitator"
            names = [
                prefix if (agency == 0 and k == 0) else f"{prefix}{k + 1}" for k in range(count)
            ]
            users = User.objects.bulk_create(
                self._user(name, User.Role.FACILITATOR, agency=self.programmes[agency].agency)
                for name in names
            )
            self.counts["User"] += len(users)
            self.names.update((u.pk, u.get_full_name()) for u in users)
            self.facilitators.append(users)
            rng.shuffle(plans)
            if agency == 0:
                self.bench_networks = plans[:15]
                rest = plans[15:] if count > 1 else []
                for plan in self.bench_networks if count > 1 else plans:
                    plan.facilitator_id = users[0].pk
                others = users[1:]
            else:
                rest, others = plans, users
            for k, plan in enumerate(rest):
                plan.facilitator_id = others[k % len(others)].pk
            officers = self.staff[agency]
            for plan in plans:
                plan.officer_id, plan.officer2_id = officers[0].pk, officers[1].pk
                if rng.random() < 0.5:
                    plan.officer_id, plan.officer2_id = plan.officer2_id, plan.officer_id

    def _assign_states(self) -> None:
        """Past the due date: handed over, overdue or extended. A few dissolved."""
        rng = self.rng
        mature = sorted(
            (p for p in self.plans if p.network.handover_due < self.today),
            key=lambda p: -p.age,
        )
        cycle = ("independence", "overdue", "independence", "extended")
        for k, plan in enumerate(mature):
            plan.state = cycle[k % len(cycle)]
        young = [p for p in self.plans if p.state == "running" and p.age >= 6]
        for plan in rng.sample(young, min(len(young), math.ceil(len(self.plans) * 0.02))):
            plan.state = "dissolved"
            latest = self.today - datetime.timedelta(days=20)
            plan.dissolved_on = self.day_between(add_months(plan.term_start, 4), latest)
        for plan in self.plans:
            plan.end = plan.dissolved_on or self.today
            if plan.state == "running" and rng.random() < 0.08:
                plan.network.share_mode = Network.ShareMode.WEIGHTED
            else:
                plan.network.share_mode = Network.ShareMode.EQUAL

    def _plan_churn(self, plan: Plan) -> None:
        """A few firms leave during the term and a few join late, never after the handover."""
        rng = self.rng
        if plan.network.share_mode == Network.ShareMode.WEIGHTED or plan.age < 6:
            return
        first = add_months(plan.term_start, 1)
        last = plan.end - DAY
        if plan.state in ("independence",):
            last = min(last, plan.network.handover_due - datetime.timedelta(days=30))
        if last <= first:
            return
        late_allowed = len(plan.members) - 10  # the group had at least ten at approval
        for member in plan.members:
            roll = rng.random()
            if roll < 0.04:
                member.left = self.day_between(first, last)
            elif roll < 0.07 and late_allowed > 0:
                member.joined = self.day_between(first, last)
                late_allowed -= 1
            else:
                continue
            plan.churn = True

    def _plan_managers(self, plan: Plan) -> None:
        rng = self.rng
        salary = Decimal(rng.randrange(1_100_000, 1_900_001, 50_000))
        others = [u.pk for u in self.facilitators[plan.agency] if u.pk != plan.facilitator_id]
        # A tenth of the older networks changed manager once; the clock did not restart.
        earliest = add_months(plan.term_start, 6)
        latest = min(plan.end, plan.network.handover_due) - datetime.timedelta(days=60)
        replaced = bool(others) and earliest < latest and rng.random() < 0.1
        plan.first_manager_id = rng.choice(others) if replaced else plan.facilitator_id
        first = Appointment(plan.first_manager_id, plan.term_start, salary, plan.officer_id)
        plan.appointments.append(first)
        if replaced:
            change = self.day_between(earliest, latest)
            first.end, first.end_reason = change, "The manager took a job elsewhere."
            plan.appointments.append(Appointment(
                plan.facilitator_id, change, salary + Decimal(50_000), plan.officer_id
            ))  # fmt: skip
        network, due = plan.network, plan.network.handover_due
        network.facilitator_id = plan.facilitator_id
        if plan.state == "independence":
            date = min(due + datetime.timedelta(days=rng.randint(0, 45)), self.today - DAY)
            current = plan.appointments[-1]
            new_salary = current.salary
            if rng.random() < 0.5:
                new_salary += Decimal(100_000)
                current.end, current.end_reason = date, "Handover to the member firms"
                plan.appointments.append(
                    Appointment(plan.facilitator_id, date, new_salary, plan.officer2_id)
                )
            active = [m for m in plan.members if m.active_on(date)]
            if rng.random() < 0.6:
                weights = [(m.firm_id, Decimal(1)) for m in active]
            else:
                weights = [(m.firm_id, Decimal(m.employees)) for m in active]
            plan.handover = {
                "date": date, "salary": new_salary, "status": Handover.Status.CONFIRMED,
                "commitments": split(HUNDRED, weights, "%"),
            }  # fmt: skip
            network.handed_over_on = date
        elif plan.state == "extended":
            decided = due - datetime.timedelta(days=20)
            new_due = add_months(due, 6)
            plan.extension = (decided, due, new_due)
            network.handover_due = new_due
        elif plan.state == "dissolved":
            current = plan.appointments[-1]
            current.end = max(plan.dissolved_on, current.start)
            current.end_reason = rng.choice(DISSOLVE_REASONS)
        if plan.state in ("overdue", "running") and (
            network.handover_due <= add_months(self.today, 3) and rng.random() < 0.5
        ):
            # The facilitator has proposed the handover; the agency has not confirmed it yet.
            active = [m for m in plan.members if m.active_on(self.today)]
            plan.handover = {
                "date": max(network.handover_due, self.today), "status": Handover.Status.PROPOSED,
                "salary": plan.appointments[-1].salary,
                "commitments": split(HUNDRED, [(m.firm_id, Decimal(1)) for m in active], "%"),
            }  # fmt: skip
        if network.share_mode == Network.ShareMode.WEIGHTED:
            plan.weights = split(
                HUNDRED, [(m.firm_id, Decimal(m.employees)) for m in plan.members], "%"
            )
        network.phase = {
            "independence": Network.Phase.INDEPENDENCE, "dissolved": Network.Phase.DISSOLVED,
        }.get(plan.state, Network.Phase.CONSOLIDATION)  # fmt: skip
