"""A network's pages (the overview and its tabs, views/workspace.py): the network as they read
it, and what each subject adds to them (each `<subject>_section(page)` is one part of a page's
context). Only the page views read this module; it reads the subject selectors."""

import datetime
from decimal import Decimal
from functools import cached_property

from django.db.models import FilteredRelation, Prefetch, Q
from django.utils import timezone

from networks import access
from networks.lib.dates import first_of_month
from networks.models import (
    Diagnosis,
    Evaluation,
    Handover,
    HandoverCommitment,
    ManagerAppointment,
    Membership,
    MonthlyCharge,
    Network,
    TermChange,
)
from networks.rules import OPEN_OR_CONFIRMED, activities_open, joint_actions_open
from networks.selectors import activities as activity_selectors
from networks.selectors import certifications as certification_selectors
from networks.selectors import diagnoses as diagnosis_selectors
from networks.selectors import joint_actions as joint_action_selectors
from networks.selectors import progress as progress_selectors
from networks.selectors import term as term_selectors
from networks.selectors.lifecycle import TimelineEntry, timeline

# --- the network page -----------------------------------------------------------------------


def network_for_page(user, pk) -> Network | None:
    """The network as access.get_network_or_404 finds it (None where that raises 404), with
    the one-to-one rows its page shows read in the same query: the application with who
    submitted and decided it, and the diagnosis at application."""
    try:
        return (
            access.visible_networks(user)
            .annotate(
                application_diagnosis=FilteredRelation(
                    "diagnoses", condition=Q(diagnoses__occasion=Diagnosis.Occasion.APPLICATION)
                )
            )
            .select_related(
                "programme__agency",
                "facilitator",
                "application__submitted_by",
                "application__decided_by",
                "application_diagnosis",
            )
            .get(pk=pk)
        )
    except (Network.DoesNotExist, ValueError, TypeError):
        return None


def one_to_one(instance, name: str):
    """A one-to-one row read with select_related, or None when there is none."""
    # Django raises a DoesNotExist that is also an AttributeError for a missing row.
    return getattr(instance, name, None)


class NetworkPage:
    """What the sections of the network page share, each read once, on first use.

    Members, balances, handovers, counts and the latest evaluation appear in several sections
    (the handover readiness summarises most of them); the page view hands one NetworkPage to
    every `<subject>_section` below, so none reads a row another has read. A fixed number of
    queries whatever the amount of data."""

    def __init__(self, network: Network, user, today: datetime.date | None = None):
        self.network, self.user = network, user
        self.today = today or timezone.localdate()

    @cached_property
    def memberships(self) -> list[Membership]:
        """Every membership, former ones too, with its firm and participation, by firm name."""
        return list(progress_selectors.participation_memberships(self.network, self.today))

    @cached_property
    def active_members(self) -> list[Membership]:
        return [m for m in self.memberships if m.left_on is None]

    @cached_property
    def former_members(self) -> list[Membership]:
        former = (m for m in self.memberships if m.left_on is not None)
        return sorted(former, key=lambda m: m.left_on, reverse=True)

    def user_firm_is_active_member(self) -> bool:
        """access.user_firm_is_active_member, from the memberships read already."""
        user = self.user
        return (
            user.is_firm_member
            and user.firm_id is not None
            and any(m.firm_id == user.firm_id for m in self.active_members)
        )

    @cached_property
    def goal_progress(self) -> list:
        return progress_selectors.goals_with_progress(self.network, self.today)

    @cached_property
    def appointments(self) -> list[ManagerAppointment]:
        """Every appointment, oldest first, with the person and who appointed them."""
        return list(
            ManagerAppointment.objects.filter(network=self.network).select_related(
                "person", "appointed_by"
            )
        )

    @cached_property
    def current_appointment(self) -> ManagerAppointment | None:
        """As `current_appointment`: the first open appointment in the model's order."""
        return next((a for a in self.appointments if a.end_date is None), None)

    @cached_property
    def term_changes(self) -> list[TermChange]:
        return list(TermChange.objects.filter(network=self.network).select_related("actor"))

    @cached_property
    def handovers(self) -> list[Handover]:
        """The open proposal and the confirmed handover, newest proposal first, with their
        people and commitments (two queries)."""
        commitments = HandoverCommitment.objects.select_related("firm").order_by("firm__name")
        return list(
            Handover.objects.filter(network=self.network, status__in=OPEN_OR_CONFIRMED)
            .select_related("manager", "proposed_by", "confirmed_by")
            .prefetch_related(Prefetch("commitments", queryset=commitments))
            .order_by("-proposed_at", "-pk")
        )

    @property
    def current_handover(self) -> Handover | None:
        return self.handovers[0] if self.handovers else None

    @cached_property
    def balances(self) -> list:
        """Every firm's balance (the page shows a member firm's user their own row only)."""
        return term_selectors.balances(self.network, today=self.today, memberships=self.memberships)

    @cached_property
    def joint_action_counts(self) -> dict:
        return joint_action_selectors.joint_action_counts(self.network, self.user)

    @cached_property
    def recent_activities(self) -> tuple[list, int]:
        """The latest activities, and how many fall in the readiness window."""
        after, _months = term_selectors.readiness_window(self.network, self.today)
        return activity_selectors.recent_activities_and_count(
            self.network, after=after, until=self.today
        )

    @cached_property
    def latest_evaluation(self) -> Evaluation | None:
        return (
            Evaluation.objects.filter(network=self.network)
            .select_related("evaluator")
            .order_by("-date", "-pk")
            .first()
        )

    def readiness_facts(self) -> term_selectors.ReadinessFacts:
        handover, evaluation = self.current_handover, self.latest_evaluation
        return term_selectors.ReadinessFacts(
            active_members=len(self.active_members),
            in_arrears=[b for b in self.balances if b.in_arrears],
            activities_in_window=self.recent_activities[1],
            done_joint_actions=self.joint_action_counts["done"],
            last_evaluation=evaluation.date if evaluation else None,
            commitments_total=(
                sum((c.share_percent for c in handover.commitments.all()), Decimal(0))
                if handover
                else None
            ),
        )

    def timeline(self) -> list[TimelineEntry]:
        return timeline(
            self.network,
            appointments=self.appointments,
            term_changes=self.term_changes,
            handovers=self.handovers,
        )


def activities_section(page: NetworkPage) -> dict:
    """What this subject adds to the network page (templates/networks/_detail_activities.html).

    One query, which also counts the activities for the handover readiness."""
    network, user = page.network, page.user
    may_change = access.can_change_network(user, network)
    recent, _held_in_window = page.recent_activities
    return {
        "recent_activities": recent,
        "can_log_activity": may_change and activities_open(network),
    }


def evaluation_section(page: NetworkPage) -> dict:
    """What this subject adds to the network page (templates/networks/_detail_evaluation.html).

    One query, shared with the handover readiness: the latest evaluation with its evaluator.
    """
    network, user = page.network, page.user
    return {
        "latest_evaluation": page.latest_evaluation,
        "can_evaluate": access.can_evaluate(user, network),
    }


LATEST_ON_NETWORK_PAGE = 5


def latest_joint_actions(page: NetworkPage, limit: int = LATEST_ON_NETWORK_PAGE) -> dict:
    """The joint actions' counts and latest rows, for the overview (the take-up summary is the
    Joint actions tab's: support_selectors.uptake_context).

    Counts by status with the user's waiting count (1 query, shared with the handover
    readiness), the latest actions and their participants (2), the active members for may-log
    (shared with the members table)."""
    network, user = page.network, page.user
    latest = joint_action_selectors.joint_actions_for(network)[:limit]
    counts = page.joint_action_counts
    # access.can_log_joint_action, with the membership taken from the rows the page has read.
    may_log = access.is_facilitator_of(user, network) or page.user_firm_is_active_member()
    return {
        "ja_counts": counts,
        "ja_latest": joint_action_selectors.mark_for_user(latest, user),
        "ja_waiting": counts["waiting"],
        "ja_can_log": joint_actions_open(network) and may_log,
    }


def participation_section(page: NetworkPage) -> dict:
    """The average attendance and the firms drifting away, from the memberships the page has
    read (no query of its own)."""
    rows = progress_selectors.participation_from(page.active_members, page.today)
    return progress_selectors.participation_summary(rows)


def term_elapsed_percent(network: Network, today: datetime.date) -> int | None:
    """How much of the term has passed, 0..100 (None before the term or without a due date)."""
    start, due = network.term_start, network.handover_due
    if start is None or due is None or due <= start:
        return None
    share = (min(max(today, start), due) - start).days * 100 // (due - start).days
    return int(share)


def progress_section(page: NetworkPage) -> dict:
    """What this subject adds to the network page (templates/networks/_detail_progress.html).

    Five queries whatever the size of the network: the goals with their latest actuals, the
    memberships with their participation, the ties of the graph, the dated diagnoses and the
    certified member firms. The page shares the first
    two with its goals and members tables."""
    network = page.network
    progress = progress_selectors.network_progress(
        network, page.today, memberships=page.memberships
    )
    return {
        "goal_progress": page.goal_progress,
        **progress_selectors.participation_summary(progress["participation"]),
        "collaboration": progress["collaboration"],
        # One query each: the typology profile over the dated diagnoses, the certified firms.
        "profile_series": diagnosis_selectors.profile_series(network),
        "certified": certification_selectors.network_counts(network, page.today),
    }


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
        figures = term_selectors.month_split_totals(
            network, month, appointments=page.appointments, memberships=page.memberships
        )
    return {**figures, "month": month, "charged": charge is not None}


def _readiness_items(readiness: term_selectors.Readiness, *, sees_all: bool) -> dict:
    items = []
    for item in readiness.items:
        detail = item.detail
        if item.key == "arrears" and not sees_all:
            # The names of the firms in arrears are theirs and the facilitator's business.
            detail = ""
        items.append({"key": item.key, "label": item.label, "met": item.met, "detail": detail})
    return {"items": items, "score": readiness.score, "total": readiness.total}


def term_section(page: NetworkPage) -> dict:
    """What this subject adds to the network page (templates/networks/_detail_term.html).

    A fixed number of queries whatever the number of firms and months (the tests pin it). The
    handover readiness sums up what other sections show (members, balances, activities, joint
    actions, the latest evaluation): it takes them from the `page`, which reads each once.
    """
    network, user = page.network, page.user
    if network.term_start is None:
        return {"term": None}
    today = page.today
    may_change = access.can_change_network(user, network)
    is_agency = access.is_agency_of(user, network)
    in_consolidation = network.phase == Network.Phase.CONSOLIDATION
    handover = page.current_handover
    rows = term_selectors.visible_balances(user, network, page.balances)
    readiness = term_selectors.readiness(network, today, facts=page.readiness_facts())
    term = {
        "currency": network.programme.currency,
        "clock": term_selectors.clock(network, today),
        "warning": term_selectors.warning(network, today),
        "month_share": _month_share(network, today, page),
        "readiness": _readiness_items(readiness, sees_all=may_change),
        "contributions": term_selectors.contributions_summary(rows, sees_all=may_change),
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
