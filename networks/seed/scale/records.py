"""The Builder's rows of the broker's records (issue 18): re-diagnoses for the older networks,
firms' certifications, joint strategic projects with their firms and milestones, and the sales
per firm of the marketing joint actions (`sales_split`, used by WorkRows._joint_actions).

Drawn from a random generator of their own, so that adding them leaves every other row of
the data set as it was (the benchmark compares like with like)."""

import datetime
import random
from decimal import Decimal

from networks.lib.dates import add_months
from networks.lib.money import split
from networks.lib.typology import DIMENSIONS
from networks.models import Certification, Diagnosis, JointProject, JointProjectFirm, Milestone
from networks.seed.scale.data import DAY, PROJECT_TITLES, STANDARDS


class RecordRows:
    def sales_split(self, total: Decimal, firms: list) -> dict[int, Decimal]:
        """An order's total split among the firms by their size (whole pesos, exact sum)."""
        return split(total, [(m.firm_id, Decimal(m.employees or 1)) for m in firms], "CLP")

    # --- step 12: the broker's records ------------------------------------------------------

    def _records(self) -> None:
        rng = random.Random(self.o.seed + 18)
        diagnoses = self.writer(Diagnosis, [
            "network", "occasion", "diagnosed_on", "problems", "opportunities",
            "collaboration_basis", *DIMENSIONS, "updated_at", "updated_by",
        ])  # fmt: skip
        certifications = self.writer(Certification, [
            "firm", "network", "standard", "certifier", "status", "started_on", "audited_on",
            "certified_on", "expires_on", "notes", "evidence", "evidence_name", "evidence_type",
            "recorded_by", "created_at",
        ])  # fmt: skip
        projects = self.writer(JointProject, [
            "id", "network", "title", "goal", "status", "start_date", "end_date", "budget",
            "agency_funding", "firms_funding", "created_by", "created_at",
        ])  # fmt: skip
        project_firms = self.writer(
            JointProjectFirm, ["project", "firm", "contribution"], parent=projects
        )
        milestones = self.writer(
            Milestone, ["project", "title", "due_on", "status", "done_on"], parent=projects
        )
        working = [p for p in self.plans if p.state != "dissolved" or p.age >= 12]
        counts = [1 + (p.age >= 24) for p in working]
        project_ids = iter(self.ids(JointProject, sum(counts)))
        for plan, count in zip(working, counts, strict=True):
            self._rediagnoses(plan, rng, diagnoses)
            self._certifications(plan, rng, certifications)
            for _ in range(count):
                self._project(plan, rng, next(project_ids), projects, project_firms, milestones)
        for writer in (diagnoses, certifications, projects, project_firms, milestones):
            writer.flush()

    def _rediagnoses(self, plan, rng, diagnoses) -> None:
        """Yearly re-diagnoses: each one a notch up on a dimension or two, now and then down."""
        ratings = [rng.randint(1, 2) for _ in DIMENSIONS]
        year = 1
        while (day := add_months(plan.term_start, 12 * year)) <= min(plan.end, self.today):
            for _ in range(rng.randint(1, 3)):
                k = rng.randrange(len(ratings))
                ratings[k] = max(1, min(3, ratings[k] + (1 if rng.random() < 0.85 else -1)))
            diagnoses.add(
                plan.id, "follow_up", day, "Fewer isolated purchases; buyers still ask for "
                "certificates.", "A regional buyer wants a steady joint supply.", "",
                *ratings, self.at(day, 11), plan.manager_on(day),
            )  # fmt: skip
            year += 1

    def _certifications(self, plan, rng, certifications) -> None:
        for m in plan.members:
            roll = rng.random()
            if roll > 0.3:
                continue
            standard, certifier = rng.choice(STANDARDS)
            if roll < 0.08:  # certified before it joined
                certified = m.joined - DAY * rng.randint(60, 700)
                status, started = "certified", certified - DAY * 200
            else:
                started = self.day_between(max(m.joined, plan.term_start), plan.end)
                certified = started + DAY * rng.randint(150, 400)
                status = "certified" if certified <= self.today else "preparing"
                if status == "preparing":
                    certified = None
            certifications.add(
                m.firm_id, plan.id, standard, certifier, status, started, None, certified,
                add_months(certified, 36) if certified else None, "", "", "", "",
                plan.manager_on(min(plan.end, self.today)), self.at(started, 10),
            )  # fmt: skip

    def _project(self, plan, rng, project_id, projects, project_firms, milestones) -> None:
        start = self.day_between(add_months(plan.term_start, 6), plan.end)
        if start > self.today:
            start = self.today
        firms = rng.sample(plan.members, min(len(plan.members), rng.randint(3, 8)))
        budget = Decimal(rng.randrange(10, 120)) * 1_000_000
        agency = (budget * Decimal(rng.choice((40, 50, 60))) / 100).quantize(Decimal(1))
        firms_total = (budget * Decimal(rng.choice((20, 30))) / 100).quantize(Decimal(1))
        shares = split(firms_total, [(m.firm_id, Decimal(1)) for m in firms], "CLP")
        age = (self.today - start).days
        status = "done" if age > 540 else "under_way" if age > 60 else "planned"
        projects.add(
            project_id, plan.id, rng.choice(PROJECT_TITLES),
            "Reach buyers none of the firms reaches alone.", status, start,
            add_months(start, 18), budget, agency, firms_total, plan.manager_on(start),
            self.at(start, 9),
        )  # fmt: skip
        for firm_id, amount in shares.items():
            project_firms.add(project_id, firm_id, amount)
        for k, title in enumerate(("Study and design", "Purchase", "First sales")):
            due = add_months(start, 6 * (k + 1))
            done = due <= self.today and rng.random() < 0.8
            milestones.add(
                project_id, title, due, "done" if done else "pending",
                due - datetime.timedelta(days=rng.randint(0, 20)) if done else None,
            )  # fmt: skip
