"""Reads for a network's audit history: the django-simple-history rows of everything that
belongs to the network (and of its programme's settings), newest first, with what changed.

A page costs a bounded number of queries whatever the size of the history: one to count, one
for the page's keys across every history table (a UNION), then for each table that has rows on
the page one query for those rows (with their users and the id of each row's previous version)
and one for the previous versions, and finally one query for each kind of related row the page
names (firms, people, goals, types...).
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.translation import gettext_lazy as _

from networks.models import (
    Activity,
    ActivityType,
    Attendance,
    Criterion,
    Diagnosis,
    Firm,
    FirmIndicator,
    Goal,
    GoalActual,
    Handover,
    HandoverCommitment,
    Invitation,
    JointAction,
    JointActionParticipant,
    JointActionType,
    ManagerAppointment,
    Membership,
    Network,
    Payment,
    Programme,
    ServiceUptake,
    ShareWeight,
    User,
)

PAGE_SIZE = 50

# Bookkeeping fields that change with every save or only repeat who did it: not worth a line.
IGNORED_FIELDS = {"id", "created_at", "updated_at", "updated_by"}

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}

# key -> model, in the order the tables are unioned (the key is stored in each row of the union).
TRACKED = {
    "network": Network,
    "membership": Membership,
    "diagnosis": Diagnosis,
    "goal": Goal,
    "goalactual": GoalActual,
    "appointment": ManagerAppointment,
    "activity": Activity,
    "attendance": Attendance,
    "jointaction": JointAction,
    "participant": JointActionParticipant,
    "uptake": ServiceUptake,
    "payment": Payment,
    "handover": Handover,
    "commitment": HandoverCommitment,
    "shareweight": ShareWeight,
    "indicator": FirmIndicator,
    "programme": Programme,
    "activitytype": ActivityType,
    "jointactiontype": JointActionType,
    "criterion": Criterion,
}
# Settings of the programme, shown on every one of its networks' histories.
PROGRAMME_SETTINGS = {"programme", "activitytype", "jointactiontype", "criterion"}
# The agency console's audit: the programmes' settings and types, and the agency's people.
CONSOLE_TRACKED = {
    "programme": Programme,
    "activitytype": ActivityType,
    "jointactiontype": JointActionType,
    "criterion": Criterion,
    "user": User,
    "invitation": Invitation,
}


def _history(key: str) -> QuerySet:
    return (TRACKED.get(key) or CONSOLE_TRACKED[key]).history.model.objects.all()


def _model(key: str):
    return TRACKED.get(key) or CONSOLE_TRACKED[key]


def _scopes(network: Network) -> dict[str, Q]:
    """For each tracked model, which of its history rows belong to this network.

    Rows are matched through the history tables themselves, so that rows whose object was
    deleted since (a goal, a membership removed before approval) keep their history.
    """
    goals = _history("goal").filter(network_id=network.pk).values("id")
    activities = _history("activity").filter(network_id=network.pk).values("id")
    joint_actions = _history("jointaction").filter(network_id=network.pk).values("id")
    handovers = _history("handover").filter(network_id=network.pk).values("id")
    programme = network.programme_id
    return {
        "network": Q(id=network.pk),
        "membership": Q(network_id=network.pk),
        "diagnosis": Q(network_id=network.pk),
        "goal": Q(network_id=network.pk),
        "goalactual": Q(goal_id__in=goals),
        "appointment": Q(network_id=network.pk),
        "activity": Q(network_id=network.pk),
        "attendance": Q(activity_id__in=activities),
        "jointaction": Q(network_id=network.pk),
        "participant": Q(joint_action_id__in=joint_actions),
        "uptake": Q(network_id=network.pk),
        "payment": Q(network_id=network.pk),
        "handover": Q(network_id=network.pk),
        "commitment": Q(handover_id__in=handovers),
        "shareweight": Q(network_id=network.pk),
        # Only the figures recorded for this network: a member firm's other rows (its own,
        # another network's, another agency's) are not this network's history.
        "indicator": Q(network_id=network.pk),
        "programme": Q(id=programme),
        "activitytype": Q(programme_id=programme),
        "jointactiontype": Q(programme_id=programme),
        "criterion": Q(programme_id=programme),
    }


def _console_scopes(agency_id: int) -> dict[str, Q]:
    """The history rows of an agency's console: its programmes' settings, types and criteria,
    its people (staff and facilitators, and the users of its networks' firms), its invitations."""
    programmes = Programme.objects.filter(agency_id=agency_id).values("pk")
    firms = Membership.objects.filter(network__programme__agency_id=agency_id).values("firm_id")
    return {
        "programme": Q(agency_id=agency_id),
        "activitytype": Q(programme_id__in=programmes),
        "jointactiontype": Q(programme_id__in=programmes),
        "criterion": Q(programme_id__in=programmes),
        "user": Q(agency_id=agency_id) | Q(firm_id__in=firms),
        "invitation": Q(agency_id=agency_id),
    }


def _keys(scopes: dict[str, Q]) -> QuerySet:
    parts = [
        _history(key)
        .filter(scope)
        .annotate(kind=Value(key, output_field=CharField()))
        .values_list("kind", "history_id", "history_date")
        .order_by()
        for key, scope in scopes.items()
    ]
    return parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")


def history_keys(network: Network) -> QuerySet:
    """(kind, history_id, history_date) of every history row of the network, newest first."""
    return _keys(_scopes(network))


@dataclass
class Change:
    field: str
    before: Any
    after: Any


@dataclass
class Entry:
    kind: str
    model_name: str
    record: Any
    action: str
    who: User | None
    when: Any
    label: str = ""
    changes: list[Change] = field(default_factory=list)
    is_setting: bool = False
    reason: str = ""  # why, when the change needed a reason (services.history)

    @property
    def is_deleted(self) -> bool:
        return self.record.history_type == "-"


def _tracked_fields(model) -> list[models.Field]:
    # Only what the history keeps (a user's history leaves out the password and last login).
    kept = {f.name for f in model.history.model._meta.fields}
    return [
        f
        for f in model._meta.fields
        if f.editable
        and f.name in kept
        and f.name not in IGNORED_FIELDS
        and not f.name.startswith("history_")
    ]


def _with_previous(kind: str, ids: list[int]) -> list:
    """The page's rows of one table, with their users and their previous version's id."""
    history = _history(kind)
    previous = history.filter(
        id=OuterRef("id"), history_date__lt=OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    return list(
        history.filter(history_id__in=ids)
        .select_related("history_user")
        .annotate(previous_id=Subquery(previous.values("history_id")[:1]))
    )


def _display(obj) -> str:
    if isinstance(obj, User):
        return obj.get_full_name() or obj.username
    for attribute in ("label", "name", "title"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)
    return f"#{obj.pk}"


class _Names:
    """Names for the ids a page mentions (firms, people, goals, types...): one query for each
    kind of related row, whatever the number of rows on the page."""

    def __init__(self, records: list):
        wanted: dict[type, set] = {}
        for record in records:
            for f in record.instance_type._meta.fields:
                if isinstance(f, models.ForeignKey):
                    value = getattr(record, f.attname, None)
                    if value is not None:
                        wanted.setdefault(f.related_model, set()).add(value)
        self.by_model = {
            model: {pk: _display(obj) for pk, obj in model.objects.in_bulk(ids).items()}
            for model, ids in wanted.items()
        }

    def of(self, model, pk) -> str:
        return self.by_model.get(model, {}).get(pk, f"#{pk}")

    def foreign(self, f: models.ForeignKey, value) -> str:
        return "" if value is None else self.of(f.related_model, value)


def _shown(f: models.Field, value, names: _Names):
    if value is None or value == "":
        return ""
    if isinstance(f, models.ForeignKey):
        return names.foreign(f, value)
    if f.choices:
        return dict(f.flatchoices).get(value, value)
    return value


def _label(kind: str, record, names: _Names) -> str:
    """What the row is about, in words, without a query of its own."""
    for attribute in ("title", "name"):
        value = getattr(record, attribute, None)
        if value:
            return value
    parts = []
    named = (
        ("firm_id", Firm), ("person_id", User), ("goal_id", Goal), ("activity_id", Activity),
        ("joint_action_id", JointAction),
    )  # fmt: skip
    for attname, model in named:
        pk = getattr(record, attname, None)
        if pk:
            parts.append(names.of(model, pk))
    for attribute in ("date", "period_end", "start_date"):
        value = getattr(record, attribute, None)
        if value:
            parts.append(value.isoformat())
            break
    return " · ".join(str(p) for p in parts)


def _changes(record, previous, names: _Names) -> list[Change]:
    model = record.instance_type
    fields = _tracked_fields(model)
    if record.history_type == "~" and previous is not None:
        delta = record.diff_against(previous, included_fields=[f.name for f in fields])
        by_name = {f.name: f for f in fields}
        return [
            Change(
                field=str(by_name[c.field].verbose_name),
                before=_shown(by_name[c.field], c.old, names),
                after=_shown(by_name[c.field], c.new, names),
            )
            for c in delta.changes
        ]
    if record.history_type == "-":
        return []
    # Created (or changed with no earlier version kept): every value it was given.
    changes = []
    for f in fields:
        value = _shown(f, getattr(record, f.attname), names)
        if value != "" and value is not False:
            changes.append(Change(field=str(f.verbose_name), before="", after=value))
    return changes


def history_page(network: Network, page_number) -> Page:
    """One page of the network's history: `page.object_list` is a list of `Entry`."""
    return _page(history_keys(network), page_number)


def console_history_page(agency_id: int, page_number) -> Page:
    """One page of the agency console's audit (same `Entry` rows, same query bound)."""
    return _page(_keys(_console_scopes(agency_id)), page_number)


def _page(keys_queryset: QuerySet, page_number) -> Page:
    page = Paginator(keys_queryset, PAGE_SIZE).get_page(page_number)
    keys = list(page.object_list)
    ids_by_kind: dict[str, list[int]] = {}
    for kind, history_id, _when in keys:
        ids_by_kind.setdefault(kind, []).append(history_id)
    records: dict[tuple[str, int], Any] = {}
    previous: dict[tuple[str, int], Any] = {}
    for kind, ids in ids_by_kind.items():
        rows = _with_previous(kind, ids)
        for row in rows:
            records[(kind, row.history_id)] = row
        earlier_ids = [row.previous_id for row in rows if row.previous_id]
        for row in _history(kind).filter(history_id__in=earlier_ids):
            previous[(kind, row.history_id)] = row
    names = _Names([*records.values(), *previous.values()])
    entries = []
    for kind, history_id, _when in keys:
        record = records[(kind, history_id)]
        earlier = previous.get((kind, record.previous_id)) if record.previous_id else None
        entries.append(
            Entry(
                kind=kind,
                model_name=str(_model(kind)._meta.verbose_name),
                record=record,
                action=str(ACTIONS.get(record.history_type, record.history_type)),
                who=record.history_user,
                when=record.history_date,
                label=_label(kind, record, names),
                changes=_changes(record, earlier, names),
                is_setting=kind in PROGRAMME_SETTINGS,
                reason=record.history_change_reason or "",
            )
        )
    page.object_list = entries
    return page
