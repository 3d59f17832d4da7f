"""The import of firms and memberships from a CSV or XLSX file: reading it, and the preview.

Two steps, so that nothing is written until the user has seen what will happen:

1. `parse_file` reads the bytes into rows of text. A file that cannot be a table of firms as a
   whole (empty, binary, an unknown encoding, no `name`/`tax_id` headers, too many rows) is
   refused here with one message.
2. `plan_import` decides, row by row, what the import would do: a new firm, an updated firm, a
   new membership, nothing (unchanged), or an error with its reason. It reads the database in a
   few queries whatever the number of rows (firms by tax id, networks, active memberships), so
   that a file of 10,000 rows is planned in seconds.

`networks.services.imports.import_apply` writes a plan that has no errors, all or nothing.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.files import uploads
from networks.lib.taxid import normalize_tax_id
from networks.models import Application, Firm, Membership, Network, Programme

MAX_ROWS = 50_000
MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024)
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # what an XLSX may inflate to; more is a zip bomb

COLUMNS = (
    "name", "tax_id", "sector", "region", "commune", "employees", "email", "phone", "network",
    "joined_on",
)  # fmt: skip
REQUIRED_COLUMNS = ("name", "tax_id")
FIRM_FIELDS = ("name", "sector", "region", "commune", "employees", "email", "phone")
# Spanish and spelled-out headers people type in their own sheets.
ALIASES = {
    "nombre": "name", "razon_social": "name", "rut": "tax_id", "tax_id": "tax_id",
    "taxid": "tax_id", "region": "region", "comuna": "commune", "rubro": "sector",
    "empleados": "employees", "trabajadores": "employees", "e_mail": "email", "correo": "email",
    "telefono": "phone", "red": "network", "network_id": "network", "fecha_ingreso": "joined_on",
    "joined": "joined_on",
}  # fmt: skip

# Messages about the file as a whole.
IMPORT_EMPTY = _("The file is empty.")
IMPORT_NO_ROWS = _("The file has a header row but no firms.")
IMPORT_TOO_LARGE = _("The file is too large: the limit is %(limit)s.")
IMPORT_NOT_A_TABLE = _(
    "This is not a CSV or XLSX file. Save the sheet as CSV (UTF-8) or XLSX and upload it again."
)
IMPORT_ENCODING = _(
    "The file's text could not be read (unknown encoding). Save it as CSV UTF-8 and upload it "
    "again."
)
IMPORT_XLSX_UNREADABLE = _(
    "The XLSX file could not be read. Open it in your spreadsheet program, save it again and "
    "upload it."
)
IMPORT_CSV_UNREADABLE = _("The CSV file could not be read: %(reason)s")
IMPORT_MISSING_HEADERS = _(
    "The first row must name the columns. Missing: %(missing)s. Expected columns: %(expected)s."
)
IMPORT_TOO_MANY_ROWS = _("The file has more than %(max)s rows. Split it into smaller files.")

# Messages about one row.
ROW_NAME_REQUIRED = _("The name is missing.")
ROW_TAX_ID_REQUIRED = _("The tax id is missing.")
ROW_TAX_ID_INVALID = _("Bad tax id “%(value)s”: %(reason)s")
ROW_DUPLICATE = _("Duplicate of line %(line)s (same tax id and network).")
ROW_CONFLICT = _("Line %(line)s gives other details for the same tax id (%(fields)s).")
ROW_UNKNOWN_NETWORK = _("Unknown network “%(network)s”.")
ROW_NETWORK_AMBIGUOUS = _("Several of your networks are called “%(network)s”: give its id.")
ROW_NETWORK_NOT_YOURS = _("You may not change the network “%(network)s”.")
ROW_NETWORK_CLOSED = _("The network “%(network)s” is dissolved.")
ROW_NETWORK_UNDER_REVIEW = _(
    "The application of “%(network)s” is under review: its members cannot change now."
)
ROW_EMPLOYEES_INVALID = _("Employees must be a whole number, 0 or more (got “%(value)s”).")
ROW_EMAIL_INVALID = _("The e-mail address “%(value)s” is not valid.")
ROW_TOO_LONG = _("The %(field)s is too long: at most %(max)s characters.")
ROW_DATE_INVALID = _("The joining date must be a date like 2026-03-31 (got “%(value)s”).")
ROW_DATE_IN_FUTURE = _("The joining date cannot be in the future.")
ROW_DATE_WITHOUT_NETWORK = _("A joining date needs a network.")
# Notes (not errors).
NOTE_ALREADY_MEMBER = _("Already an active member of “%(network)s”.")
NOTE_DETAILS_KEPT = _(
    "This firm is registered already outside your networks: its details are kept as they are."
)


class Status:
    ERROR = "error"
    NEW_FIRM = "new_firm"
    UPDATED_FIRM = "updated_firm"
    NEW_MEMBERSHIP = "new_membership"
    UNCHANGED = "unchanged"

    LABELS = {
        ERROR: _("error"),
        NEW_FIRM: _("new firm"),
        UPDATED_FIRM: _("updated firm"),
        NEW_MEMBERSHIP: _("new membership"),
        UNCHANGED: _("unchanged"),
    }


# --- reading the file -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRow:
    line: int  # as the user's spreadsheet numbers it (the header is line 1)
    values: dict[str, str]


@dataclass(frozen=True)
class ParsedFile:
    rows: list[ImportRow]
    ignored_columns: list[str]


def _refuse(message) -> ValidationError:
    return ValidationError({"file": [message]})


def _header_key(text: str) -> str:
    plain = text.strip().lower()
    plain = plain.translate(str.maketrans("áéíóúñ", "aeioun"))
    plain = re.sub(r"[\s\-.]+", "_", plain).strip("_")
    return ALIASES.get(plain, plain)


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _table(records) -> ParsedFile:
    """Rows of cells (header first) into named rows; blank lines are skipped."""
    header, rows, ignored = None, [], []
    for line, record in enumerate(records, start=1):
        cells = [_cell_text(c) for c in record]
        if not any(cells):
            continue
        if header is None:
            header = [_header_key(c) for c in cells]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise _refuse(
                    IMPORT_MISSING_HEADERS
                    % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)}
                )
            ignored = [cells[i] for i, key in enumerate(header) if key not in COLUMNS]
            continue
        if len(rows) >= MAX_ROWS:
            raise _refuse(IMPORT_TOO_MANY_ROWS % {"max": f"{MAX_ROWS:,}"})
        values = {}
        for key, cell in zip(header, cells, strict=False):
            # The first column of a name wins over a repeated header.
            if key in COLUMNS and key not in values:
                values[key] = cell
        rows.append(ImportRow(line, values))
    if header is None:
        raise _refuse(IMPORT_EMPTY)
    if not rows:
        raise _refuse(IMPORT_NO_ROWS)
    return ParsedFile(rows, ignored)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(IMPORT_ENCODING)  # UTF-16: Excel's "Unicode text"
    if b"\x00" in data:
        raise _refuse(IMPORT_NOT_A_TABLE)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Control characters other than tab and line ends mean binary content.
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
            raise _refuse(IMPORT_NOT_A_TABLE)
        return text
    raise _refuse(IMPORT_ENCODING)


def _parse_csv(data: bytes) -> ParsedFile:
    text = _decode(data)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    # Spreadsheets in Spanish save with ";"; pick what separates the header best.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        return _table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _refuse(IMPORT_CSV_UNREADABLE % {"reason": exc}) from None


def _parse_xlsx(data: bytes, name: str) -> ParsedFile:
    checked = uploads.check_upload(ContentFile(data, name=name or "import.xlsx"))
    if checked.kind != "xlsx":
        raise _refuse(IMPORT_NOT_A_TABLE)
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise _refuse(IMPORT_TOO_LARGE % {"limit": filesizeformat(MAX_UNZIPPED_BYTES)})
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a broken file: refuse them all
        raise _refuse(IMPORT_XLSX_UNREADABLE) from None
    try:
        return _table(workbook.worksheets[0].iter_rows(values_only=True))
    except ValidationError:
        raise
    except Exception:
        raise _refuse(IMPORT_XLSX_UNREADABLE) from None
    finally:
        workbook.close()


def parse_file(data: bytes, name: str = "") -> ParsedFile:
    """The rows of an uploaded CSV or XLSX file, or ValidationError({"file": ...})."""
    if not data:
        raise _refuse(IMPORT_EMPTY)
    if len(data) > MAX_BYTES:
        raise _refuse(IMPORT_TOO_LARGE % {"limit": filesizeformat(MAX_BYTES)})
    if data.startswith(b"PK\x03\x04"):
        return _parse_xlsx(data, name)
    if uploads.sniff(io.BytesIO(data)) is not None:
        raise _refuse(IMPORT_NOT_A_TABLE)  # a PDF or an image
    return _parse_csv(data)


def read_upload(upload) -> bytes:
    """The uploaded file's bytes, refusing a too large one before reading it all."""
    if upload.size > MAX_BYTES:
        raise _refuse(IMPORT_TOO_LARGE % {"limit": filesizeformat(MAX_BYTES)})
    upload.seek(0)
    return upload.read()


# --- the plan -------------------------------------------------------------------------------


@dataclass
class RowPlan:
    line: int
    values: dict[str, str]
    tax_id: str = ""
    network: Network | None = None
    joined_on: datetime.date | None = None
    firm: Firm | None = None  # the registered firm with this tax id, if any
    fields: dict = field(default_factory=dict)  # firm fields the file gives (non-empty)
    changes: dict = field(default_factory=dict)  # field -> (old, new) for an update
    new_firm: bool = False
    new_membership: bool = False
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def statuses(self) -> list[str]:
        if self.errors:
            return [Status.ERROR]
        found = []
        if self.new_firm:
            found.append(Status.NEW_FIRM)
        elif self.changes:
            found.append(Status.UPDATED_FIRM)
        if self.new_membership:
            found.append(Status.NEW_MEMBERSHIP)
        return found or [Status.UNCHANGED]

    @property
    def labels(self) -> list[tuple[str, str]]:
        return [(s, str(Status.LABELS[s])) for s in self.statuses]

    @property
    def has_error(self) -> bool:
        return bool(self.errors)

    @property
    def change_lines(self) -> list[tuple[str, object, object]]:
        """(field label, value now, value in the file) for each detail the import changes."""
        return [
            (capfirst(Firm._meta.get_field(name).verbose_name), old, new)
            for name, (old, new) in self.changes.items()
        ]


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if status in row.statuses)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in Status.LABELS}

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return self.count(Status.ERROR)


def _batches(values: list, size: int | None = None):
    # SQLite caps the parameters of one query; PostgreSQL takes a few tens of thousands.
    size = size or (10_000 if connection.vendor == "postgresql" else 900)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _is_id(ref: str) -> bool:
    # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
    return ref.isascii() and ref.isdigit()


def _networks(actor, refs: set[str]) -> tuple[dict[int, Network], dict[str, list[Network]]]:
    # A number is an id, or else a name ("2024" may be both).
    ids = {int(ref) for ref in refs if _is_id(ref)}
    submitted = Application.objects.filter(
        network=OuterRef("pk"), status=Application.Status.SUBMITTED
    )
    found = (
        access.visible_networks(actor)
        .filter(Q(pk__in=ids) | Q(name__in=refs))
        .select_related("programme")
        .annotate(under_review=Exists(submitted))
    )
    by_id, by_name = {}, {}
    for network in found:
        by_id[network.pk] = network
        by_name.setdefault(network.name, []).append(network)
    return by_id, by_name


def _default_country(actor) -> str:
    """The country of the user's agency's programmes when they all share one, else Chile."""
    if not getattr(actor, "agency_id", None):
        return "CL"
    countries = set(
        Programme.objects.filter(agency_id=actor.agency_id).values_list("country", flat=True)
    )
    return countries.pop() if len(countries) == 1 else "CL"


def _existing_firms(actor, tax_ids: list[str]) -> dict[str, Firm]:
    """Registered firms by tax id, each marked `editable` when the user may change its details.

    The rule of `firm_update`: a firm of the user's own networks. Any other firm (another
    agency's, or one in no network) joins as it is, so that an import never rewrites what
    someone else registered.
    """
    figures = access.firms_with_visible_figures(actor).values("pk")
    editable = ExpressionWrapper(Q(pk__in=figures), output_field=BooleanField())
    firms = {}
    for batch in _batches(tax_ids):
        for firm in Firm.objects.filter(tax_id__in=batch).annotate(editable=editable):
            firms[firm.tax_id] = firm
    return firms


def _active_pairs(network_ids: set[int]) -> set[tuple[int, int]]:
    """(network, firm) of the active memberships of the file's networks: a network has a few
    dozen members, far fewer than a file has rows."""
    if not network_ids:
        return set()
    return set(
        Membership.objects.filter(network_id__in=network_ids, left_on__isnull=True).values_list(
            "network_id", "firm_id"
        )
    )


_YMD = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")


def _parse_date(text: str) -> datetime.date | None:
    """2026-03-31 or 31-03-2026 (also with slashes); None otherwise. Not strptime: it looks
    up the locale on every call, which shows on 10,000 rows."""
    if match := _YMD.match(text):
        year, month, day = match.groups()
    elif match := _DMY.match(text):
        day, month, year = match.groups()
    else:
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _max_length(name: str) -> int | None:
    return Firm._meta.get_field(name).max_length


def _clean_fields(row: RowPlan) -> None:
    """The firm fields the row gives, typed; errors go on the row."""
    for name in FIRM_FIELDS:
        text = row.values.get(name, "").strip()
        if not text:
            continue
        if name == "employees":
            try:
                number = int(text.replace(".", "").replace(",", "").replace(" ", ""))
            except ValueError:
                number = -1
            # The column is a PostgreSQL integer: a larger count is the row's error.
            if number < 0 or number > 2_147_483_647:
                row.errors.append(ROW_EMPLOYEES_INVALID % {"value": text})
                continue
            row.fields[name] = number
            continue
        limit = _max_length(name)
        if limit and len(text) > limit:
            label = Firm._meta.get_field(name).verbose_name
            row.errors.append(ROW_TOO_LONG % {"field": label, "max": limit})
            continue
        if name == "email":
            try:
                validate_email(text)
            except ValidationError:
                row.errors.append(ROW_EMAIL_INVALID % {"value": text})
                continue
        row.fields[name] = text


def _resolve_network(row: RowPlan, ref: str, actor, by_id, by_name) -> None:
    candidates = [by_id[int(ref)]] if _is_id(ref) and int(ref) in by_id else by_name.get(ref, [])
    if not candidates:
        row.errors.append(ROW_UNKNOWN_NETWORK % {"network": ref})
        return
    if len(candidates) > 1:
        row.errors.append(ROW_NETWORK_AMBIGUOUS % {"network": ref})
        return
    network = candidates[0]
    if not access.can_change_network(actor, network):
        row.errors.append(ROW_NETWORK_NOT_YOURS % {"network": network.name})
    elif network.phase == Network.Phase.DISSOLVED:
        row.errors.append(ROW_NETWORK_CLOSED % {"network": network.name})
    elif network.under_review:
        row.errors.append(ROW_NETWORK_UNDER_REVIEW % {"network": network.name})
    else:
        row.network = network


def plan_import(*, actor, rows: list[ImportRow], today: datetime.date | None = None) -> ImportPlan:
    """What importing `rows` would do, row by row, without writing anything."""
    today = today or timezone.localdate()
    refs = {r.values.get("network", "").strip() for r in rows} - {""}
    by_id, by_name = _networks(actor, refs)
    default_country = _default_country(actor)
    plans = []
    for raw in rows:
        row = RowPlan(line=raw.line, values=raw.values)
        ref = raw.values.get("network", "").strip()
        if ref:
            _resolve_network(row, ref, actor, by_id, by_name)
        country = row.network.programme.country if row.network else default_country
        tax_text = raw.values.get("tax_id", "").strip()
        if not tax_text:
            row.errors.append(ROW_TAX_ID_REQUIRED)
        else:
            try:
                row.tax_id = normalize_tax_id(tax_text, country=country)
            except ValidationError as exc:
                row.errors.append(
                    ROW_TAX_ID_INVALID % {"value": tax_text, "reason": " ".join(exc.messages)}
                )
        _clean_fields(row)
        date_text = raw.values.get("joined_on", "").strip()
        if date_text:
            row.joined_on = _parse_date(date_text)
            if row.joined_on is None:
                row.errors.append(ROW_DATE_INVALID % {"value": date_text})
            elif row.joined_on > today:
                row.errors.append(ROW_DATE_IN_FUTURE)
            elif not ref:
                row.errors.append(ROW_DATE_WITHOUT_NETWORK)
        plans.append(row)

    firms = _existing_firms(actor, sorted({p.tax_id for p in plans if p.tax_id}))
    network_ids = {p.network.pk for p in plans if p.network}
    active = _active_pairs(network_ids)
    _decide(plans, firms, active)
    return ImportPlan(plans)


def _merge_details(first: RowPlan, later: RowPlan) -> None:
    """Details only a later row of the same firm gives still reach the firm (through the first
    row, which is the one that creates or updates it)."""
    extra = {n: v for n, v in later.fields.items() if n not in first.fields}
    first.fields.update(extra)
    firm = first.firm
    if firm is not None and firm.editable:
        first.changes.update(
            {n: (getattr(firm, n), v) for n, v in extra.items() if getattr(firm, n) != v}
        )


def _decide(plans: list[RowPlan], firms: dict[str, Firm], active: set) -> None:
    """Each row's outcome, in file order: the first row of a tax id speaks for the firm."""
    first_key: dict[tuple, int] = {}
    first_of_firm: dict[str, RowPlan] = {}
    for row in plans:
        if not row.tax_id:
            continue
        key = (row.tax_id, row.network.pk if row.network else row.values.get("network", ""))
        if key in first_key:
            row.errors.append(ROW_DUPLICATE % {"line": first_key[key]})
            continue
        first_key[key] = row.line
        earlier = first_of_firm.get(row.tax_id)
        if earlier is not None:
            differ = [
                name
                for name, value in row.fields.items()
                if name in earlier.fields and earlier.fields[name] != value
            ]
            if differ:
                row.errors.append(
                    ROW_CONFLICT % {"line": earlier.line, "fields": ", ".join(differ)}
                )
                continue
            _merge_details(earlier, row)
        firm = firms.get(row.tax_id)
        row.firm = firm
        if firm is None and "name" not in row.fields and earlier is None:
            row.errors.append(ROW_NAME_REQUIRED)
        if row.errors:
            continue
        first_of_firm.setdefault(row.tax_id, row)
        if earlier is None:
            if firm is None:
                row.new_firm = True
            elif firm.editable:
                row.changes = {
                    name: (getattr(firm, name), value)
                    for name, value in row.fields.items()
                    if getattr(firm, name) != value
                }
            elif any(getattr(firm, n) != v for n, v in row.fields.items()):
                row.notes.append(NOTE_DETAILS_KEPT)
        if row.network is not None:
            if firm is not None and (row.network.pk, firm.pk) in active:
                row.notes.append(NOTE_ALREADY_MEMBER % {"network": row.network.name})
            else:
                row.new_membership = True
