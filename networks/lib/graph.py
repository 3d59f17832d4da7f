"""The collaboration graph of a network, as plain computations (no database here).

Firms are nodes; two firms are tied when they attended the same activity or share a joint
action, and the tie's weight is how often that happened. The density of the graph (the share of
possible ties that exist) tells a facilitator whether the group is knitting together; the
queries that produce the ties live in `networks.selectors.progress`.
"""

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Pair = tuple[int, int]


def pair(a: int, b: int) -> Pair:
    """A tie's key: the smaller id first, so that (a, b) and (b, a) are one tie."""
    return (a, b) if a < b else (b, a)


def density(node_count: int, edge_count: int) -> float:
    """2E / (n(n-1)): 1.0 when every firm is tied to every other; 0 below two firms."""
    if node_count < 2:
        return 0.0
    return 2 * edge_count / (node_count * (node_count - 1))


def merge_weights(*weights: Mapping[Pair, int]) -> dict[Pair, int]:
    """Add up several sources of ties (activities, joint actions) pair by pair."""
    merged: dict[Pair, int] = {}
    for source in weights:
        for key, weight in source.items():
            key = pair(*key)
            merged[key] = merged.get(key, 0) + weight
    return merged


@dataclass
class Graph:
    """Nodes (firm id -> name) and weighted ties; ties to firms outside the nodes are dropped."""

    names: dict[int, str]
    weights: dict[Pair, int] = field(default_factory=dict)

    def __post_init__(self):
        self.weights = {
            pair(a, b): w
            for (a, b), w in self.weights.items()
            if a != b and a in self.names and b in self.names and w > 0
        }

    @property
    def node_count(self) -> int:
        return len(self.names)

    @property
    def edge_count(self) -> int:
        return len(self.weights)

    @property
    def density(self) -> float:
        return density(self.node_count, self.edge_count)

    def degrees(self) -> dict[int, int]:
        """How many other firms each firm is tied to (not the sum of weights)."""
        degree = dict.fromkeys(self.names, 0)
        for a, b in self.weights:
            degree[a] += 1
            degree[b] += 1
        return degree

    def isolated(self) -> list[int]:
        """Firms tied to nobody, by name."""
        degree = self.degrees()
        return sorted((pk for pk, d in degree.items() if d == 0), key=self.sort_key)

    def ties(self) -> list[tuple[int, int, int]]:
        """(firm a, firm b, weight), heaviest first, then by the firms' names."""
        return sorted(
            ((a, b, w) for (a, b), w in self.weights.items()),
            key=lambda t: (-t[2], self.sort_key(t[0]), self.sort_key(t[1])),
        )

    def sort_key(self, pk: int) -> tuple[str, int]:
        return (self.names[pk].casefold(), pk)

    def ordered(self) -> list[int]:
        """The firms by name."""
        return sorted(self.names, key=self.sort_key)


def members_at(memberships: Iterable, day: datetime.date) -> set[int]:
    """The firms that were members on `day`, from (firm_id, joined_on, left_on) rows."""
    return {
        firm_id
        for firm_id, joined_on, left_on in memberships
        if joined_on <= day and (left_on is None or left_on > day)
    }


def edges_by(first_tie: Mapping[Pair, datetime.date], day: datetime.date) -> set[Pair]:
    """The ties that existed on `day`: those whose first shared event was on or before it."""
    return {key for key, first in first_tie.items() if first <= day}


# --- quarters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        nxt = self.next()
        return nxt.start - datetime.timedelta(days=1)

    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)


def quarters_between(start: datetime.date, today: datetime.date) -> list[Quarter]:
    """Calendar quarters from the one holding `start` to the one holding `today`."""
    if start > today:
        return []
    quarters, quarter, last = [], Quarter.of(start), Quarter.of(today)
    while (quarter.year, quarter.number) <= (last.year, last.number):
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters


@dataclass(frozen=True)
class QuarterDensity:
    quarter: Quarter
    until: datetime.date  # the quarter's end, or today for the quarter under way
    firms: int
    ties: int
    density: float


def density_by_quarter(
    *,
    start: datetime.date | None,
    today: datetime.date,
    memberships: Iterable,
    first_tie: Mapping[Pair, datetime.date],
) -> list[QuarterDensity]:
    """The cumulative graph's density at the end of each quarter since `start`.

    Cumulative: each quarter's graph holds every tie made up to the quarter's end, among the
    firms that were members on that day; so a rising line means the group is knitting together.
    """
    if start is None:
        return []
    memberships = list(memberships)
    rows = []
    for quarter in quarters_between(start, today):
        until = min(quarter.end, today)
        nodes = members_at(memberships, until)
        ties = sum(1 for a, b in edges_by(first_tie, until) if a in nodes and b in nodes)
        rows.append(QuarterDensity(quarter, until, len(nodes), ties, density(len(nodes), ties)))
    return rows


# --- drawing ------------------------------------------------------------------------------

SVG_WIDTH, SVG_HEIGHT = 800, 500
RADIUS = 170
LABEL_GAP = 14
NODE_RADIUS = 9
MAX_LABEL = 24


@dataclass(frozen=True)
class SvgNode:
    id: int
    name: str
    label: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    degree: int


@dataclass(frozen=True)
class SvgEdge:
    a: str
    b: str
    weight: int
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True)
class SvgLayout:
    width: int
    height: int
    nodes: list[SvgNode]
    edges: list[SvgEdge]


def _short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1].rstrip() + "…"


def circle_layout(graph: Graph) -> SvgLayout:
    """Nodes evenly on a circle (first by name at the top, clockwise), labels outside it.

    Stroke widths run from 1 to 6 with the weight, so the strongest ties stand out; the page
    gives the exact weights in the table next to the drawing.
    """
    cx, cy = SVG_WIDTH / 2, SVG_HEIGHT / 2
    ordered = graph.ordered()
    degrees = graph.degrees()
    positions: dict[int, tuple[float, float]] = {}
    nodes = []
    for index, pk in enumerate(ordered):
        angle = -math.pi / 2 + 2 * math.pi * index / max(len(ordered), 1)
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + RADIUS * cos, cy + RADIUS * sin
        positions[pk] = (x, y)
        anchor = "start" if cos > 0.2 else "end" if cos < -0.2 else "middle"
        label_r = RADIUS + NODE_RADIUS + LABEL_GAP
        # Below the circle the text hangs under its point; above, it sits on it.
        nudge = 10 if sin > 0.5 else -2 if sin < -0.5 else 4
        nodes.append(
            SvgNode(
                id=pk,
                name=graph.names[pk],
                label=_short(graph.names[pk]),
                x=round(x, 1),
                y=round(y, 1),
                label_x=round(cx + label_r * cos, 1),
                label_y=round(cy + label_r * sin + nudge, 1),
                anchor=anchor,
                degree=degrees[pk],
            )
        )
    heaviest = max(graph.weights.values(), default=1)
    edges = []
    for a, b, weight in graph.ties():
        (x1, y1), (x2, y2) = positions[a], positions[b]
        edges.append(
            SvgEdge(
                a=graph.names[a],
                b=graph.names[b],
                weight=weight,
                x1=round(x1, 1),
                y1=round(y1, 1),
                x2=round(x2, 1),
                y2=round(y2, 1),
                width=round(1 + 5 * weight / heaviest, 1),
            )
        )
    return SvgLayout(SVG_WIDTH, SVG_HEIGHT, nodes, edges)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float


def bar_chart(values: list[tuple[str, float]], *, width=320, height=80) -> list[Bar]:
    """Bars for values between 0 and 1 (densities), the full height meaning 1."""
    if not values:
        return []
    slot = width / len(values)
    bars = []
    for index, (label, value) in enumerate(values):
        h = round(max(0.0, min(1.0, value)) * (height - 2), 1)
        bars.append(
            Bar(label, value, round(index * slot + 1, 1), round(height - h, 1),
                round(max(slot - 2, 1), 1), h)
        )  # fmt: skip
    return bars


# --- a dense graph as a matrix ----------------------------------------------------------------

# With many firms mostly tied to each other, the circle becomes a hairball (91 lines for 14
# firms); a grid of firms against firms, shaded by weight, still reads. Few firms, or few ties,
# read better as the circle.
MATRIX_MIN_FIRMS = 8
MATRIX_MIN_DENSITY = 0.5
MATRIX_LEVELS = 4


def drawn_as(graph: Graph) -> str:
    """ "matrix" for a dense graph of many firms, else "circle"."""
    if graph.node_count >= MATRIX_MIN_FIRMS and graph.density >= MATRIX_MIN_DENSITY:
        return "matrix"
    return "circle"


@dataclass(frozen=True)
class MatrixCell:
    weight: int
    level: int  # 0 (no tie) to MATRIX_LEVELS (the heaviest ties), for the shading


@dataclass(frozen=True)
class MatrixRow:
    number: int  # the firm's number, which heads its column
    name: str
    cells: list  # a MatrixCell per firm in the same order; None where the firm meets itself


def adjacency_matrix(graph: Graph) -> list[MatrixRow]:
    """Firms by name against firms by name; each cell's level is its weight's share of the
    heaviest tie, in MATRIX_LEVELS steps, so the strongest ties are the darkest."""
    ordered = graph.ordered()
    heaviest = max(graph.weights.values(), default=0)
    rows = []
    for number, a in enumerate(ordered, start=1):
        cells = []
        for b in ordered:
            if a == b:
                cells.append(None)
                continue
            weight = graph.weights.get(pair(a, b), 0)
            level = math.ceil(MATRIX_LEVELS * weight / heaviest) if weight else 0
            cells.append(MatrixCell(weight, level))
        rows.append(MatrixRow(number, graph.names[a], cells))
    return rows
