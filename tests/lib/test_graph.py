"""The collaboration graph's computations, on small hand-made cases with known answers."""

import datetime

import pytest

from networks.lib import graph
from networks.lib.graph import Graph, Quarter, density, density_by_quarter, quarters_between

D = datetime.date
NAMES = {1: "Alfa", 2: "Beta", 3: "Gamma", 4: "Delta"}


def names(*ids):
    return {pk: NAMES[pk] for pk in ids}


# --- density --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nodes, weights, expected",
    [
        pytest.param((1, 2, 3), {(1, 2): 1, (2, 3): 1, (1, 3): 1}, 1.0, id="triangle"),
        pytest.param((1, 2, 3), {(1, 2): 1, (2, 3): 4}, 2 / 3, id="path-of-3"),
        pytest.param((1, 2, 3, 4), {(1, 2): 1}, 1 / 6, id="4-nodes-one-edge"),
        pytest.param((1, 2, 3, 4), {}, 0.0, id="4-nodes-no-edge"),
        pytest.param((1, 2), {(2, 1): 3}, 1.0, id="a-pair"),
        pytest.param((1,), {}, 0.0, id="one-node"),
        pytest.param((), {}, 0.0, id="empty"),
    ],
)
def test_density_of_small_graphs(nodes, weights, expected):
    assert Graph(names(*nodes), weights).density == pytest.approx(expected)


def test_density_formula_below_two_nodes_is_zero():
    assert density(0, 0) == 0 and density(1, 0) == 0
    assert density(5, 10) == 1.0 and density(5, 5) == 0.5


def test_weights_do_not_change_density_but_are_kept():
    light = Graph(names(1, 2, 3), {(1, 2): 1, (2, 3): 1})
    heavy = Graph(names(1, 2, 3), {(1, 2): 7, (2, 3): 2})
    assert light.density == heavy.density
    assert heavy.ties() == [(1, 2, 7), (2, 3, 2)]


# --- degrees, isolated firms, ties ----------------------------------------------------------


def test_degrees_count_neighbours_not_weights():
    g = Graph(names(1, 2, 3, 4), {(1, 2): 5, (1, 3): 1})
    assert g.degrees() == {1: 2, 2: 1, 3: 1, 4: 0}


def test_isolated_firms_are_those_tied_to_nobody_by_name():
    g = Graph(names(1, 2, 3, 4), {(2, 3): 1})
    assert g.isolated() == [1, 4]  # Alfa, Delta
    assert Graph(names(1, 2, 3), {(1, 2): 1, (2, 3): 1}).isolated() == []


def test_ties_to_non_members_self_ties_and_zero_weights_are_dropped():
    g = Graph(names(1, 2, 3), {(1, 2): 2, (3, 9): 4, (2, 2): 1, (1, 3): 0})
    assert g.ties() == [(1, 2, 2)]
    assert g.isolated() == [3]


def test_a_pair_is_one_tie_whichever_the_order():
    merged = graph.merge_weights({(2, 1): 2, (1, 3): 1}, {(1, 2): 3})
    assert merged == {(1, 2): 5, (1, 3): 1}
    assert Graph(names(1, 2), {(2, 1): 4}).ties() == [(1, 2, 4)]


def test_ties_are_heaviest_first_then_by_name():
    g = Graph(names(1, 2, 3, 4), {(3, 4): 1, (1, 4): 1, (2, 3): 5})
    assert g.ties() == [(2, 3, 5), (1, 4, 1), (3, 4, 1)]


# --- quarters -------------------------------------------------------------------------------


def test_quarters_have_labels_starts_and_ends():
    q = Quarter.of(D(2024, 11, 5))
    assert (q.label, q.start, q.end) == ("2024-Q4", D(2024, 10, 1), D(2024, 12, 31))
    assert q.next() == Quarter(2025, 1)
    assert Quarter(2024, 1).end == D(2024, 3, 31)


def test_quarters_between_includes_the_first_and_the_current_quarter():
    labels = [q.label for q in quarters_between(D(2024, 8, 20), D(2025, 2, 1))]
    assert labels == ["2024-Q3", "2024-Q4", "2025-Q1"]
    assert quarters_between(D(2025, 3, 1), D(2025, 1, 1)) == []


def test_density_by_quarter_is_cumulative_among_the_members_of_the_day():
    memberships = [
        (1, D(2024, 1, 1), None),
        (2, D(2024, 1, 1), None),
        (3, D(2024, 1, 1), None),
        (4, D(2024, 5, 1), D(2024, 8, 15)),  # joined in Q2, left in Q3
    ]
    first_tie = {(1, 2): D(2024, 2, 10), (2, 3): D(2024, 5, 3), (1, 4): D(2024, 6, 1),
                 (1, 3): D(2024, 9, 30)}  # fmt: skip
    rows = density_by_quarter(
        start=D(2024, 1, 15), today=D(2024, 10, 2), memberships=memberships, first_tie=first_tie
    )
    assert [(r.quarter.label, r.firms, r.ties) for r in rows] == [
        ("2024-Q1", 3, 1),  # 1-2 of 3 possible
        ("2024-Q2", 4, 3),  # 1-2, 2-3, 1-4 of 6 possible
        ("2024-Q3", 3, 3),  # firm 4 left: its tie goes; 1-3 came in
        ("2024-Q4", 3, 3),
    ]
    assert [round(r.density, 3) for r in rows] == [0.333, 0.5, 1.0, 1.0]
    assert rows[-1].until == D(2024, 10, 2)  # the quarter under way stops today


def test_no_density_by_quarter_before_consolidation():
    assert density_by_quarter(start=None, today=D(2025, 1, 1), memberships=[], first_tie={}) == []


# --- drawing --------------------------------------------------------------------------------


def test_circle_layout_puts_every_firm_on_the_circle_and_scales_the_lines():
    g = Graph(names(1, 2, 3, 4), {(1, 2): 4, (2, 3): 1})
    layout = graph.circle_layout(g)
    cx, cy = layout.width / 2, layout.height / 2
    assert [n.name for n in layout.nodes] == ["Alfa", "Beta", "Delta", "Gamma"]
    for node in layout.nodes:
        assert ((node.x - cx) ** 2 + (node.y - cy) ** 2) ** 0.5 == pytest.approx(
            graph.RADIUS, abs=0.2
        )
    assert layout.nodes[0].y < cy and layout.nodes[0].anchor == "middle"  # first at the top
    widths = {(e.a, e.b): e.width for e in layout.edges}
    assert widths == {("Alfa", "Beta"): 6.0, ("Beta", "Gamma"): 2.2}
    assert [n.degree for n in layout.nodes] == [1, 2, 0, 1]


def test_long_names_are_shortened_on_the_drawing_only():
    long = "Muebles y Maderas del Maule Limitada"
    layout = graph.circle_layout(Graph({1: long}))
    assert layout.nodes[0].name == long
    assert layout.nodes[0].label.endswith("…") and len(layout.nodes[0].label) <= graph.MAX_LABEL


def test_bar_chart_scales_densities_to_its_height():
    bars = graph.bar_chart([("Q1", 0.0), ("Q2", 0.5), ("Q3", 1.0)], width=300, height=80)
    assert [b.height for b in bars] == [0.0, 39.0, 78.0]
    assert [b.y for b in bars] == [80.0, 41.0, 2.0]
    assert graph.bar_chart([]) == []


def _complete(n: int, heavy: int = 0) -> graph.Graph:
    names = {pk: f"Firm {pk:02d}" for pk in range(1, n + 1)}
    weights = {graph.pair(a, b): 1 for a in names for b in names if a < b}
    if heavy:
        weights[graph.pair(1, 2)] = heavy
    return graph.Graph(names, weights)


def test_a_dense_graph_is_drawn_as_a_matrix_and_a_sparse_one_as_a_circle():
    assert graph.drawn_as(_complete(14)) == "matrix"  # 91 lines for 14 firms: a hairball
    assert graph.drawn_as(_complete(5)) == "circle"  # few firms: the circle reads well
    names = {pk: f"Firm {pk}" for pk in range(1, 15)}
    chain = {graph.pair(pk, pk + 1): 1 for pk in range(1, 14)}
    assert graph.drawn_as(graph.Graph(names, chain)) == "circle"  # 13 ties of 91


def test_the_matrix_has_a_row_per_firm_and_shades_by_weight():
    rows = graph.adjacency_matrix(_complete(9, heavy=8))
    assert [row.number for row in rows] == list(range(1, 10))
    assert [row.name for row in rows][:2] == ["Firm 01", "Firm 02"]
    first = rows[0].cells
    assert first[0] is None  # a firm and itself
    assert (first[1].weight, first[1].level) == (8, 4)  # the heaviest tie: the darkest
    assert (first[2].weight, first[2].level) == (1, 1)
    assert rows[1].cells[0] == first[1]  # the matrix is symmetric
