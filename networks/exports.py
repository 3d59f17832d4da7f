"""Exports: the programme's data as CSV or XLSX for the agency's files and for evaluators.

Every export starts from `access.visible_networks` (optionally narrowed to one network the user
may see; any other id is a 404), and the confidential parts go through
`access.firms_with_visible_figures` and `access.readable_indicators`: a firm member gets only
their own firm's ledger, take-ups and indicators, and a network's people only the indicator rows
recorded for their networks or shared with them.

Large exports never sit in memory: rows come from `.iterator(chunk_size=2000)` and go out as a
streamed CSV, or into an openpyxl write-only workbook on a temporary file. Names joined per row
(attendees, participants) are aggregated in SQL on PostgreSQL (string_agg) and read with one
query per chunk of rows elsewhere (SQLite, `make run` only): no export runs a query per row.

Text cells that a spreadsheet would read as a formula (=, +, -, @, tab, CR) are prefixed with a
single quote; numbers stay numbers.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from networks import access
from networks.models import (
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
from profo.db_router import has_written, note_write, request_scope, use_replica

CHUNK = 2000
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME_SEPARATOR = "; "


# --- cells ----------------------------------------------------------------------------------


def neutralise(value):
    """A string a spreadsheet would run as a formula, made plain text; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return neutralise(str(value)) if isinstance(value, str) else str(value)


def xlsx_cell(value):
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the local wall time is what the reader expects.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


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


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated subquery: one number per outer row, no GROUP BY on it."""
    counted = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


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
        .annotate(active_members=_count(active))
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
        )
        .order_by("network__name", "network_id", "-created_at", "-pk")
    )
    fields = [
        "pk", "network_id", "network__name", "type__slug", "type__name", "title", "status",
        "start_date", "end_date", "value", "participant_count", "confirmed_count",
        "logged_by_firm__name", "outcome",
    ]  # fmt: skip
    if _on_postgres():
        actions = actions.annotate(names=_string_agg("participants__firm__name"))
        fields.append("names")
    headers = [
        _("Network id"), _("Network"), _("Joint action id"), _("Type"), _("Title"), _("Status"),
        _("Start date"), _("End date"), _("Money value"), _("Participants"),
        _("Participating firms"), _("Confirmed participants"), _("Logged by firm"), _("Outcome"),
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
                j.participant_count, names, j.confirmed_count, j.logged_by_firm__name or "",
                j.outcome,
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


@dataclass(frozen=True)
class ExportKind:
    key: str
    title: object
    description: object
    build: Callable[[Scope], Table]


KINDS: dict[str, ExportKind] = {
    k.key: k
    for k in (
        ExportKind("networks", gettext_lazy("Networks"),
                   gettext_lazy("Phase, term dates and active members of each network."),
                   networks_table),
        ExportKind("members", gettext_lazy("Member firms"),
                   gettext_lazy("Every membership, current and former, with the firm's details."),
                   members_table),
        ExportKind("activities", gettext_lazy("Activities and attendance"),
                   gettext_lazy("One row per activity with its attending firms."),
                   activities_table),
        ExportKind("joint-actions", gettext_lazy("Joint actions"),
                   gettext_lazy("Participating firms, confirmations, status and value."),
                   joint_actions_table),
        ExportKind("uptakes", gettext_lazy("Support-service take-up"),
                   gettext_lazy("Which firm used which service, when, with what result."),
                   uptakes_table),
        ExportKind("contributions", gettext_lazy("Contributions"),
                   gettext_lazy("Owed, paid, balance and arrears per firm toward the manager's salary."),
                   contributions_table),
        ExportKind("evaluations", gettext_lazy("Evaluations"),
                   gettext_lazy("One row per evaluation, each criterion met or not."),
                   evaluations_table),
        ExportKind("indicators", gettext_lazy("Firm indicators (panel)"),
                   gettext_lazy("Baseline and follow-ups per firm and date, for before/after studies."),
                   indicators_table),
    )
}  # fmt: skip


def kinds_for(user) -> list[ExportKind]:
    """The exports a user's role offers (every role gets them all, each scoped to the user)."""
    return list(KINDS.values()) if access.can_export(user) else []


def get_kind_or_404(key: str) -> ExportKind:
    try:
        return KINDS[key]
    except KeyError:
        raise Http404("No such export.") from None


def filename(kind: ExportKind, fmt: str, today: datetime.date | None = None) -> str:
    return f"profo-{kind.key}-{(today or timezone.localdate()).isoformat()}.{fmt}"


# --- writing --------------------------------------------------------------------------------


def csv_chunks(table: Table, language: str | None) -> Iterator[bytes]:
    """The CSV as byte chunks of a few dozen kilobytes (a BOM first, so Excel reads UTF-8)."""
    with translation.override(language):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([csv_cell(h) for h in table.headers])
        for index, row in enumerate(table.rows, start=1):
            writer.writerow([csv_cell(v) for v in row])
            if index % 500 == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")


def write_xlsx(table: Table, title: str):
    """The workbook on an anonymous temporary file (openpyxl's write-only mode keeps the rows
    on disk too), rewound for reading; it disappears when closed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([xlsx_cell(h) for h in table.headers])
    for row in table.rows:
        sheet.append([xlsx_cell(v) for v in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def _protect(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _on_replica(chunks):
    """A streamed export reads its rows while the response is sent, after the view and the
    request's scope have ended: the replica is asked for around the reading, with the request's
    "has written" carried over (a read after a write stays on the primary)."""
    written = has_written()

    def stream():
        with request_scope():
            if written:
                note_write()
            with use_replica():
                yield from chunks

    return stream()


def export_response(user, kind_key: str, fmt: str, network_id=None):
    """The export as a download: streamed CSV, or an XLSX file response. 404 for an unknown
    kind or format, or a network the user may not see."""
    kind = get_kind_or_404(kind_key)
    if fmt not in FORMATS or kind not in kinds_for(user):
        raise Http404("No such export.")
    scope = export_scope(user, network_id)
    table = kind.build(scope)
    name = filename(kind, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            _on_replica(csv_chunks(table, translation.get_language())),
            content_type=CONTENT_TYPES["csv"],
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return _protect(response)
    with use_replica():
        handle = write_xlsx(table, kind.key)
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"]
    )
    return _protect(response)
