"""Exports: the programme's data as CSV or XLSX for the agency's files and for evaluators.

Every export starts from `access.visible_networks` (optionally narrowed to one network the user
may see; any other id is a 404), and the confidential parts go through
`access.firms_with_visible_figures` and `access.readable_indicators`: a firm member gets only
their own firm's ledger, take-ups and indicators, and a network's people only the indicator rows
recorded for their networks or shared with them.

Large exports never sit in memory: rows come from `.iterator(chunk_size=2000)` and go out as a
streamed CSV, or into an openpyxl write-only workbook on a temporary file. What each export holds
is built in `export_tables`; this module registers the kinds and writes the files.

Text cells that a spreadsheet would read as a formula (=, +, -, @, tab, CR) are prefixed with a
single quote; numbers stay numbers.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from networks import access
from networks.files.export_tables import (
    Scope,
    Table,
    activities_table,
    contributions_table,
    evaluations_table,
    export_scope,
    indicators_table,
    joint_actions_table,
    members_table,
    networks_table,
    uptakes_table,
)
from profo.db_router import has_written, note_write, request_scope, use_replica

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
