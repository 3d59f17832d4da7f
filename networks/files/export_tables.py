"""The exports' tables: what each export holds, row by row, for a scope of networks.

Every table starts from `access.visible_networks` (optionally narrowed to one network the user
may see), and the confidential parts go through `access.firms_with_visible_figures` and
`access.readable_indicators`. Rows come from `.iterator(chunk_size=CHUNK)`; names joined per
row (attendees, participants) are aggregated in SQL on PostgreSQL (string_agg) and read with one
query per chunk of rows elsewhere (SQLite, `make run` only): no table runs a query per row.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from networks import access
from networks.models import (
    ON_BEHALF_METHODS,
    Activity,
    ActivityType,
    Attendance,
    Criterion,
    Evaluation,
    EvaluationResult,
    FirmIndicator,
    JointAction,
    JointActionParticipant,
    JointActionType,
    Membership,
    Network,
    User,
)
from networks.rules import FIGURES
from networks.selectors import term as term_selectors
from networks.selectors.sql import count_subquery

CHUNK = 2000
NAME_SEPARATOR = "; "


# --- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What one export may contain: the user, their networks, and one network if asked."""

    user: User
    networks: QuerySet[Network]
    network: Network | None = None

    @property
    def is_firm_member(self) -> bool:
        return self.user.role == User.Role.FIRM_MEMBER


def export_scope(user, network_id=None) -> Scope:
    """The user's visible networks, or the one `network_id` names (404 if it is not theirs)."""
    networks = access.visible_networks(user)
    if network_id in (None, ""):
        return Scope(user=user, networks=networks)
    network = access.get_network_or_404(user, network_id)
    return Scope(user=user, networks=networks.filter(pk=network.pk), network=network)


# --- SQL pieces -----------------------------------------------------------------------------


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _joined(queryset: QuerySet, outer: str, field: str, *, distinct: bool = False) -> Subquery:
    """The `field` values of a correlated subquery joined with "; ", in order (PostgreSQL).

    Grouped by `outer`, the column the subquery is correlated on, so that it yields one row.
    """
    from django.contrib.postgres.aggregates import StringAgg

    joined = (
        queryset.order_by()
        .values(outer)
        .annotate(names=StringAgg(field, NAME_SEPARATOR, distinct=distinct, order_by=field))
        .values("names")[:1]
    )
    return Subquery(joined)


def _string_agg(field: str):
    """The names of a joined relation, "; "-separated and sorted, per grouped row (PostgreSQL)."""
    from django.contrib.postgres.aggregates import StringAgg

    return StringAgg(field, NAME_SEPARATOR, order_by=field, default="")


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


# --- the exports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: Iterable[list]


def _label(model, field: str) -> str:
    return str(capfirst(model._meta.get_field(field).verbose_name))


def networks_table(scope: Scope) -> Table:
    active = Membership.objects.filter(network=OuterRef("pk"), left_on__isnull=True)
    networks = (
        scope.networks.select_related("programme__agency", "facilitator")
        .annotate(active_members=count_subquery(active))
        .order_by("name", "pk")
    )
    headers = [
        _("Network id"), _("Network"), _("Agency"), _("Programme"), _("Phase"), _("Region"),
        _("Commune"), _("Sector"), _("Facilitator"), _("Created on"), _("Term start"),
        _("Handover due"), _("Handed over on"), _("Active members"),
    ]  # fmt: skip

    def rows():
        for n in networks.iterator(chunk_size=CHUNK):
            yield [
                n.pk, n.name, n.programme.agency.name, n.programme.name, n.get_phase_display(),
                n.region, n.commune, n.sector, _person(n.facilitator), n.created_on, n.term_start,
                n.handover_due, n.handed_over_on, n.active_members,
            ]  # fmt: skip

    return Table(headers, rows())


def members_table(scope: Scope) -> Table:
    memberships = (
        Membership.objects.filter(network__in=scope.networks)
        .select_related("network", "firm")
        .order_by("network__name", "network_id", "firm__name", "joined_on", "pk")
    )
    headers = [
        _("Network id"), _("Network"), _("Firm id"), _("Firm"), _("Tax id"), _("Sector"),
        _("Region"), _("Commune"), _("Employees"), _("E-mail"), _("Phone"), _("Joined on"),
        _("Left on"), _("Reason for leaving"),
    ]  # fmt: skip
    # A firm member reads the other members' names, not how to reach them.
    own_firm = scope.user.firm_id if scope.is_firm_member else None

    def rows():
        for m in memberships.iterator(chunk_size=CHUNK):
            firm = m.firm
            contact = own_firm is None or firm.pk == own_firm
            yield [
                m.network_id, m.network.name, firm.pk, firm.name, firm.tax_id, firm.sector,
                firm.region, firm.commune, firm.employees, firm.email if contact else "",
                firm.phone if contact else "", m.joined_on, m.left_on, m.leave_reason,
            ]  # fmt: skip

    return Table(headers, rows())


class _Labels(dict):
    """A type's label by (slug, name), translated once per export instead of once per row."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def __missing__(self, key):
        slug, name = key
        self[key] = label = str(self.model.DEFAULT_LABELS.get(slug, name))
        return label


def _chunks(rows: Iterable, size: int = CHUNK) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _with_names(rows: Iterable, names_of: Callable[[list[int]], dict[int, str]]) -> Iterator:
    """(row, joined firm names) for rows read with `.values_list(..., named=True)`.

    On PostgreSQL the names came with the row (`names`, string_agg); elsewhere they are read
    with one query per chunk of rows.
    """
    if _on_postgres():
        for row in rows:
            yield row, row.names or ""
        return
    for chunk in _chunks(rows):
        names = names_of([row.pk for row in chunk])
        for row in chunk:
            yield row, names.get(row.pk, "")


def _firm_names(queryset: QuerySet, owner: str) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    for key, name in queryset.order_by("firm__name").values_list(owner, "firm__name"):
        found.setdefault(key, []).append(name)
    return {key: NAME_SEPARATOR.join(names) for key, names in found.items()}


def activities_table(scope: Scope) -> Table:
    # One join and GROUP BY, not a subquery per row: several times faster on 100,000 rows.
    activities = (
        Activity.objects.filter(network__in=scope.networks)
        .annotate(attendee_count=Count("attendance"))
        .order_by("network__name", "network_id", "-date", "-pk")
    )
    fields = [
        "pk", "network_id", "network__name", "date", "type__slug", "type__name", "title", "place",
        "host_firm__name", "cost", "attendee_count", "description", "outcomes",
    ]  # fmt: skip
    if _on_postgres():
        activities = activities.annotate(names=_string_agg("attendance__firm__name"))
        fields.append("names")
    headers = [
        _("Network id"), _("Network"), _("Activity id"), _("Date"), _("Type"), _("Title"),
        _("Place"), _("Host firm"), _("Cost"), _("Attendees"), _("Attending firms"),
        _("Description"), _("Outcomes"),
    ]  # fmt: skip

    def names_of(ids):
        return _firm_names(Attendance.objects.filter(activity_id__in=ids), "activity_id")

    def rows():
        # Plain tuples, not model instances: an export may run to hundreds of thousands of rows.
        labels = _Labels(ActivityType)
        found = activities.values_list(*fields, named=True).iterator(chunk_size=CHUNK)
        for a, names in _with_names(found, names_of):
            yield [
                a.network_id, a.network__name, a.pk, a.date, labels[a.type__slug, a.type__name],
                a.title, a.place, a.host_firm__name or "", a.cost, a.attendee_count, names,
                a.description, a.outcomes,
            ]  # fmt: skip

    return Table(headers, rows())


def joint_actions_table(scope: Scope) -> Table:
    actions = (
        JointAction.objects.filter(network__in=scope.networks)
        .annotate(
            participant_count=Count("participants"),
            confirmed_count=Count(
                "participants", filter=Q(participants__confirmed_at__isnull=False)
            ),
            # Told apart from the firms' own: the answers the facilitator recorded for them.
            recorded_count=Count(
                "participants",
                filter=Q(participants__confirmation_method__in=ON_BEHALF_METHODS),
            ),
        )
        .order_by("network__name", "network_id", "-created_at", "-pk")
    )
    fields = [
        "pk", "network_id", "network__name", "type__slug", "type__name", "title", "status",
        "start_date", "end_date", "value", "participant_count", "confirmed_count",
        "recorded_count", "logged_by_firm__name", "outcome",
    ]  # fmt: skip
    if _on_postgres():
        actions = actions.annotate(names=_string_agg("participants__firm__name"))
        fields.append("names")
    headers = [
        _("Network id"), _("Network"), _("Joint action id"), _("Type"), _("Title"), _("Status"),
        _("Start date"), _("End date"), _("Money value"), _("Participants"),
        _("Participating firms"), _("Confirmed participants"),
        _("Of which recorded by the facilitator"), _("Logged by firm"), _("Outcome"),
    ]  # fmt: skip

    def names_of(ids):
        found = JointActionParticipant.objects.filter(joint_action_id__in=ids)
        return _firm_names(found, "joint_action_id")

    def rows():
        labels = _Labels(JointActionType)
        statuses = {value: str(label) for value, label in JointAction.Status.choices}
        found = actions.values_list(*fields, named=True).iterator(chunk_size=CHUNK)
        for j, names in _with_names(found, names_of):
            yield [
                j.network_id, j.network__name, j.pk, labels[j.type__slug, j.type__name], j.title,
                statuses.get(j.status, j.status), j.start_date, j.end_date, j.value,
                j.participant_count, names, j.confirmed_count, j.recorded_count,
                j.logged_by_firm__name or "", j.outcome,
            ]  # fmt: skip

    return Table(headers, rows())


def uptakes_table(scope: Scope) -> Table:
    # visible_uptakes already keeps a firm member to their own firm's rows.
    uptakes = (
        access.visible_uptakes(scope.user)
        .filter(network__in=scope.networks)
        .select_related("network", "firm", "service__provider")
        .order_by("network__name", "network_id", "-date", "-pk")
    )
    headers = [
        _("Network id"), _("Network"), _("Firm id"), _("Firm"), _("Tax id"), _("Service"),
        _("Provider"), _("Category"), _("Date"), _("Status"), _("Referred by the facilitator"),
        _("Result"),
    ]  # fmt: skip

    def rows():
        for u in uptakes.iterator(chunk_size=CHUNK):
            yield [
                u.network_id, u.network.name, u.firm_id, u.firm.name, u.firm.tax_id,
                u.service.name, u.service.provider.name, u.service.get_category_display(),
                u.date, u.get_status_display(), u.referred_by_facilitator, u.result,
            ]  # fmt: skip

    return Table(headers, rows())


def contributions_table(scope: Scope) -> Table:
    """Per network and firm: owed, paid, balance, arrears (a firm member: their own row).

    Runs the term's ledger summary once per network (a few queries each): a network has at
    most a few dozen firms, so the rows per query stay bounded.
    """
    networks = scope.networks.select_related("programme").order_by("name", "pk")
    headers = [
        _("Network id"), _("Network"), _("Currency"), _("Firm id"), _("Firm"), _("Tax id"),
        _("Owed"), _("Paid"), _("Balance"), _("Arrears"),
    ]  # fmt: skip

    def rows():
        for network in networks.iterator(chunk_size=CHUNK):
            for b in term_selectors.contributions_for(scope.user, network):
                yield [
                    network.pk, network.name, network.programme.currency, b.firm.pk, b.firm.name,
                    b.firm.tax_id, b.owed, b.paid, b.balance, b.arrears,
                ]  # fmt: skip

    return Table(headers, rows())


def evaluations_table(scope: Scope) -> Table:
    """One row per evaluation, one yes/no column per criterion (by key across programmes)."""
    criteria = Criterion.objects.filter(programme__in=scope.networks.values("programme")).order_by(
        "position", "pk"
    )
    columns: dict[str, str] = {}
    key_of: dict[int, str] = {}
    for criterion in criteria:
        key_of[criterion.pk] = criterion.key
        columns.setdefault(criterion.key, str(criterion.label))
    evaluations = (
        Evaluation.objects.filter(network__in=scope.networks)
        .select_related("network", "evaluator")
        .prefetch_related(
            Prefetch(
                "results",
                queryset=EvaluationResult.objects.only("evaluation_id", "criterion_id", "met"),
            )
        )
        .order_by("network__name", "network_id", "-date", "-pk")
    )
    headers = [
        _("Network id"), _("Network"), _("Evaluation id"), _("Date"), _("Evaluator"),
        _("Criteria met"), _("Criteria"), _("Notes"), *columns.values(),
    ]  # fmt: skip

    def rows():
        for e in evaluations.iterator(chunk_size=CHUNK):
            met = {key_of.get(r.criterion_id): r.met for r in e.results.all()}
            yield [
                e.network_id, e.network.name, e.pk, e.date, _person(e.evaluator), e.met_count,
                e.criteria_count, e.notes, *(met.get(key) for key in columns),
            ]  # fmt: skip

    return Table(headers, rows())


def indicators_table(scope: Scope) -> Table:
    """The firms' figures as a panel (firm × date), for before/after studies.

    Only the rows the user may read (`access.readable_indicators`) of firms of the scope's
    networks: a firm member gets their own firm's rows; a facilitator or agency the rows
    recorded for their networks and those the firm shares with them, never another agency's.
    Narrowed to one network, only the rows that network may read.
    """
    in_scope = Membership.objects.filter(network__in=scope.networks)
    reports = access.readable_indicators(scope.user).filter(firm_id__in=in_scope.values("firm_id"))
    if scope.network is not None:
        reports = reports & access.network_readable_indicators(scope.network)
    reports = reports.order_by("firm__name", "firm_id", "date", "network__name", "pk")
    fields = [
        "firm_id", "firm__name", "firm__tax_id", "network__name", "date", "is_baseline", *FIGURES,
    ]  # fmt: skip
    networks_of: dict[int, str] | None = None
    if _on_postgres():
        firm_networks = in_scope.filter(firm=OuterRef("firm_id"))
        reports = reports.annotate(
            names=_joined(firm_networks, "firm", "network__name", distinct=True)
        )
        fields.append("names")
    else:
        # One query for the whole scope: its memberships, not its (many more) reports.
        names: dict[int, set] = {}
        for firm_id, name in in_scope.values_list("firm_id", "network__name"):
            names.setdefault(firm_id, set()).add(name)
        networks_of = {k: NAME_SEPARATOR.join(sorted(v)) for k, v in names.items()}
    headers = [
        _("Firm id"), _("Firm"), _("Tax id"), _("Networks"), _("Recorded for"), _("Date"),
        _("Baseline"), *(_label(FirmIndicator, f) for f in FIGURES),
    ]  # fmt: skip
    own = _("the firm's own record")

    def rows():
        for r in reports.values_list(*fields, named=True).iterator(chunk_size=CHUNK):
            names = r.names if networks_of is None else networks_of.get(r.firm_id)
            yield [
                r.firm_id, r.firm__name, r.firm__tax_id, names or "", r.network__name or own,
                r.date, r.is_baseline, *(getattr(r, f) for f in FIGURES),
            ]  # fmt: skip

    return Table(headers, rows())
