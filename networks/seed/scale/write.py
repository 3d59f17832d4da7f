"""Bulk writing for the scale data set: PostgreSQL COPY through a background thread (or
bulk_create elsewhere), table by table, and `reset`, which deletes the whole set again."""

import io
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Q

from networks.models import (
    Activity,
    ActivityType,
    Agency,
    Application,
    ApplicationEvent,
    Attachment,
    Attendance,
    Certification,
    CheckIn,
    Criterion,
    Diagnosis,
    Due,
    Evaluation,
    EvaluationResult,
    Firm,
    FirmIndicator,
    Goal,
    GoalActual,
    Handover,
    HandoverCommitment,
    JointAction,
    JointActionDecline,
    JointActionParticipant,
    JointActionType,
    JointProject,
    JointProjectFirm,
    ManagerAppointment,
    Membership,
    Milestone,
    MonthlyCharge,
    Network,
    Payment,
    PhaseTransition,
    Programme,
    ReminderSent,
    ServiceUptake,
    ShareWeight,
    SupportProvider,
    SupportService,
    TermChange,
    User,
)
from networks.seed.scale.data import AGENCIES

FLUSH_ROWS = 50_000


# --- bulk writing ---------------------------------------------------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    kind = type(value)
    if kind is int or kind is Decimal:
        return str(value)
    if value is None:
        return "\\N"
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, str):  # TextChoices members
        return str(value).translate(_COPY_ESCAPES)
    return value.isoformat()


class Copier:
    """Runs the COPY statements in a background thread while the main thread builds the next
    batch: PostgreSQL takes most of the time, and the two overlap on two cores.

    Batches are copied one at a time, in the order they were submitted (so parents land before
    their children). The main thread never uses the connection while a batch may be in flight:
    it calls drain() first (Builder.ids and the end of every step do).
    """

    def __init__(self, seconds: Counter):
        self.seconds = seconds
        self.raw = connection.connection  # the DB-API connection, inside this transaction
        self.queue: queue.Queue = queue.Queue(maxsize=3)  # a few batches, a few MB each
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="seed-scale-copy", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                name, sql, buffer = item
                if self.error is None:  # after a failure, the rest is dropped
                    started = time.monotonic()
                    with self.raw.cursor() as cursor:
                        _copy(cursor, sql, buffer)
                    self.seconds[name] += time.monotonic() - started
            except BaseException as exc:  # handed to the main thread, which raises it
                self.error = exc
            finally:
                self.queue.task_done()

    def submit(self, name: str, sql: str, buffer: io.StringIO) -> None:
        self._raise()
        buffer.seek(0)
        self.queue.put((name, sql, buffer))

    def drain(self) -> None:
        self.queue.join()
        self._raise()

    def close(self) -> None:
        """Stop the thread; after an error, whatever is queued is dropped, not copied."""
        self.queue.put(None)
        self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, Exception("an earlier batch failed")
            with connection.wrap_database_errors:  # psycopg2's errors as Django's
                raise error


def _copy(cursor, sql: str, buffer: io.StringIO) -> None:
    """COPY … FROM STDIN with either driver: Django uses psycopg 3 when it is installed (the
    task queue's workers need it), psycopg2 otherwise."""
    if hasattr(cursor, "copy_expert"):  # psycopg2
        cursor.copy_expert(sql, buffer)
        return
    with cursor.copy(sql) as copy:  # psycopg 3
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


class TableWriter:
    """Buffers rows of one table and writes them in batches: COPY on PostgreSQL, bulk_create
    elsewhere. Rows are tuples in the order of `fields`; every non-null column must be given,
    since neither path fills in Django's defaults."""

    def __init__(
        self,
        model,
        fields: list[str],
        *,
        copier: Copier | None,
        counts: Counter,
        seconds: Counter,
        parent=None,
    ):
        meta = model._meta
        missing = [
            f.name
            for f in meta.concrete_fields
            if not f.null and not f.primary_key and f.name not in fields
        ]
        if missing:
            raise ValueError(f"{model.__name__}: no value for {', '.join(missing)}")
        self.model, self.copier, self.counts, self.seconds = model, copier, counts, seconds
        self.parent = parent  # flushed first, so that the rows this table points at exist
        columns = [meta.get_field(name) for name in fields]
        self.attnames = [f.attname for f in columns]
        quote = connection.ops.quote_name
        self.sql = (
            f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
            "FROM STDIN"
        )
        self.rows: list = []
        self.buffer = io.StringIO()
        self.pending = 0

    def add(self, *values) -> None:
        if self.copier is not None:
            self.buffer.write("\t".join([_cell(v) for v in values]))
            self.buffer.write("\n")
        else:
            self.rows.append(values)
        self.pending += 1
        if self.pending >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.parent is not None:
            self.parent.flush()
        if not self.pending:
            return
        name = self.model.__name__
        if self.copier is not None:
            self.copier.submit(name, self.sql, self.buffer)
            self.buffer = io.StringIO()
        else:
            started = time.monotonic()
            model, names = self.model, self.attnames
            model.objects.bulk_create(
                [model(**dict(zip(names, row, strict=True))) for row in self.rows],
                batch_size=2000,
            )
            self.rows = []
            self.seconds[name] += time.monotonic() - started
        self.counts[name] += self.pending
        self.pending = 0


# --- reset ----------------------------------------------------------------------------------

# Children before parents. Each row: the model and the path from it to the network.
NETWORK_CHAIN = (
    (FirmIndicator, "network_id"),
    (Certification, "network_id"),
    (Milestone, "project__network_id"),
    (JointProjectFirm, "project__network_id"),
    (Attachment, "activity__network_id"),
    (Attachment, "goal_actual__goal__network_id"),
    (Attendance, "activity__network_id"),
    (Activity, "network_id"),
    (JointActionParticipant, "joint_action__network_id"),
    (JointActionDecline, "joint_action__network_id"),
    (JointAction, "network_id"),
    (JointProject, "network_id"),
    (ServiceUptake, "network_id"),
    (GoalActual, "goal__network_id"),
    (Goal, "network_id"),
    (EvaluationResult, "evaluation__network_id"),
    (Evaluation, "network_id"),
    (HandoverCommitment, "handover__network_id"),
    (Handover, "network_id"),
    (Due, "network_id"),
    (MonthlyCharge, "network_id"),
    (Payment, "network_id"),
    (ShareWeight, "network_id"),
    (ReminderSent, "network_id"),
    (TermChange, "network_id"),
    (CheckIn, "network_id"),
    (PhaseTransition, "network_id"),
    (ManagerAppointment, "network_id"),
    (ApplicationEvent, "application__network_id"),
    (Application, "network_id"),
    (Diagnosis, "network_id"),
    (Membership, "network_id"),
    (Network, "pk"),
)
CHUNK = 5000


def _chunks(values: list) -> list[list]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)] or [[]]


def _raw_delete(model, deleted: Counter, lookup: str, values: list) -> None:
    # QuerySet.delete() would load every row to send history's post_delete signal (and write a
    # history row per row deleted); millions of rows need plain DELETE statements instead.
    for chunk in _chunks(values):
        if chunk:
            queryset = model._base_manager.filter(**{f"{lookup}__in": chunk})
            deleted[model.__name__] += queryset._raw_delete(queryset.db)


def reset(log: Callable[[str], None]) -> Counter:
    """Delete everything that belongs to the two scale agencies, history rows included.

    A firm that also belongs to a network of another agency is kept (with its data there).
    The caller holds the transaction: anything else still pointing at a scale row makes the
    whole reset fail at commit, and nothing is lost.
    """
    started, deleted = time.monotonic(), Counter()
    agency_ids = list(Agency.objects.filter(name__in=AGENCIES).values_list("pk", flat=True))
    if not agency_ids:
        return deleted
    programme_ids = list(
        Programme.objects.filter(agency_id__in=agency_ids).values_list("pk", flat=True)
    )
    network_ids = list(
        Network.objects.filter(programme_id__in=programme_ids).values_list("pk", flat=True)
    )
    elsewhere = Membership.objects.exclude(network_id__in=network_ids).values("firm_id")
    firm_ids = list(
        Firm.objects.filter(memberships__network_id__in=network_ids)
        .exclude(pk__in=elsewhere)
        .values_list("pk", flat=True)
        .distinct()
    )
    scope = {
        "network": network_ids,
        "programme": programme_ids,
        "firm": firm_ids,
        "goal": list(Goal.objects.filter(network_id__in=network_ids).values_list("pk", flat=True)),
        "project": list(
            JointProject.objects.filter(network_id__in=network_ids).values_list("pk", flat=True)
        ),
    }
    user_ids = set(User.objects.filter(agency_id__in=agency_ids).values_list("pk", flat=True))
    for chunk in _chunks(firm_ids):
        user_ids.update(User.objects.filter(firm_id__in=chunk).values_list("pk", flat=True))
    files = list(
        Attachment.objects.filter(
            Q(activity__network_id__in=network_ids)
            | Q(goal_actual__goal__network_id__in=network_ids)
        ).values_list("file", flat=True)
    )
    _delete_history(deleted, scope)
    for model, path in NETWORK_CHAIN:
        _raw_delete(model, deleted, path, network_ids)
    _raw_delete(FirmIndicator, deleted, "firm_id", firm_ids)
    _raw_delete(Certification, deleted, "firm_id", firm_ids)
    for chunk in _chunks(sorted(user_ids)):
        # Few rows, and their tokens, admin log entries and group links must go with them.
        _count, by_model = User.objects.filter(pk__in=chunk).delete()
        deleted["User"] += by_model.get(User._meta.label, 0)
    _raw_delete(Firm, deleted, "pk", firm_ids)
    _raw_delete(SupportService, deleted, "provider__agency_id", agency_ids)
    _raw_delete(SupportProvider, deleted, "agency_id", agency_ids)
    for model in (Criterion, ActivityType, JointActionType):
        _raw_delete(model, deleted, "programme_id", programme_ids)
    _raw_delete(Programme, deleted, "pk", programme_ids)
    _raw_delete(Agency, deleted, "pk", agency_ids)
    if files:
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    total = sum(deleted.values())
    log(f"reset: {total:,} rows deleted ({time.monotonic() - started:.1f} s)")
    return deleted


def _delete_history(deleted: Counter, scope: dict) -> None:
    """History rows of scale objects, which would otherwise stay behind as orphans."""
    own = {Network: "network", Programme: "programme", Firm: "firm"}
    for model in apps.get_app_config("networks").get_models():
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if attribute is None:
            continue
        historical = getattr(model, attribute).model
        names = {f.name for f in historical._meta.fields}
        if model in own:
            lookup, key = "id", own[model]
        elif model in (FirmIndicator, Certification):
            # Recorded for a scale network (a firm kept for its other networks included), or
            # a scale firm's own.
            _raw_delete(historical, deleted, "network_id", scope["network"])
            lookup, key = "firm_id", "firm"
        else:
            key = next(
                (k for k in ("network", "programme", "firm", "goal", "project") if k in names),
                None,
            )
            if key is None:
                raise RuntimeError(f"seed_scale --reset cannot scope {model.__name__}'s history.")
            lookup = f"{key}_id"
        _raw_delete(historical, deleted, lookup, scope[key])
