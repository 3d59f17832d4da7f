"""The rows of the work done in each network of the scale data set."""

import datetime
import math
from decimal import Decimal

from networks.lib.dates import add_months
from networks.models import (
    Activity,
    Attendance,
    Diagnosis,
    Evaluation,
    EvaluationResult,
    FirmIndicator,
    Goal,
    GoalActual,
    JointAction,
    JointActionDecline,
    JointActionParticipant,
    ServiceUptake,
)
from networks.seed.scale.data import (
    ACTIVITY_KINDS,
    ACTIVITY_NOTES,
    DAY,
    EVIDENCE,
    JOINT_KINDS,
    REGIONS,
    SALES_KINDS,
    spread,
)
from networks.seed.scale.plan import Member, Plan

# How a firm's answer came (issue 17): the seed's firms answer themselves, in PROFO.
ANSWER_FIELDS = [
    "confirmation_method", "confirmation_note", "confirmation_evidence",
    "confirmation_evidence_name", "confirmation_evidence_type",
]  # fmt: skip
BY_ITSELF = ("self", "", "", "", "")
NO_ANSWER = ("", "", "", "", "")


class WorkRows:
    """The Builder's rows of the work done in each network: goals and their values, the firms'
    figures, evaluations, activities with attendance, joint actions."""

    # --- step 6: goals and diagnoses --------------------------------------------------------

    def _goals(self) -> None:
        rng = self.rng
        diagnoses = self.writer(Diagnosis, [
            "network", "occasion", "diagnosed_on", "problems", "opportunities", "collaboration_basis", "technology_level",
            "skills", "innovation", "trust", "cooperation", "competition", "firm_size",
            "exports", "learning", "updated_at", "updated_by",
        ])  # fmt: skip
        goals = self.writer(Goal, [
            "id", "network", "horizon", "title", "indicator", "unit", "baseline", "target",
            "due_date", "created_at",
        ])  # fmt: skip
        actuals = self.writer(
            GoalActual, ["goal", "period_end", "value", "comment", "recorded_by", "created_at"],
            parent=goals,
        )  # fmt: skip
        for plan in self.plans:
            sector = plan.sector.lower()
            diagnoses.add(
                plan.id, "application", plan.submitted_on - DAY * 3,
                f"Firms in {sector} work alone: small purchases at high prices, old machines, "
                "and nobody can take a large order.",
                f"Buyers in {plan.region} ask for steady volumes with quality certificates.",
                "The owners know each other from the local association and already share a "
                "supplier.",
                *(rng.randint(1, 3) for _ in range(9)),
                self.at(plan.submitted_on - DAY * 3, 12), plan.first_manager_id,
            )  # fmt: skip
            size = len(plan.members)
            specs = [
                ("short", "Joint purchase of inputs", "Member firms buying inputs together",
                 "firms", Decimal(0), Decimal(math.ceil(size * 0.6)), 11),
                ("medium", "Joint sales to new markets", "Annual joint sales", "CLP",
                 Decimal(0), Decimal(rng.randrange(60, 200)) * 1_000_000, 33),
            ]  # fmt: skip
            if rng.random() < 0.5:
                specs.append(("medium", "Quality certification", "Firms certified", "firms",
                              Decimal(0), Decimal(min(size, 8)), 30))  # fmt: skip
            for goal_id, (horizon, title, indicator, unit, base, target, months) in zip(
                self.ids(Goal, len(specs)), specs, strict=True
            ):
                due = add_months(plan.submitted_on, months)
                goals.add(
                    goal_id, plan.id, horizon, title, indicator, unit, base, target, due,
                    self.at(plan.submitted_on - DAY * 5, 12),
                )  # fmt: skip
                k = 1
                while (end := add_months(plan.term_start, 6 * k) - DAY) <= min(
                    plan.end, add_months(due, 3)
                ):
                    done = min(1.2, 6 * k / months * rng.uniform(0.5, 1.1))
                    value = (base + (target - base) * Decimal(str(round(done, 2)))).quantize(
                        Decimal(1)
                    )
                    actuals.add(
                        goal_id, end, value, "", plan.manager_on(end), self.at(end + DAY * 5, 12)
                    )
                    k += 1
        for writer in (diagnoses, goals, actuals):
            writer.flush()

    # --- step 7: firm figures and service take-up -------------------------------------------

    def _indicators(self) -> None:
        rng = self.rng
        figures = self.writer(FirmIndicator, [
            "firm", "network", "date", "is_baseline", "employees", "annual_sales", "exports",
            "average_wage", "people_trained", "certifications", "technologies", "notes",
            "recorded_by", "created_at",
        ])  # fmt: skip
        uptakes = self.writer(ServiceUptake, [
            "network", "firm", "service", "referred_by_facilitator", "date", "status", "result",
            "recorded_by", "created_at",
        ])  # fmt: skip
        for plan in self.plans:
            for m in plan.members:
                employees = m.employees
                sales = employees * rng.randrange(15, 40) * 1_000_000
                exporter = rng.random() < 0.25
                for k, day in enumerate(self._figure_days(plan, m)):
                    figures.add(
                        m.firm_id, plan.id, day, k == 0, employees, Decimal(sales),
                        Decimal(sales * rng.randrange(5, 30) // 100) if exporter else Decimal(0),
                        Decimal(rng.randrange(550, 1300) * 1000), rng.randint(0, employees),
                        rng.randint(0, 2), rng.randint(0, 4), "",
                        m.user_id or plan.manager_on(day), self.at(day, 17),
                    )  # fmt: skip
                    employees = max(1, employees + rng.randint(-1, 3))
                    sales = sales * rng.randrange(95, 125) // 100
            services = self.services[plan.agency]
            span = (plan.end - plan.term_start).days
            for _ in range(round(len(plan.members) * span / 365 * 0.6)):
                day = self.day_between(plan.term_start, plan.end)
                present = plan.members_on(day)
                if not present:
                    continue
                m = rng.choice(present)
                age = (self.today - day).days
                status = (
                    "completed" if age > 120 and rng.random() < 0.8
                    else "taken_up" if age > 30 and rng.random() < 0.6
                    else "referred"
                )  # fmt: skip
                result = (
                    "Finished; the firm applies what it learnt." if status == "completed" else ""
                )
                uptakes.add(
                    plan.id, m.firm_id, rng.choice(services), rng.random() < 0.85, day, status,
                    result, plan.manager_on(day), self.at(day, 18),
                )  # fmt: skip
        figures.flush()
        uptakes.flush()

    @staticmethod
    def _figure_days(plan: Plan, m: Member) -> list[datetime.date]:
        """The baseline when the firm joined, then the term's anniversaries while a member."""
        last = min(plan.end, m.left or plan.end)
        days = [m.joined] if m.joined <= last else []
        k = 1
        while (day := add_months(plan.term_start, 12 * k)) <= last:
            if day > m.joined:
                days.append(day)
            k += 1
        return days

    # --- step 8: evaluations ----------------------------------------------------------------

    def _evaluations(self) -> None:
        """One evaluation at about 24 months, for every network that has reached it."""
        rng = self.rng
        evaluations = self.writer(Evaluation, [
            "id", "network", "date", "evaluator", "notes", "met_count", "criteria_count",
            "created_at",
        ])  # fmt: skip
        results = self.writer(
            EvaluationResult, ["evaluation", "criterion", "met", "evidence"], parent=evaluations
        )
        easy = {"regular_meetings": 0.25, "dues_paid": 0.15, "joint_finance": -0.2}
        due = []
        for plan in self.plans:
            date = add_months(plan.term_start, 24) + DAY * rng.randint(0, 20)
            if date <= min(plan.end, self.today):
                due.append((plan, date))
        for (plan, date), evaluation_id in zip(due, self.ids(Evaluation, len(due)), strict=True):
            criteria = self.criteria[plan.agency]
            quality = rng.uniform(0.15, 0.75)
            met = [rng.random() < quality + easy.get(key, 0) for _pk, key in criteria]
            evaluations.add(
                evaluation_id, plan.id, date, plan.officer_id, "Evaluation at 24 months.",
                sum(met), len(criteria), self.at(date, 17),
            )  # fmt: skip
            for (pk, _key), ok in zip(criteria, met, strict=True):
                results.add(evaluation_id, pk, ok, EVIDENCE if ok else "")
        evaluations.flush()
        results.flush()

    # --- step 9: activities -----------------------------------------------------------------

    def _activities(self) -> None:
        rng, o = self.rng, self.o
        activities = self.writer(Activity, [
            "id", "network", "type", "title", "date", "place", "host_firm", "description",
            "outcomes", "cost", "created_by", "created_at",
        ])  # fmt: skip
        attendance = self.writer(
            Attendance,
            ["activity", "firm", "confirmed_by", "confirmed_at", *ANSWER_FIELDS],
            parent=activities,
        )
        slugs = list(ACTIVITY_KINDS)
        cumulative = []
        for slug in slugs:
            cumulative.append((cumulative[-1] if cumulative else 0) + ACTIVITY_KINDS[slug][0])
        all_communes = [(c, r) for r, (_w, communes, _s) in REGIONS.items() for c in communes]
        total = round(o.networks * o.months * o.activities_per_month)
        counts = spread(total, [(p.end - p.term_start).days + 1 for p in self.plans])
        all_ids = iter(self.ids(Activity, total))  # one query, before any batch is in flight
        for plan, count in zip(self.plans, counts, strict=True):
            types = self.activity_types[plan.agency]
            ids = [next(all_ids) for _ in range(count)]
            days = sorted(self.day_between(plan.term_start, plan.end) for _ in range(count))
            for activity_id, day in zip(ids, days, strict=True):
                slug = rng.choices(slugs, cum_weights=cumulative)[0]
                present = plan.members_on(day)
                attendees = rng.sample(present, min(len(present), rng.randint(8, 12)))
                host = attendees[0] if slug == "factory_visit" and attendees else None
                place = plan.commune
                city = rng.choice(all_communes)[0]
                if slug == "group_travel":
                    place = city
                title = rng.choice(ACTIVITY_KINDS[slug][1]).format(
                    host=host.name if host else plan.name, city=city, sector=plan.sector,
                    commune=plan.commune,
                )  # fmt: skip
                description, outcomes = rng.choice(ACTIVITY_NOTES)
                cost = Decimal(rng.randrange(0, 3_000_000, 10_000))
                created = self.at(day, 21)
                activities.add(
                    activity_id, plan.id, types[slug], title, day, place,
                    host.firm_id if host else None, description, outcomes, cost,
                    plan.manager_on(day), created,
                )  # fmt: skip
                confirmed_at = created + DAY
                for m in attendees:
                    if m.user_id and rng.random() < 0.4:
                        attendance.add(activity_id, m.firm_id, m.user_id, confirmed_at, *BY_ITSELF)
                    else:
                        attendance.add(activity_id, m.firm_id, None, None, *NO_ANSWER)
        activities.flush()
        attendance.flush()

    # --- step 10: joint actions -------------------------------------------------------------

    def _joint_actions(self) -> None:
        rng = self.rng
        actions = self.writer(JointAction, [
            "id", "network", "type", "title", "status", "start_date", "end_date", "value",
            "outcome", "logged_by", "logged_by_firm", "created_at",
        ])  # fmt: skip
        participants = self.writer(
            JointActionParticipant,
            ["joint_action", "firm", "confirmed_by", "confirmed_at", "sales", *ANSWER_FIELDS],
            parent=actions,
        )  # fmt: skip
        declines = self.writer(
            JointActionDecline,
            ["joint_action", "firm", "declined_by", "at", *ANSWER_FIELDS],
            parent=actions,
        )
        slugs = list(JOINT_KINDS)
        weights = [JOINT_KINDS[s][0] for s in slugs]
        counts = spread(self.o.joint_actions, [(p.end - p.term_start).days + 1 for p in self.plans])
        all_ids = iter(self.ids(JointAction, sum(counts)))
        for plan, count in zip(self.plans, counts, strict=True):
            types = self.joint_types[plan.agency]
            ids = [next(all_ids) for _ in range(count)]
            for action_id in ids:
                start = self.day_between(plan.term_start, plan.end)
                present = plan.members_on(start)
                slug = rng.choices(slugs, weights=weights)[0]
                _w, titles, low, high = JOINT_KINDS[slug]
                status, end = self._joint_status(start, plan.end)
                firms = rng.sample(present, min(len(present), rng.randint(2, 8)))
                value = Decimal(rng.randrange(low, high + 1, 10_000))
                # Marketing as a group: a done fair, shared order or joint brand records the
                # sales each firm won, and its value is their sum.
                sales = (
                    self.sales_split(value, firms)
                    if (status == "done" and slug in SALES_KINDS)
                    else {}
                )
                if sales:
                    value = sum(sales.values())
                users = [m for m in firms if m.user_id]
                logger = rng.choice(users) if users and rng.random() < 0.5 else None
                created = self.at(start, 20)
                actions.add(
                    action_id, plan.id, types[slug], rng.choice(titles), status, start, end,
                    value,
                    "Delivered on time; the firms shared the savings." if status == "done" else "",
                    logger.user_id if logger else plan.manager_on(start),
                    logger.firm_id if logger else None, created,
                )  # fmt: skip
                for m in firms:
                    sold = sales.get(m.firm_id)
                    if m is logger:
                        participants.add(action_id, m.firm_id, m.user_id, created, sold, *BY_ITSELF)
                    elif m.user_id and rng.random() < 0.6:
                        participants.add(
                            action_id, m.firm_id, m.user_id, created + DAY * 2, sold, *BY_ITSELF
                        )
                    else:
                        participants.add(action_id, m.firm_id, None, None, sold, *NO_ANSWER)
                if rng.random() < 0.02:
                    outside = [m for m in present if m.user_id and m not in firms]
                    if outside:
                        m = rng.choice(outside)
                        declines.add(action_id, m.firm_id, m.user_id, created + DAY, *BY_ITSELF)
        for writer in (actions, participants, declines):
            writer.flush()

    def _joint_status(self, start: datetime.date, end: datetime.date) -> tuple:
        rng, age = self.rng, (self.today - start).days
        roll = rng.random()
        if age > 120:
            status = "done" if roll < 0.7 else "dropped" if roll < 0.8 else "under_way"
        elif age > 30:
            status = "under_way" if roll < 0.6 else "done" if roll < 0.9 else "planned"
        else:
            status = "planned" if roll < 0.6 else "under_way"
        if status in ("done", "dropped"):
            return status, min(start + DAY * rng.randint(7, 120), end)
        return status, None
