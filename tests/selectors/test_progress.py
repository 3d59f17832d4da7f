"""Reads: goal progress, indicator aggregates, participation and the graph's ties."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from networks.models import JointAction, Membership, Network
from networks.selectors import progress as progress_selectors
from tests import factories
from tests.builders import activity, days_ago, joint_action, members
from tests.factories import FirmIndicatorFactory, GoalActualFactory, GoalFactory

pytestmark = pytest.mark.django_db
D = Decimal


# --- goal progress --------------------------------------------------------------------------


def _goal(baseline, target, due_in_days=100):
    return GoalFactory.build(
        baseline=D(baseline), target=D(target),
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
    )  # fmt: skip


@pytest.mark.parametrize(
    "baseline, target, latest, percent, reached",
    [
        ("0", "10", "4", 40, False),
        ("2", "12", "7", 50, False),
        ("0", "10", "15", 100, True),  # above target: clamped
        ("10", "20", "5", 0, False),  # below baseline: clamped
        ("100", "40", "70", 50, False),  # a target below the baseline (reduce rejects)
        ("100", "40", "30", 100, True),
        ("5", "5", "5", 100, True),
        ("0", "10", None, 0, False),
    ],
)
def test_percent_of_the_way_from_baseline_to_target(baseline, target, latest, percent, reached):
    p = progress_selectors.goal_progress(
        _goal(baseline, target), None if latest is None else D(latest)
    )
    assert (p.percent, p.reached, p.missed) == (percent, reached, False)


def test_a_goal_past_due_and_under_target_is_missed():
    assert progress_selectors.goal_progress(_goal("0", "10", due_in_days=-1), D("9")).missed
    assert progress_selectors.goal_progress(_goal("0", "10", due_in_days=-1), None).missed
    assert not progress_selectors.goal_progress(_goal("0", "10", due_in_days=-1), D("10")).missed
    assert not progress_selectors.goal_progress(
        _goal("0", "10", due_in_days=0), D("1")
    ).missed  # due today


def test_a_goal_without_baseline_or_target_has_no_percent():
    goal = GoalFactory.build(baseline=None, target=D("3"), due_date=timezone.localdate())
    assert progress_selectors.goal_progress(goal, D("1")).percent is None


def test_goals_with_progress_take_the_latest_period(network, django_assert_num_queries):
    goal = GoalFactory(network=network)
    GoalActualFactory(goal=goal, period_end=days_ago(10), value=D("6"))
    GoalActualFactory(goal=goal, period_end=days_ago(100), value=D("8"))
    GoalFactory(network=network, title="Nothing yet")
    with django_assert_num_queries(1):
        rows = progress_selectors.goals_with_progress(network)
    assert [(r.goal.title, r.latest_value, r.percent) for r in rows] == [
        (goal.title, D("6"), 60),
        ("Nothing yet", None, 0),
    ]


# --- firm indicators ------------------------------------------------------------------------


def test_aggregates_use_each_firms_latest_report_and_hide_below_three(network, facilitator):
    firms = members(network, 4)
    # employees: reported by three firms (latest reports); exports: by two only
    FirmIndicatorFactory(firm=firms[0], date=days_ago(400), is_baseline=True, employees=99)
    FirmIndicatorFactory(firm=firms[0], date=days_ago(10), employees=10, exports=D("100"))
    FirmIndicatorFactory(firm=firms[1], date=days_ago(20), employees=20, exports=D("300"))
    FirmIndicatorFactory(firm=firms[2], date=days_ago(30), employees=40)
    summary = progress_selectors.network_indicators(network, facilitator)
    by_name = {a.name: a for a in summary.aggregates}
    assert (by_name["employees"].total, by_name["employees"].median) == (70, 20)
    assert by_name["employees"].reported == 3 and not by_name["employees"].hidden
    assert by_name["exports"].hidden and by_name["exports"].total is None
    assert by_name["exports"].reported == 2
    assert summary.member_count == 4


def test_an_average_per_firm_is_never_added_up(network, facilitator):
    firms = members(network, 3)
    for firm, wage in zip(firms, ("600000", "700000", "900000"), strict=True):
        FirmIndicatorFactory(firm=firm, date=days_ago(5), average_wage=D(wage), employees=2)
    by_name = {
        a.name: a for a in progress_selectors.network_indicators(network, facilitator).aggregates
    }
    wage = by_name["average_wage"]
    assert (wage.total, wage.median, wage.added_up) == (None, D("700000"), False)
    assert (by_name["employees"].total, by_name["employees"].added_up) == (6, True)


def test_a_former_members_figures_do_not_count(network, facilitator):
    firms = members(network, 3)
    for firm in firms:
        FirmIndicatorFactory(firm=firm, date=days_ago(5), employees=10)
    Membership.objects.filter(firm=firms[0]).update(left_on=timezone.localdate())
    employees = progress_selectors.network_indicators(network, facilitator).aggregates[0]
    assert employees.hidden and employees.reported == 2


def test_firm_rows_only_for_firms_whose_figures_the_user_sees(network, facilitator):
    firms = members(network, 3)
    me = factories.FirmMemberFactory(firm=firms[1])
    assert [
        f for f, _r in progress_selectors.network_indicators(network, facilitator).firm_rows
    ] == firms
    assert [f for f, _r in progress_selectors.network_indicators(network, me).firm_rows] == [
        firms[1]
    ]


def test_firm_panel_shows_changes_against_the_baseline(member_firm, facilitator):
    FirmIndicatorFactory(firm=member_firm, date=days_ago(300), is_baseline=True, employees=10,
                         annual_sales=D("1000"))  # fmt: skip
    FirmIndicatorFactory(firm=member_firm, date=days_ago(5), employees=14, annual_sales=D("800"),
                         exports=D("50"))  # fmt: skip
    [series] = progress_selectors.firm_panel(member_firm, facilitator).series
    baseline, rows = series.baseline, series.rows
    assert baseline.employees == 10
    follow_up = rows[1].figures
    assert (follow_up[0].value, follow_up[0].change) == (14, 4)
    assert follow_up[1].change == D("-200")
    assert follow_up[2].change is None  # no exports at the baseline
    assert all(cell.change is None for cell in rows[0].figures)


# --- participation --------------------------------------------------------------------------


@pytest.fixture
def hand_built(network, officer):
    """Five firms and a known history over the last six months.

    The network held activities 150, 100, 60, 30 and 10 days ago (one more planned in the
    future, and one of another network that must not count).
    - Steady (member for a year): attended 150, 100, 60, 10 -> 4 of 5.
    - Newcomer (joined 45 days ago, mid-window): attended 30 -> 1 of the 2 held since.
    - Drifter (member for a year): attended 150 only, its joint action was dropped -> drifting.
    - Fresh (joined 20 days ago): nothing yet, but too new to be drifting.
    - Partner (member for a year): no activity, one joint action started 40 days ago.
    """
    Network.objects.filter(pk=network.pk).update(term_start=days_ago(200))
    steady, drifter, partner = members(network, 3, joined_on=days_ago(365))
    (newcomer,) = members(network, 1, joined_on=days_ago(45))
    (fresh,) = members(network, 1, joined_on=days_ago(20))
    for name, firm in [("Steady", steady), ("Drifter", drifter), ("Partner", partner),
                       ("Newcomer", newcomer), ("Fresh", fresh)]:  # fmt: skip
        firm.name = name
        firm.save()
    gone = members(network, 1, joined_on=days_ago(365))[0]
    Membership.objects.filter(firm=gone).update(left_on=days_ago(5))
    activity(network, steady, drifter, gone, date=days_ago(150))
    activity(network, steady, date=days_ago(100))
    activity(network, steady, date=days_ago(60))
    activity(network, newcomer, date=days_ago(30))
    activity(network, steady, date=days_ago(10))
    activity(network, steady, newcomer, date=days_ago(-7))  # planned: not held yet
    activity(network, steady, date=days_ago(400))  # before the window
    activity(factories.NetworkFactory(), steady, date=days_ago(5))  # another network
    joint_action(network, partner, steady, start_date=days_ago(40))
    joint_action(network, drifter, steady, start_date=days_ago(20),
                 status=JointAction.Status.DROPPED)  # fmt: skip
    return {"steady": steady, "newcomer": newcomer, "drifter": drifter, "fresh": fresh,
            "partner": partner}  # fmt: skip


def test_participation_rates_on_a_hand_built_case(network, hand_built):
    rows = {row.firm.name: row for row in progress_selectors.participation(network)}
    assert list(rows) == ["Drifter", "Fresh", "Newcomer", "Partner", "Steady"]  # active only
    steady, newcomer = rows["Steady"], rows["Newcomer"]
    assert (steady.attended_6m, steady.held_6m) == (4, 5)
    assert steady.rate_6m == pytest.approx(0.8)
    # Since joining a year ago: the one 400 days ago is before joining; six held since.
    assert (steady.attended_since_joining, steady.held_since_joining) == (4, 5)
    assert (newcomer.attended_6m, newcomer.held_6m) == (1, 2)
    assert newcomer.rate_6m == 0.5 and newcomer.percent_6m == 50
    assert rows["Partner"].rate_6m == 0.0
    assert rows["Fresh"].held_6m == 1 and rows["Fresh"].rate_6m == 0.0
    assert progress_selectors.average_percent(list(rows.values())) == round(
        (0.8 + 0.5 + 0.2 + 0 + 0) / 5 * 100
    )


def test_participation_joint_actions_last_day_and_drifting(network, hand_built):
    rows = {row.firm.name: row for row in progress_selectors.participation(network)}
    assert rows["Steady"].joint_actions == 1  # the dropped one does not count
    assert rows["Partner"].joint_actions == 1
    assert rows["Steady"].last_participation == days_ago(10)
    assert rows["Partner"].last_participation == days_ago(40)
    assert rows["Drifter"].last_participation == days_ago(150)
    assert rows["Fresh"].last_participation is None
    assert {name for name, row in rows.items() if row.drifting} == {"Drifter"}


def test_a_firm_that_never_took_part_after_90_days_is_drifting(network):
    (old,) = members(network, 1, joined_on=days_ago(91))
    (recent,) = members(network, 1, joined_on=days_ago(89))
    drifting = {row.firm for row in progress_selectors.participation(network) if row.drifting}
    assert drifting == {old}
    assert recent not in drifting


def test_since_joining_counts_the_whole_membership(network):
    (firm,) = members(network, 1, joined_on=days_ago(500))
    activity(network, firm, date=days_ago(400))
    activity(network, date=days_ago(300))
    activity(network, firm, date=days_ago(3))
    (row,) = progress_selectors.participation(network)
    assert (row.attended_6m, row.held_6m) == (1, 1)
    assert (row.attended_since_joining, row.held_since_joining) == (2, 3)
    assert row.percent_since_joining == 67


def _grow(network, firms: int, activities: int):
    firms = members(network, firms)
    for i in range(activities):
        activity(network, *firms[i % 3 :: 2], date=days_ago(i * 4))
    joint_action(network, *firms[:4])
    return firms


def test_participation_is_one_query_whatever_the_size(network, django_assert_num_queries):
    _grow(network, 10, 5)
    with django_assert_num_queries(1):
        assert len(progress_selectors.participation(network)) == 10
    _grow(network, 15, 35)
    with django_assert_num_queries(1):
        assert len(progress_selectors.participation(network)) == 25


# --- the graph ------------------------------------------------------------------------------


def test_ties_come_from_shared_activities_and_joint_actions(network):
    a, b, c, d = members(network, 4)
    activity(network, a, b, c, date=days_ago(30))
    activity(network, a, b, date=days_ago(20))
    joint_action(network, b, c, start_date=days_ago(10))
    joint_action(network, a, d, status=JointAction.Status.DROPPED)
    activity(network, c, d, date=days_ago(-3))  # planned: no tie yet
    collab = progress_selectors.collaboration(network)
    g = collab.graph
    key = lambda x, y: tuple(sorted((x.pk, y.pk)))  # noqa: E731
    assert g.weights == {key(a, b): 2, key(a, c): 1, key(b, c): 2}
    assert g.isolated() == [d.pk]
    assert g.density == pytest.approx(3 / 6)
    assert g.degrees()[b.pk] == 2
    assert collab.isolated_names == [d.name]


def test_former_members_drop_out_of_the_graph(network):
    a, b, c = members(network, 3)
    activity(network, a, b, c, date=days_ago(30))
    Membership.objects.filter(firm=c).update(left_on=days_ago(1))
    g = progress_selectors.collaboration(network).graph
    assert set(g.names) == {a.pk, b.pk}
    assert g.density == 1.0


def test_density_by_quarter_counts_ties_up_to_each_quarter_end(network):
    today = timezone.localdate()
    start = today.replace(day=1) - datetime.timedelta(days=200)
    Network.objects.filter(pk=network.pk).update(term_start=start)
    network.refresh_from_db()
    a, b, c = members(network, 3, joined_on=start)
    activity(network, a, b, date=start)
    activity(network, b, c, date=today)
    quarters = progress_selectors.collaboration(network).quarters
    assert len(quarters) >= 3
    assert quarters[0].ties == 1 and quarters[0].density == pytest.approx(1 / 3)
    assert quarters[-1].ties == 2 and quarters[-1].density == pytest.approx(2 / 3)


def test_the_graph_takes_two_queries_whatever_the_size(network, django_assert_num_queries):
    _grow(network, 10, 5)
    with django_assert_num_queries(2):
        assert progress_selectors.collaboration(network).graph.node_count == 10
    _grow(network, 15, 35)
    with django_assert_num_queries(2):
        assert progress_selectors.collaboration(network).graph.node_count == 25


def test_the_network_page_shares_one_membership_query(network, django_assert_num_queries):
    firms = _grow(network, 10, 5)
    Membership.objects.filter(firm=firms[0]).update(left_on=days_ago(1))
    with django_assert_num_queries(2):
        progress = progress_selectors.network_progress(network)
    assert len(progress["participation"]) == 9
    assert progress["collaboration"].graph.node_count == 9
    assert firms[0] not in [row.firm for row in progress["participation"]]
    assert [r.firm for r in progress["participation"]] == [
        r.firm for r in progress_selectors.participation(network)
    ]
