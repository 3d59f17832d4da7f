"""The scale data set: a thousand networks with three years of history, for performance work.

`seed_scale` calls `build()`. Nothing goes through the services: they write one row at a time
and the full set would take hours. The rows are written in bulk instead (PostgreSQL COPY, or
bulk_create elsewhere) one network at a time, so memory stays flat however large the set. The
services' rules are applied here in bulk: members attend only while they are members, dates stay
inside each network's term, and the salary is split with `money.split` and
`term.agency_percent` exactly as `term.month_split` does (tests/test_seed_scale.py compares
them). No django-simple-history rows are written: history records edits, and a bulk load is not
one.
"""

import datetime
import io
import math
import queue
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from networks.lib.dates import add_months, first_of_month, last_of_month
from networks.lib.money import round_money, split
from networks.lib.taxid import rut_check_digit
from networks.models import (
    Activity,
    ActivityType,
    Agency,
    Application,
    ApplicationEvent,
    Attachment,
    Attendance,
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
    ManagerAppointment,
    Membership,
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
from networks.rules import HUNDRED, agency_percent
from networks.services import programmes as programme_services

PASSWORD = "profo-scale-2026"
AGENCIES = {
    "SERCOTEC Scale North": "PROFO Scale North",
    "SERCOTEC Scale South": "PROFO Scale South",
}
# Far below the demo's 76.1 million range and real firms' 76-77 million.
RUT_BASE = 60_000_000
CURRENCY = "CLP"
UTC = datetime.UTC
DAY = datetime.timedelta(days=1)
FLUSH_ROWS = 50_000
SCALE_EXISTS = "Scale data exists already (agencies {names}). Run seed_scale --reset to replace it."
RUTS_TAKEN = (
    "Firms with the scale tax ids ({first} and up) exist outside the scale agencies; "
    "seed_scale will not overwrite them."
)

# --- vocabulary -----------------------------------------------------------------------------

# sector -> (what the network calls itself, stems of its firms' names)
SECTORS = {
    "Furniture": ("Muebleros", ("Mueblería", "Carpintería", "Maderas", "Tapicería")),
    "Wine": ("Viñateros", ("Viña", "Bodega", "Viñedos")),
    "Honey": ("Apicultores", ("Apícola", "Miel", "Colmenares")),
    "Dairy": ("Queseros", ("Quesería", "Lácteos", "Lechería")),
    "Rural tourism": ("Turismo rural", ("Cabañas", "Hostal", "Turismo", "Camping")),
    "Horticulture": ("Hortaliceros", ("Huerto", "Agrícola", "Invernaderos")),
    "Metalworking": ("Metalmecánica", ("Maestranza", "Metalúrgica", "Soldaduras", "Tornería")),
    "Bakery": ("Panaderos", ("Panadería", "Amasandería", "Pastelería")),
    "Artisanal fishing": ("Pescadores artesanales", ("Pesquera", "Caleta", "Mariscos")),
    "Aquaculture": ("Mitilicultores", ("Cultivos Marinos", "Mitílidos", "Acuícola")),
    "Handicrafts": ("Artesanos", ("Artesanía", "Telares", "Cerámica")),
    "Olive oil": ("Oleicultores", ("Olivares", "Aceites", "Almazara")),
    "Berries": ("Productores de berries", ("Berries", "Frutícola", "Arándanos")),
    "Craft beer": ("Cerveceros artesanales", ("Cervecería", "Maltería", "Brew")),
    "Mining suppliers": ("Proveedores mineros", ("Servicios Mineros", "Ingeniería", "Montajes")),
    "Textiles": ("Confeccionistas", ("Confecciones", "Textil", "Bordados")),
    "Pisco": ("Pisqueros", ("Pisquera", "Destilería", "Parronales")),
    "Goat cheese": ("Crianceros caprinos", ("Quesos de Cabra", "Caprinos", "Granja")),
    "Wool": ("Ganaderos ovinos", ("Estancia", "Lanas", "Ovinos")),
    "Gastronomy": ("Gastronomía local", ("Restaurante", "Cocinería", "Picada")),
    "Software": ("Desarrolladores de software", ("Software", "Tecnologías", "Sistemas")),
    "Sea salt": ("Salineros", ("Salinas", "Sal de Mar", "Salinera")),
    "Nuts": ("Nogaleros", ("Nogales", "Frutos Secos", "Almendros")),
    "Printing": ("Imprenteros", ("Imprenta", "Gráfica", "Serigrafía")),
}

# region (north to south) -> (weight, communes, sectors). North agency: the first eight.
REGIONS = {
    "Arica y Parinacota": (1, ("Arica", "Putre", "Camarones"),
                           ("Horticulture", "Olive oil", "Artisanal fishing", "Rural tourism")),
    "Tarapacá": (1, ("Iquique", "Alto Hospicio", "Pozo Almonte", "Pica"),
                 ("Artisanal fishing", "Mining suppliers", "Gastronomy", "Handicrafts")),
    "Antofagasta": (1, ("Antofagasta", "Calama", "Mejillones", "Tocopilla", "San Pedro de Atacama"),
                    ("Mining suppliers", "Metalworking", "Rural tourism", "Artisanal fishing")),
    "Atacama": (1, ("Copiapó", "Vallenar", "Caldera", "Huasco", "Chañaral"),
                ("Olive oil", "Mining suppliers", "Pisco", "Artisanal fishing")),
    "Coquimbo": (1, ("La Serena", "Coquimbo", "Ovalle", "Vicuña", "Illapel", "Monte Patria"),
                 ("Pisco", "Goat cheese", "Artisanal fishing", "Rural tourism", "Horticulture")),
    "Valparaíso": (2, ("Valparaíso", "Viña del Mar", "Quillota", "San Antonio", "Los Andes",
                       "San Felipe", "Casablanca"),
                   ("Wine", "Gastronomy", "Craft beer", "Horticulture", "Printing",
                    "Artisanal fishing")),
    "Metropolitana": (3, ("Santiago", "Maipú", "Puente Alto", "Melipilla", "Talagante", "Buin",
                          "Colina", "Pirque"),
                      ("Metalworking", "Textiles", "Software", "Printing", "Bakery", "Furniture",
                       "Craft beer", "Wine")),
    "O'Higgins": (1, ("Rancagua", "San Fernando", "Santa Cruz", "Rengo", "Pichilemu"),
                  ("Wine", "Sea salt", "Nuts", "Rural tourism", "Horticulture")),
    "Maule": (2, ("Talca", "Curicó", "Linares", "Cauquenes", "Constitución", "San Clemente",
                  "Molina"),
              ("Wine", "Furniture", "Honey", "Berries", "Dairy", "Nuts")),
    "Ñuble": (1, ("Chillán", "San Carlos", "Bulnes", "Quirihue", "Coelemu"),
              ("Berries", "Wine", "Handicrafts", "Honey", "Bakery")),
    "Biobío": (2, ("Concepción", "Talcahuano", "Los Ángeles", "Coronel", "Lota", "Tomé", "Arauco"),
               ("Metalworking", "Bakery", "Artisanal fishing", "Textiles", "Furniture",
                "Software")),
    "La Araucanía": (1, ("Temuco", "Villarrica", "Pucón", "Angol", "Victoria", "Lautaro"),
                     ("Rural tourism", "Handicrafts", "Honey", "Berries", "Craft beer")),
    "Los Ríos": (1, ("Valdivia", "La Unión", "Panguipulli", "Río Bueno"),
                 ("Craft beer", "Dairy", "Rural tourism", "Furniture")),
    "Los Lagos": (2, ("Puerto Montt", "Osorno", "Castro", "Ancud", "Puerto Varas", "Calbuco"),
                  ("Aquaculture", "Dairy", "Artisanal fishing", "Rural tourism", "Handicrafts")),
    "Aysén": (1, ("Coyhaique", "Puerto Aysén", "Chile Chico", "Cochrane"),
              ("Rural tourism", "Wool", "Artisanal fishing", "Honey")),
    "Magallanes": (1, ("Punta Arenas", "Puerto Natales", "Porvenir"),
                   ("Wool", "Rural tourism", "Gastronomy", "Craft beer")),
}  # fmt: skip

SURNAMES = (
    "González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez",
    "Sepúlveda", "Morales", "Rodríguez", "López", "Fuentes", "Hernández", "Torres", "Araya",
    "Flores", "Espinoza", "Valenzuela", "Castillo", "Tapia", "Reyes", "Gutiérrez", "Castro",
    "Pizarro", "Álvarez", "Vásquez", "Sánchez", "Fernández", "Ramírez", "Carrasco", "Gómez",
    "Cortés", "Herrera", "Núñez", "Jara", "Vergara", "Rivera", "Figueroa", "Riquelme", "Bravo",
    "Saavedra", "Orellana", "Mella", "Henríquez", "Cáceres", "Aguilera", "Olivares", "Toro",
)  # fmt: skip
FIRST_NAMES = (
    "Carmen", "Rodrigo", "Paula", "Andrés", "Marcela", "Jorge", "Daniela", "Luis", "Ana",
    "Francisco", "Camila", "Felipe", "Valentina", "Cristián", "Javiera", "Sebastián", "Catalina",
    "Matías", "Constanza", "Patricio", "Claudia", "Gonzalo", "Fernanda", "Ignacio", "Macarena",
    "Tomás", "Carolina", "Pablo", "Francisca", "Diego", "Verónica", "Héctor", "Lorena", "Mauricio",
)  # fmt: skip
FIRM_SUFFIXES = ("", "", " Ltda.", " SpA", " E.I.R.L.", " y Cía.")

# provider -> services (name, category); every agency keeps its own catalogue.
CATALOGUE = {
    "SERCOTEC": (("Capital Semilla Emprende", "credit"), ("Asesoría en gestión", "consulting"),
                 ("Digitaliza tu Pyme", "technology")),
    "CORFO": (("Crédito CORFO Mipyme", "credit"), ("Fomento a la Calidad (FOCAL)", "certification"),
              ("Red Tecnológica", "technology")),
    "INDAP": (("Crédito de enlace", "credit"), ("Servicio de Asesoría Técnica", "consulting")),
    "ProChile": (("Coaching exportador", "consulting"), ("Ferias internacionales", "consulting")),
    "SENCE": (("Franquicia tributaria de capacitación", "training"), ("Becas laborales", "training")),
    "BancoEstado Microempresas": (("Crédito para capital de trabajo", "credit"),),
    "INACAP": (("Curso de mantención industrial", "training"), ("Diplomado en gestión", "training")),
    "Fundación Chile": (("Transferencia tecnológica", "technology"),),
    "Centro de Negocios Sercotec": (("Asesoría empresarial", "consulting"),
                                    ("Apoyo en certificación", "certification")),
    "Instituto Nacional de Normalización": (("Certificación ISO 9001", "certification"),),
}  # fmt: skip

# slug -> (weight, titles); "{host}", "{city}", "{sector}", "{commune}" are filled in.
ACTIVITY_KINDS = {
    "group_workshop": (30, ("Workshop: costs and pricing", "Workshop: digital marketing",
                            "Workshop: strategic planning", "Workshop: selling online",
                            "Workshop: new products", "Workshop: negotiating with large buyers")),
    "factory_visit": (18, ("Visit to {host}",)),
    "training": (14, ("Course: food handling", "Course: ISO 9001 quality management",
                      "Course: basic accounting", "Course: exporting step by step",
                      "Course: safety at work")),
    "agency_meeting": (10, ("Meeting with CORFO", "Meeting with SERCOTEC", "Meeting with ProChile",
                            "Meeting with INDAP", "Meeting with SENCE",
                            "Meeting with the municipality")),
    "trade_fair": (8, ("{sector} fair in Santiago", "Regional fair in {commune}", "Expo Mipyme",
                       "Espacio Food & Service")),
    "other": (8, ("Members' assembly", "Coordination meeting", "Board meeting")),
    "diagnosis_session": (6, ("Group diagnosis session", "Diagnosis follow-up session")),
    "group_travel": (6, ("Study trip to {city}",)),
}  # fmt: skip
ACTIVITY_NOTES = (
    ("The group reviewed the plan for the quarter and agreed who leads each task.",
     "Three firms will share a supplier quote before the next meeting."),
    ("Each firm presented its main product and its bottleneck.",
     "A list of common problems for the next workshop."),
    ("An outside expert worked through real cases brought by the firms.",
     "Firms left with a template they can use at once."),
    ("Open discussion on prices, buyers and delivery times.",
     "Agreement to compare costs with the same method."),
)  # fmt: skip
# slug -> (weight, titles, lowest and highest money value in pesos)
JOINT_KINDS = {
    "joint_purchasing": (22, ("Joint purchase of packaging", "Joint purchase of raw materials",
                              "Joint purchase of fuel", "Joint purchase of tools"),
                         1_000_000, 20_000_000),
    "shared_order": (16, ("Shared order for a supermarket chain", "Shared order for the hospital",
                          "Shared order for a mining company", "Shared order for the municipality"),
                     2_000_000, 60_000_000),
    "joint_training": (12, ("Joint training: quality control", "Joint training: sales",
                            "Joint training: safety"), 300_000, 3_000_000),
    "trade_fair": (10, ("Joint stand at a national fair", "Joint stand at a regional fair"),
                   1_000_000, 6_000_000),
    "joint_marketing": (10, ("Collective brand launch", "Shared online shop", "Joint catalogue"),
                        500_000, 8_000_000),
    "shared_equipment": (8, ("Shared cold store", "Shared delivery truck", "Shared packing machine",
                             "Shared drying oven"), 5_000_000, 40_000_000),
    "lab_tests": (7, ("Common laboratory tests", "Shared product analysis"), 300_000, 3_000_000),
    "certification": (6, ("ISO 9001 certification", "GMP certification", "HACCP plan"),
                      2_000_000, 15_000_000),
    "group_export": (5, ("Group shipment to Peru", "Group shipment to Argentina",
                         "Group shipment to the United States", "Group shipment to China"),
                     5_000_000, 80_000_000),
    "other": (4, ("Shared warehouse", "Joint credit application"), 0, 5_000_000),
}  # fmt: skip
LEAVE_REASONS = (
    "The firm closed.",
    "The owner retired and the firm was sold.",
    "The firm could no longer pay its share of the manager.",
    "The firm moved to another region.",
)
DISSOLVE_REASONS = (
    "The member firms could not agree on the manager's salary after the first year.",
    "Too many firms left; the group fell below the minimum.",
    "The group's main buyer closed and the firms went separate ways.",
)
RETURN_REASON = "The medium-term goal needs a market study behind its target."
EVIDENCE = "Seen in the activity log, the joint actions and the ledger."


def rut(index: int) -> str:
    number = RUT_BASE + index
    return f"{number}-{rut_check_digit(number)}"


def _at(day: datetime.date, hour: int = 15) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def spread(total: int, weights: list[float]) -> list[int]:
    """Split `total` into whole parts in proportion to `weights` (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: parts[i] - exact[i])
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


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
                        cursor.copy_expert(sql, buffer)
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


# --- the plan of one network ----------------------------------------------------------------


@dataclass
class Member:
    firm_id: int
    tax_id: str
    name: str
    employees: int
    joined: datetime.date
    left: datetime.date | None = None
    user_id: int | None = None

    def active_on(self, day: datetime.date) -> bool:
        # Same rule as services.activities.member_ids_on: joined by then, not gone before.
        return self.joined <= day and (self.left is None or self.left >= day)


@dataclass
class Appointment:
    person_id: int
    start: datetime.date
    salary: Decimal
    appointed_by_id: int
    end: datetime.date | None = None
    end_reason: str = ""


@dataclass
class Plan:
    """Everything decided about one network before its rows are written."""

    id: int
    agency: int  # 0 north, 1 south
    network: Network  # unsaved; carries what term.agency_percent reads
    name: str
    region: str
    commune: str
    sector: str
    created_on: datetime.date
    term_start: datetime.date
    age: float  # months since the term started
    officer_id: int = 0
    officer2_id: int = 0
    facilitator_id: int = 0  # the manager now
    first_manager_id: int = 0
    members: list[Member] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    state: str = "running"  # running, independence, overdue, extended, dissolved
    dissolved_on: datetime.date | None = None
    extension: tuple | None = None  # (decided on, previous due, new due)
    handover: dict | None = None
    weights: dict = field(default_factory=dict)
    churn: bool = False
    submitted_on: datetime.date | None = None
    approved_on: datetime.date | None = None
    end: datetime.date | None = None  # the last day of work logged: dissolution, or today

    def members_on(self, day: datetime.date) -> list[Member]:
        if not self.churn:
            return self.members
        return [m for m in self.members if m.active_on(day)]

    def manager_on(self, day: datetime.date) -> int:
        person = self.first_manager_id
        for appointment in self.appointments:
            if appointment.start <= day:
                person = appointment.person_id
        return person

    def salary_in(self, month: datetime.date) -> Decimal:
        """term.salary_for: the appointment in force in the month that started last."""
        month_end = last_of_month(month)
        in_force = [
            (a.start, index, a.salary)
            for index, a in enumerate(self.appointments)
            if a.start <= month_end and not (a.end and a.end < month)
        ]
        return max(in_force)[2] if in_force else Decimal(0)

    def weights_in(self, month: datetime.date, charged: list[Member]) -> list[tuple]:
        """term._weights for the month's charged members."""
        handed = self.network.handed_over_on
        if handed and month > first_of_month(handed):
            shares = self.handover["commitments"]
        elif self.network.share_mode == "weighted":
            shares = self.weights
        else:
            return [(m.firm_id, Decimal(1)) for m in charged]
        return [(m.firm_id, shares.get(m.firm_id, Decimal(0))) for m in charged]


# --- the builder ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    networks: int = 1000
    firms: int = 25_000
    months: int = 36
    activities_per_month: float = 25 / 3  # per network and month of the span: 300,000 in all
    joint_actions: int = 100_000
    seed: int = 2026
    today: datetime.date | None = None
    use_copy: bool = True  # COPY on PostgreSQL; False forces bulk_create (the tests use it)


class ScaleDataExists(Exception):
    pass


def check_absent() -> None:
    """Refuse when the scale agencies or the scale tax ids are already in the database."""
    names = list(Agency.objects.filter(name__in=AGENCIES).values_list("name", flat=True))
    if names:
        raise ScaleDataExists(SCALE_EXISTS.format(names=", ".join(sorted(names))))
    # The first hundred tell; a clash further up still fails on the unique tax id, atomically.
    if Firm.objects.filter(tax_id__in=[rut(i) for i in range(100)]).exists():
        raise ScaleDataExists(RUTS_TAKEN.format(first=rut(0)))


def build(options: Options, log: Callable[[str], None]) -> Counter:
    """Write the whole scale set; the caller holds the transaction. Returns rows per table."""
    check_absent()
    return Builder(options, log).run()


class Builder:
    """Plans every network in memory first (small: members, dates, managers), then writes the
    tables step by step, children after their parents."""

    def __init__(self, options: Options, log):
        self.o, self.log = options, log
        self.rng = random.Random(options.seed)
        self.today = options.today or timezone.localdate()
        self.now = timezone.now()
        self.use_copy = options.use_copy and connection.vendor == "postgresql"
        self.copier: Copier | None = None
        self.counts: Counter = Counter()
        self.seconds: Counter = Counter()  # time spent writing, per table
        self._next_id: dict = {}
        self.names: dict[int, str] = {}

    def run(self) -> Counter:
        if connection.vendor == "postgresql":
            # Check each foreign key as its batch lands, rather than queueing millions of
            # checks until the commit (writers flush their parents first, so order holds).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if self.use_copy:
            self.copier = Copier(self.seconds)
        try:
            self._steps()
        finally:
            if self.copier is not None:
                # Before anything else uses the connection, even the rollback of a failure.
                self.copier.close()
        return self.counts

    def _drain(self) -> None:
        if self.copier is not None:
            self.copier.drain()

    def _steps(self) -> None:
        for label, step in (
            ("agencies, programmes, catalogue, staff", self._agencies),
            ("firms and networks planned", self._plan),
            ("firms", self._firms),
            ("users", self._users),
            ("networks and their set-up", self._networks),
            ("goals and diagnoses", self._goals),
            ("firm indicators and service take-up", self._indicators),
            ("evaluations", self._evaluations),
            ("activities and attendance", self._activities),
            ("joint actions", self._joint_actions),
            ("charges, dues and payments", self._money),
        ):
            started, before = time.monotonic(), Counter(self.counts)
            step()
            self._drain()
            added = self.counts - before
            rows = ", ".join(
                f"{table} {n:,} ({self.seconds[table]:.1f} s)" for table, n in added.items()
            )
            self.log(f"{label}: {time.monotonic() - started:.1f} s; {rows or 'planned'}")

    # --- helpers ----------------------------------------------------------------------------

    def writer(self, model, fields: list[str], parent: TableWriter | None = None) -> TableWriter:
        return TableWriter(
            model, fields, copier=self.copier, counts=self.counts, seconds=self.seconds,
            parent=parent,
        )  # fmt: skip

    def ids(self, model, count: int) -> list[int]:
        """Primary keys for `count` new rows, so that children can point at them."""
        if count <= 0:
            return []
        self._drain()  # the connection is free only once every queued batch is in
        if connection.vendor == "postgresql":
            # nextval keeps the sequence right for whoever inserts next, COPY or not.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column,
                     count],
                )  # fmt: skip
                return [row[0] for row in cursor.fetchall()]
        start = self._next_id.get(model)
        if start is None:
            start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self._next_id[model] = start + count
        return list(range(start, start + count))

    def at(self, day: datetime.date, hour: int = 15) -> datetime.datetime:
        return min(_at(day, hour), self.now)

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        span = (last - first).days
        return first + datetime.timedelta(days=self.rng.randint(0, span)) if span > 0 else first

    def person(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)

    # --- step 1: agencies -------------------------------------------------------------------

    def _agencies(self) -> None:
        self.programmes, self.services, self.staff = [], [], []
        self.password = make_password(PASSWORD)  # hashing is slow on purpose: once for all
        for index, (agency_name, programme_name) in enumerate(AGENCIES.items()):
            agency = Agency.objects.create(name=agency_name)
            # The service gives the programme its default types and the twelve criteria.
            programme = programme_services.programme_create(agency=agency, name=programme_name)
            self.programmes.append(programme)
            providers = SupportProvider.objects.bulk_create(
                SupportProvider(agency=agency, name=name) for name in CATALOGUE
            )
            services = SupportService.objects.bulk_create(
                SupportService(provider=provider, name=name, category=category)
                for provider in providers
                for name, category in CATALOGUE[provider.name]
            )
            self.services.append([s.pk for s in services])
            prefix = "scale." if index == 0 else "scale.south."
            people = [
                (f"{prefix}officer", User.Role.AGENCY_STAFF),
                (f"{prefix}officer2", User.Role.AGENCY_STAFF),
                (f"{prefix}admin", User.Role.AGENCY_ADMIN),
            ]
            self.staff.append(User.objects.bulk_create(
                self._user(username, role, agency=agency) for username, role in people
            ))  # fmt: skip
            self.counts["Agency"] += 1
            self.counts["Programme"] += 1
            self.counts["SupportProvider"] += len(providers)
            self.counts["SupportService"] += len(services)
            self.counts["User"] += len(people)
        self.activity_types = [
            dict(ActivityType.objects.filter(programme=p).values_list("slug", "pk"))
            for p in self.programmes
        ]
        self.joint_types = [
            dict(JointActionType.objects.filter(programme=p).values_list("slug", "pk"))
            for p in self.programmes
        ]
        self.criteria = [
            list(
                Criterion.objects.filter(programme=p, is_active=True)
                .order_by("position", "pk")
                .values_list("pk", "key")
            )
            for p in self.programmes
        ]

    def _user(self, username: str, role: str, **fields) -> User:
        first, last = self.person()
        return User(
            username=username, password=self.password, first_name=first, last_name=last,
            email=f"{username}@scale.profo.local", role=role, date_joined=self.now, **fields,
        )  # fmt: skip

    # --- step 2: the plan -------------------------------------------------------------------

    def _plan(self) -> None:
        o, rng = self.o, self.rng
        sizes = self._sizes()
        # Term starts spread evenly over the span and a little before it, so that networks
        # are of every age: some just started, some due within six months, some overdue.
        oldest = o.months + 6
        ages = [1 + (k + rng.random()) * (oldest - 1) / o.networks for k in range(o.networks)]
        rng.shuffle(ages)
        north = (o.networks + 1) // 2
        region_names = list(REGIONS)
        used_names: Counter = Counter()
        self.plans: list[Plan] = []
        self.firm_rows: list[tuple] = []
        network_ids = self.ids(Network, o.networks)
        firm_ids = iter(self.ids(Firm, o.firms))
        firm_index = 0
        for i in range(o.networks):
            agency = 0 if i < north else 1
            regions = region_names[:8] if agency == 0 else region_names[8:]
            region = rng.choices(regions, weights=[REGIONS[r][0] for r in regions])[0]
            _weight, communes, sectors = REGIONS[region]
            commune, sector = rng.choice(communes), rng.choice(sectors)
            base = f"{SECTORS[sector][0]} de {commune}"
            used_names[base] += 1
            name = base if used_names[base] == 1 else f"{base} {used_names[base]}"
            age = ages[i]
            term_start = add_months(self.today, -int(age)) - datetime.timedelta(
                days=rng.randint(0, 25)
            )
            term_start = min(term_start, self.today - DAY)
            created_on = add_months(term_start, -rng.randint(4, 8))
            network = Network(
                pk=network_ids[i], programme=self.programmes[agency], term_start=term_start,
                handover_due=add_months(term_start, self.programmes[agency].term_months),
            )  # fmt: skip
            plan = Plan(
                id=network.pk, agency=agency, network=network, name=name, region=region,
                commune=commune, sector=sector, created_on=created_on, term_start=term_start,
                age=age,
            )  # fmt: skip
            plan.submitted_on = term_start - datetime.timedelta(days=rng.randint(30, 60))
            plan.approved_on = term_start - datetime.timedelta(days=rng.randint(3, 20))
            for _ in range(sizes[i]):
                plan.members.append(self._firm(next(firm_ids), firm_index, plan))
                firm_index += 1
            plan.members.sort(key=lambda m: m.tax_id)
            self.plans.append(plan)
        self._assign_people()
        self._assign_states()
        for plan in self.plans:
            self._plan_churn(plan)
            self._plan_managers(plan)

    def _sizes(self) -> list[int]:
        """Members per network: 10 to 30, adding up to exactly --firms."""
        o, rng = self.o, self.rng
        sizes = [rng.randint(10, 30) for _ in range(o.networks)]
        gap = o.firms - sum(sizes)
        while gap:
            i = rng.randrange(o.networks)
            if gap > 0 and sizes[i] < 30:
                sizes[i], gap = sizes[i] + 1, gap - 1
            elif gap < 0 and sizes[i] > 10:
                sizes[i], gap = sizes[i] - 1, gap + 1
        return sizes

    def _firm(self, firm_id: int, index: int, plan: Plan) -> Member:
        rng = self.rng
        stem = rng.choice(SECTORS[plan.sector][1])
        surname = rng.choice(SURNAMES)
        if rng.random() < 0.3:
            surname = f"{surname} y {rng.choice(SURNAMES)}"
        name = f"{stem} {surname}{rng.choice(FIRM_SUFFIXES)}"
        roll = rng.random()
        employees = (
            rng.randint(1, 9)
            if roll < 0.55
            else rng.randint(10, 49)
            if roll < 0.9
            else rng.randint(50, 199)
        )
        tax_id = rut(index)
        commune = plan.commune if rng.random() < 0.8 else rng.choice(REGIONS[plan.region][1])
        first, last = self.person()
        self.firm_rows.append((
            firm_id, name, tax_id, plan.sector, plan.region, commune, employees,
            f"{first} {last}", f"contacto{index}@scale.profo.local",
            f"+56 9 {rng.randint(2000, 9999)} {rng.randint(1000, 9999)}",
            self.at(plan.created_on - datetime.timedelta(days=rng.randint(0, 20)), 13),
        ))  # fmt: skip
        joined = self.day_between(plan.created_on, plan.submitted_on - DAY)
        return Member(firm_id, tax_id, name, employees, joined)

    def _assign_people(self) -> None:
        """About fifteen networks per facilitator; `scale.facilitator` has exactly fifteen."""
        rng = self.rng
        self.facilitators: list[list[User]] = []
        self.bench_networks: list[Plan] = []
        for agency in (0, 1):
            plans = [p for p in self.plans if p.agency == agency]
            count = max(1, round(len(plans) * 70 / 1000))
            if agency == 0 and len(plans) > 15:
                count = max(count, 2)
            prefix = "scale.facilitator" if agency == 0 else "scale.south.facilitator"
            names = [
                prefix if (agency == 0 and k == 0) else f"{prefix}{k + 1}" for k in range(count)
            ]
            users = User.objects.bulk_create(
                self._user(name, User.Role.FACILITATOR, agency=self.programmes[agency].agency)
                for name in names
            )
            self.counts["User"] += len(users)
            self.names.update((u.pk, u.get_full_name()) for u in users)
            self.facilitators.append(users)
            rng.shuffle(plans)
            if agency == 0:
                self.bench_networks = plans[:15]
                rest = plans[15:] if count > 1 else []
                for plan in self.bench_networks if count > 1 else plans:
                    plan.facilitator_id = users[0].pk
                others = users[1:]
            else:
                rest, others = plans, users
            for k, plan in enumerate(rest):
                plan.facilitator_id = others[k % len(others)].pk
            officers = self.staff[agency]
            for plan in plans:
                plan.officer_id, plan.officer2_id = officers[0].pk, officers[1].pk
                if rng.random() < 0.5:
                    plan.officer_id, plan.officer2_id = plan.officer2_id, plan.officer_id

    def _assign_states(self) -> None:
        """Past the due date: handed over, overdue or extended. A few dissolved."""
        rng = self.rng
        mature = sorted(
            (p for p in self.plans if p.network.handover_due < self.today),
            key=lambda p: -p.age,
        )
        cycle = ("independence", "overdue", "independence", "extended")
        for k, plan in enumerate(mature):
            plan.state = cycle[k % len(cycle)]
        young = [p for p in self.plans if p.state == "running" and p.age >= 6]
        for plan in rng.sample(young, min(len(young), math.ceil(len(self.plans) * 0.02))):
            plan.state = "dissolved"
            latest = self.today - datetime.timedelta(days=20)
            plan.dissolved_on = self.day_between(add_months(plan.term_start, 4), latest)
        for plan in self.plans:
            plan.end = plan.dissolved_on or self.today
            if plan.state == "running" and rng.random() < 0.08:
                plan.network.share_mode = "weighted"
            else:
                plan.network.share_mode = "equal"

    def _plan_churn(self, plan: Plan) -> None:
        """A few firms leave during the term and a few join late, never after the handover."""
        rng = self.rng
        if plan.network.share_mode == "weighted" or plan.age < 6:
            return
        first = add_months(plan.term_start, 1)
        last = plan.end - DAY
        if plan.state in ("independence",):
            last = min(last, plan.network.handover_due - datetime.timedelta(days=30))
        if last <= first:
            return
        late_allowed = len(plan.members) - 10  # the group had at least ten at approval
        for member in plan.members:
            roll = rng.random()
            if roll < 0.04:
                member.left = self.day_between(first, last)
            elif roll < 0.07 and late_allowed > 0:
                member.joined = self.day_between(first, last)
                late_allowed -= 1
            else:
                continue
            plan.churn = True

    def _plan_managers(self, plan: Plan) -> None:
        rng = self.rng
        salary = Decimal(rng.randrange(1_100_000, 1_900_001, 50_000))
        others = [u.pk for u in self.facilitators[plan.agency] if u.pk != plan.facilitator_id]
        # A tenth of the older networks changed manager once; the clock did not restart.
        earliest = add_months(plan.term_start, 6)
        latest = min(plan.end, plan.network.handover_due) - datetime.timedelta(days=60)
        replaced = bool(others) and earliest < latest and rng.random() < 0.1
        plan.first_manager_id = rng.choice(others) if replaced else plan.facilitator_id
        first = Appointment(plan.first_manager_id, plan.term_start, salary, plan.officer_id)
        plan.appointments.append(first)
        if replaced:
            change = self.day_between(earliest, latest)
            first.end, first.end_reason = change, "The manager took a job elsewhere."
            plan.appointments.append(Appointment(
                plan.facilitator_id, change, salary + Decimal(50_000), plan.officer_id
            ))  # fmt: skip
        network, due = plan.network, plan.network.handover_due
        network.facilitator_id = plan.facilitator_id
        if plan.state == "independence":
            date = min(due + datetime.timedelta(days=rng.randint(0, 45)), self.today - DAY)
            current = plan.appointments[-1]
            new_salary = current.salary
            if rng.random() < 0.5:
                new_salary += Decimal(100_000)
                current.end, current.end_reason = date, "Handover to the member firms"
                plan.appointments.append(
                    Appointment(plan.facilitator_id, date, new_salary, plan.officer2_id)
                )
            active = [m for m in plan.members if m.active_on(date)]
            if rng.random() < 0.6:
                weights = [(m.firm_id, Decimal(1)) for m in active]
            else:
                weights = [(m.firm_id, Decimal(m.employees)) for m in active]
            plan.handover = {
                "date": date, "salary": new_salary, "status": Handover.Status.CONFIRMED,
                "commitments": split(HUNDRED, weights, "%"),
            }  # fmt: skip
            network.handed_over_on = date
        elif plan.state == "extended":
            decided = due - datetime.timedelta(days=20)
            new_due = add_months(due, 6)
            plan.extension = (decided, due, new_due)
            network.handover_due = new_due
        elif plan.state == "dissolved":
            current = plan.appointments[-1]
            current.end = max(plan.dissolved_on, current.start)
            current.end_reason = rng.choice(DISSOLVE_REASONS)
        if plan.state in ("overdue", "running") and (
            network.handover_due <= add_months(self.today, 3) and rng.random() < 0.5
        ):
            # The facilitator has proposed the handover; the agency has not confirmed it yet.
            active = [m for m in plan.members if m.active_on(self.today)]
            plan.handover = {
                "date": max(network.handover_due, self.today), "status": Handover.Status.PROPOSED,
                "salary": plan.appointments[-1].salary,
                "commitments": split(HUNDRED, [(m.firm_id, Decimal(1)) for m in active], "%"),
            }  # fmt: skip
        if network.share_mode == "weighted":
            plan.weights = split(
                HUNDRED, [(m.firm_id, Decimal(m.employees)) for m in plan.members], "%"
            )
        network.phase = {
            "independence": Network.Phase.INDEPENDENCE, "dissolved": Network.Phase.DISSOLVED,
        }.get(plan.state, Network.Phase.CONSOLIDATION)  # fmt: skip

    # --- step 3 and 4: firms and users ------------------------------------------------------

    def _firms(self) -> None:
        firms = self.writer(Firm, [
            "id", "name", "tax_id", "sector", "region", "commune", "employees", "contact_name",
            "email", "phone", "created_at",
        ])  # fmt: skip
        for row in self.firm_rows:
            firms.add(*row)
        firms.flush()
        self.firm_rows = []

    def _users(self) -> None:
        """Users for about one firm in ten; `scale.firm` belongs to a firm that stays a member
        of one of scale.facilitator's networks still in consolidation."""
        rng = self.rng
        chosen: list[Member] = []
        first = None
        running = [p for p in self.bench_networks if p.state in ("running", "overdue")]
        if running:
            stays = [m for m in running[0].members if m.left is None]
            if stays:
                first = stays[0]
                chosen.append(first)
        for plan in self.plans:
            chosen += [m for m in plan.members if m is not first and rng.random() < 0.1]
        users = User.objects.bulk_create(
            (
                self._user("scale.firm" if k == 0 else f"scale.firm{k + 1}",
                           User.Role.FIRM_MEMBER, firm_id=member.firm_id)
                for k, member in enumerate(chosen)
            ),
            batch_size=1000,
        )  # fmt: skip
        for member, user in zip(chosen, users, strict=True):
            member.user_id = user.pk
        self.counts["User"] += len(users)

    # --- step 5: networks, memberships, the application and the term -------------------------

    def _networks(self) -> None:
        rng = self.rng
        networks = self.writer(Network, [
            "id", "programme", "name", "facilitator", "region", "commune", "sector",
            "created_on", "phase", "term_start", "handover_due", "handed_over_on", "share_mode",
        ])  # fmt: skip
        for plan in self.plans:
            n = plan.network
            networks.add(
                plan.id, n.programme.pk, plan.name, n.facilitator_id, plan.region, plan.commune,
                plan.sector, plan.created_on, n.phase, n.term_start, n.handover_due,
                n.handed_over_on, n.share_mode,
            )  # fmt: skip
        networks.flush()
        w = {
            "members": self.writer(
                Membership,
                ["network", "firm", "joined_on", "left_on", "leave_reason", "shares_figures"],
            ),
            "applications": self.writer(Application, [
                "id", "network", "status", "submitted_by", "submitted_at", "decided_by",
                "decided_at", "decision_reason",
            ]),
            "appointments": self.writer(ManagerAppointment, [
                "network", "person", "start_date", "end_date", "monthly_salary", "end_reason",
                "appointed_by", "created_at",
            ]),
            "transitions": self.writer(PhaseTransition, ["network", "from_phase", "to_phase",
                                                         "actor", "at", "reason"]),
            "changes": self.writer(TermChange, ["network", "kind", "previous_due", "new_due",
                                                "reason", "actor", "at"]),
            "weights": self.writer(ShareWeight, ["network", "firm", "percent"]),
            "handovers": self.writer(Handover, [
                "id", "network", "date", "manager", "monthly_salary", "status", "proposed_by",
                "proposed_at", "confirmed_by", "confirmed_at",
            ]),
            "reminders": self.writer(ReminderSent, ["network", "key", "due_date", "sent_at"]),
        }  # fmt: skip
        w["events"] = self.writer(
            ApplicationEvent, ["application", "action", "actor", "at", "reason"],
            parent=w["applications"],
        )  # fmt: skip
        w["commitments"] = self.writer(
            HandoverCommitment, ["handover", "firm", "share_percent"], parent=w["handovers"]
        )
        application_ids = self.ids(Application, len(self.plans))
        handover_ids = iter(self.ids(Handover, sum(1 for p in self.plans if p.handover)))
        for plan, application_id in zip(self.plans, application_ids, strict=True):
            n = plan.network
            for m in plan.members:
                reason = rng.choice(LEAVE_REASONS) if m.left else ""
                # Figures are recorded for the network; no firm shares the rest.
                w["members"].add(plan.id, m.firm_id, m.joined, m.left, reason, False)
            self._application(plan, application_id, w)
            for a in plan.appointments:
                w["appointments"].add(
                    plan.id, a.person_id, a.start, a.end, a.salary, a.end_reason,
                    a.appointed_by_id, self.at(a.start, 14),
                )  # fmt: skip
            w["transitions"].add(
                plan.id, Network.Phase.PREPARATION, Network.Phase.CONSOLIDATION, plan.officer_id,
                self.at(n.term_start, 14),
                f"Manager appointed: {self.names[plan.first_manager_id]}",
            )  # fmt: skip
            if plan.dissolved_on:
                w["transitions"].add(
                    plan.id, Network.Phase.CONSOLIDATION, Network.Phase.DISSOLVED,
                    plan.officer_id, self.at(plan.dissolved_on, 16),
                    plan.appointments[-1].end_reason,
                )  # fmt: skip
            if plan.extension:
                decided, previous, new = plan.extension
                w["changes"].add(
                    plan.id, TermChange.Kind.EXTENSION, previous, new,
                    "Two firms joined late; the group needs six more months to share the salary.",
                    plan.officer_id, self.at(decided, 12),
                )  # fmt: skip
            for firm_id, percent in plan.weights.items():
                w["weights"].add(plan.id, firm_id, percent)
            if plan.handover:
                self._handover(plan, next(handover_ids), w)
            self._reminders(plan, w["reminders"])
        for writer in w.values():
            writer.flush()

    def _application(self, plan: Plan, application_id: int, w: dict) -> None:
        rng = self.rng
        submitted = self.at(plan.submitted_on, 12)
        if rng.random() < 0.15:
            first = self.at(plan.submitted_on - datetime.timedelta(days=40), 12)
            w["events"].add(application_id, "submitted", plan.first_manager_id, first, "")
            w["events"].add(
                application_id, "returned", plan.officer_id, first + 10 * DAY, RETURN_REASON
            )
        decided = self.at(plan.approved_on, 16)
        w["events"].add(application_id, "submitted", plan.first_manager_id, submitted, "")
        w["events"].add(application_id, "approved", plan.officer_id, decided, "")
        w["applications"].add(
            application_id, plan.id, Application.Status.APPROVED, plan.first_manager_id,
            submitted, plan.officer_id, decided, "",
        )  # fmt: skip

    def _handover(self, plan: Plan, handover_id: int, w: dict) -> None:
        h = plan.handover
        confirmed = h["status"] == Handover.Status.CONFIRMED
        proposed_on = min(h["date"], self.today) - datetime.timedelta(days=25)
        w["handovers"].add(
            handover_id, plan.id, h["date"], plan.facilitator_id, h["salary"], h["status"],
            plan.facilitator_id, self.at(proposed_on, 11),
            plan.officer2_id if confirmed else None,
            self.at(h["date"], 12) if confirmed else None,
        )  # fmt: skip
        for firm_id, share in h["commitments"].items():
            w["commitments"].add(handover_id, firm_id, share)
        if confirmed:
            w["transitions"].add(
                plan.id, Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE,
                plan.officer2_id, self.at(h["date"], 12),
                "Handover confirmed: the member firms take over the whole salary.",
            )  # fmt: skip

    def _reminders(self, plan: Plan, writer: TableWriter) -> None:
        """The reminders send_reminders would have sent, so that it sends none twice."""
        offsets = plan.network.programme.reminder_offsets_months
        spans = []
        if plan.extension:
            decided, previous, new = plan.extension
            spans += [(previous, decided), (new, self.today)]
        elif plan.state == "independence":
            spans.append((plan.network.handover_due, plan.handover["date"] - DAY))
        else:
            spans.append((plan.network.handover_due, plan.end))
        for due, until in spans:
            for months in offsets:
                sent = add_months(due, -months)
                if sent <= until:
                    writer.add(plan.id, f"before-{months}", due, self.at(sent, 10))
            if until > due:
                for week in range((until - due).days // 7 + 1):
                    sent = due + datetime.timedelta(days=max(1, week * 7))
                    writer.add(plan.id, f"overdue-week-{week}", due, self.at(sent, 10))

    # --- step 6: goals and diagnoses --------------------------------------------------------

    def _goals(self) -> None:
        rng = self.rng
        diagnoses = self.writer(Diagnosis, [
            "network", "problems", "opportunities", "collaboration_basis", "technology_level",
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
                plan.id,
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
            Attendance, ["activity", "firm", "confirmed_by", "confirmed_at"], parent=activities
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
                        attendance.add(activity_id, m.firm_id, m.user_id, confirmed_at)
                    else:
                        attendance.add(activity_id, m.firm_id, None, None)
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
            JointActionParticipant, ["joint_action", "firm", "confirmed_by", "confirmed_at"],
            parent=actions,
        )  # fmt: skip
        declines = self.writer(
            JointActionDecline, ["joint_action", "firm", "declined_by", "at"], parent=actions
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
                users = [m for m in firms if m.user_id]
                logger = rng.choice(users) if users and rng.random() < 0.5 else None
                created = self.at(start, 20)
                actions.add(
                    action_id, plan.id, types[slug], rng.choice(titles), status, start, end,
                    Decimal(rng.randrange(low, high + 1, 10_000)),
                    "Delivered on time; the firms shared the savings." if status == "done" else "",
                    logger.user_id if logger else plan.manager_on(start),
                    logger.firm_id if logger else None, created,
                )  # fmt: skip
                for m in firms:
                    if m is logger:
                        participants.add(action_id, m.firm_id, m.user_id, created)
                    elif m.user_id and rng.random() < 0.6:
                        participants.add(action_id, m.firm_id, m.user_id, created + DAY * 2)
                    else:
                        participants.add(action_id, m.firm_id, None, None)
                if rng.random() < 0.02:
                    outside = [m for m in present if m.user_id and m not in firms]
                    if outside:
                        m = rng.choice(outside)
                        declines.add(action_id, m.firm_id, m.user_id, created + DAY)
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

    # --- step 11: the money -----------------------------------------------------------------

    def _money(self) -> None:
        """Monthly charges, dues and payments, split the way term.month_split splits them."""
        rng = self.rng
        charges = self.writer(MonthlyCharge, [
            "id", "network", "month", "salary", "agency_percent", "agency_amount",
            "firms_amount", "created_at",
        ])  # fmt: skip
        dues = self.writer(Due, ["charge", "network", "firm", "month", "amount"], parent=charges)
        payments = self.writer(Payment, [
            "network", "firm", "date", "amount", "reference", "recorded_by", "created_at",
        ])  # fmt: skip
        this_month = first_of_month(self.today)
        charged_months = {}
        for plan in self.plans:
            last = first_of_month(plan.dissolved_on) if plan.dissolved_on else this_month
            months = charged_months[plan.id] = []
            month = first_of_month(plan.term_start)
            while month <= last:
                months.append(month)
                month = add_months(month, 1)
        all_ids = iter(self.ids(MonthlyCharge, sum(map(len, charged_months.values()))))
        for plan in self.plans:
            months = charged_months[plan.id]
            # Late payers stop paying a few months before today; the rest pay, now and then
            # two months at once.
            stops = {
                m.firm_id: add_months(this_month, -rng.randint(3, 8))
                for m in plan.members
                if rng.random() < 0.07
            }
            carry: dict = {}
            charge_ids = [next(all_ids) for _ in months]
            for charge_id, month in zip(charge_ids, months, strict=True):
                salary = plan.salary_in(month)
                percent = agency_percent(plan.network, month)
                agency_amount = round_money(salary * percent / HUNDRED, CURRENCY)
                month_end = last_of_month(month)
                charged = [
                    m for m in plan.members
                    if m.joined <= month_end and not (m.left and m.left < month)
                ]  # fmt: skip
                firms_amount = salary - agency_amount
                if not charged:
                    agency_amount, firms_amount = salary, Decimal(0)
                shares = split(firms_amount, plan.weights_in(month, charged), CURRENCY)
                charges.add(
                    charge_id, plan.id, month, salary, percent, agency_amount, firms_amount,
                    self.at(month, 11),
                )  # fmt: skip
                for firm_id, amount in shares.items():
                    dues.add(charge_id, plan.id, firm_id, month, amount)
                    owed = carry.get(firm_id, Decimal(0)) + amount
                    stop = stops.get(firm_id)
                    paid_on = month + DAY * rng.randint(4, 40)
                    if owed <= 0 or (stop and month >= stop):
                        carry[firm_id] = owed
                    elif paid_on > self.today or rng.random() < 0.04:
                        carry[firm_id] = owed  # paid with the next month's due
                    else:
                        payments.add(
                            plan.id, firm_id, paid_on, owed, f"Transfer {month:%Y-%m}",
                            plan.manager_on(paid_on), self.at(paid_on, 19),
                        )  # fmt: skip
                        carry[firm_id] = Decimal(0)
        for writer in (charges, dues, payments):
            writer.flush()


# --- reset ----------------------------------------------------------------------------------

# Children before parents. Each row: the model and the path from it to the network.
NETWORK_CHAIN = (
    (FirmIndicator, "network_id"),
    (Attachment, "activity__network_id"),
    (Attachment, "goal_actual__goal__network_id"),
    (Attendance, "activity__network_id"),
    (Activity, "network_id"),
    (JointActionParticipant, "joint_action__network_id"),
    (JointActionDecline, "joint_action__network_id"),
    (JointAction, "network_id"),
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
        elif model is FirmIndicator:
            # Recorded for a scale network (a firm kept for its other networks included), or
            # a scale firm's own.
            _raw_delete(historical, deleted, "network_id", scope["network"])
            lookup, key = "firm_id", "firm"
        else:
            key = next((k for k in ("network", "programme", "firm", "goal") if k in names), None)
            if key is None:
                raise RuntimeError(f"seed_scale --reset cannot scope {model.__name__}'s history.")
            lookup = f"{key}_id"
        _raw_delete(historical, deleted, lookup, scope[key])
