"""The demo's past, dated as it happened.

The demo is built in one run through the services, which stamp every row and history entry
with the time of the run: without this pass an application would read "approved today" for a
term that began three years ago, and every history page would show the whole past on one day.
This pass sets each stamp to the day its record says (an activity's date, a payment's date, the
term's start for the approval), at a plausible hour. It is demo data only: the app itself never
rewrites a time stamp.
"""

import datetime

from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import (
    Activity,
    Application,
    ApplicationEvent,
    Attendance,
    Diagnosis,
    Evaluation,
    FirmIndicator,
    Goal,
    GoalActual,
    Handover,
    HandoverCommitment,
    JointAction,
    JointActionParticipant,
    ManagerAppointment,
    Membership,
    Network,
    Payment,
    PhaseTransition,
    ServiceUptake,
)


def _at(day: datetime.date, hour: int = 18) -> datetime.datetime:
    """Working hours in Chile: a record is written in the evening of its day (or at `hour`),
    never later than now."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    return min(moment, timezone.now())


def _stamp(rows, field: str, day_of, hour: int = 18) -> None:
    """Set `field` of every row (and of its history rows) to the evening of `day_of(row)`."""
    rows = list(rows)
    for row in rows:
        setattr(row, field, _at(day_of(row), hour))
    if rows:
        type(rows[0]).objects.bulk_update(rows, [field])
    _stamp_history(type(rows[0]) if rows else None, {row.pk: day_of(row) for row in rows}, hour)


def _stamp_history(model, days: dict, hour: int) -> None:
    """The simple-history rows of `model` (the network's History page reads them): the first
    row on the record's day, later ones (a confirmation, a correction) a few days on."""
    if model is None or not hasattr(model, "history") or not days:
        return
    history = model.history.model.objects.filter(id__in=list(days)).order_by("id", "history_id")
    rows, seen = [], {}
    for record in history:
        later = seen.get(record.id, 0)
        seen[record.id] = later + 1
        record.history_date = _at(days[record.id] + datetime.timedelta(days=3 * later), hour)
        rows.append(record)
    model.history.model.objects.bulk_update(rows, ["history_date"], batch_size=500)


def date_the_past(network: Network, *, submitted_on: datetime.date | None = None) -> None:
    """Date one network's records by their own days. The application was submitted about two
    months before the term began and approved three weeks before it (or, for a network still
    in preparation, `submitted_on`)."""
    start = network.term_start
    created = network.created_on
    _stamp_history(Network, {network.pk: created}, 10)
    memberships = Membership.objects.filter(network=network)
    _stamp_history(Membership, {m.pk: m.joined_on for m in memberships}, 11)
    submitted = add_months(start, -2) if start else (submitted_on or timezone.localdate())
    prepared = max(created, submitted - datetime.timedelta(days=20))
    _stamp_history(
        Diagnosis, {d.pk: prepared for d in Diagnosis.objects.filter(network=network)}, 16
    )
    _stamp(Goal.objects.filter(network=network), "created_at", lambda g: prepared, 17)

    application = Application.objects.filter(network=network).first()
    if application and application.submitted_at:
        decided = (
            start - datetime.timedelta(days=21) if start else submitted + datetime.timedelta(days=9)
        )
        events = list(ApplicationEvent.objects.filter(application=application).order_by("at", "pk"))
        for event in events:
            day = submitted if event.action == "submitted" else decided
            ApplicationEvent.objects.filter(pk=event.pk).update(at=_at(day, 12))
        Application.objects.filter(pk=application.pk).update(
            submitted_at=_at(submitted, 12),
            decided_at=_at(decided, 12) if application.decided_at else None,
        )
    for transition in PhaseTransition.objects.filter(network=network):
        day = {"consolidation": start, "independence": network.handed_over_on}.get(
            transition.to_phase
        )
        if day:
            PhaseTransition.objects.filter(pk=transition.pk).update(at=_at(day, 9))
    _stamp(ManagerAppointment.objects.filter(network=network), "created_at",
           lambda a: a.start_date, 9)  # fmt: skip
    if start is None:
        return

    activities = Activity.objects.filter(network=network)
    _stamp(activities, "created_at", lambda a: a.date)
    dates = dict(activities.values_list("pk", "date"))
    _stamp_history(Attendance, {a.pk: dates[a.activity_id]
                                for a in Attendance.objects.filter(activity__network=network)},
                   19)  # fmt: skip
    actions = JointAction.objects.filter(network=network)
    _stamp(actions, "created_at", lambda j: j.start_date)
    starts = dict(actions.values_list("pk", "start_date"))
    # A partner confirms within the week the action was logged.
    participants = JointActionParticipant.objects.filter(joint_action__network=network)
    confirmed = [p for p in participants if p.confirmed_at]
    for p in confirmed:
        p.confirmed_at = _at(starts[p.joint_action_id] + datetime.timedelta(days=4), 20)
    JointActionParticipant.objects.bulk_update(confirmed, ["confirmed_at"])
    _stamp_history(JointActionParticipant,
                   {p.pk: starts[p.joint_action_id] for p in participants}, 18)  # fmt: skip
    _stamp(ServiceUptake.objects.filter(network=network), "created_at", lambda u: u.date)
    _stamp(Payment.objects.filter(network=network), "created_at", lambda p: p.date, 12)
    _stamp(GoalActual.objects.filter(goal__network=network), "created_at",
           lambda g: g.period_end + datetime.timedelta(days=5))  # fmt: skip
    _stamp(FirmIndicator.objects.filter(network=network), "created_at", lambda f: f.date, 15)
    _stamp(Evaluation.objects.filter(network=network), "created_at", lambda e: e.date, 16)
    for handover in Handover.objects.filter(network=network):
        proposed = handover.date - datetime.timedelta(days=30)
        Handover.objects.filter(pk=handover.pk).update(
            proposed_at=_at(proposed, 11),
            confirmed_at=_at(proposed + datetime.timedelta(days=6), 11)
            if handover.confirmed_at else None,
        )  # fmt: skip
        _stamp_history(Handover, {handover.pk: proposed}, 11)
        _stamp_history(HandoverCommitment, {c.pk: proposed for c in handover.commitments.all()},
                       11)  # fmt: skip
