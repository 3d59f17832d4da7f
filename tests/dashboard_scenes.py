"""Set-ups for the home page tests (tests/views/test_dashboards.py, tests/selectors/
test_dashboard.py, tests/api/test_dashboard_api.py): networks with a known story, and the
pinned query counts."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from networks.lib.dates import add_months, first_of_month
from networks.models import (
    Application,
    Due,
    Evaluation,
    JointAction,
    JointActionParticipant,
    Membership,
    MonthlyCharge,
    Network,
    Payment,
)
from networks.selectors.dashboard import aggregates as dashboard_aggregates
from networks.selectors.dashboard import facts as dashboard_facts
from networks.selectors.dashboard import homes as dashboard_homes
from tests import factories
from tests.builders import activity, days_ago, joint_action, members
from tests.factories import ServiceUptakeFactory

# Pinned: session and user, then the reads of selectors.dashboard (see each dashboard's
# docstring); the agency's page adds its agency's name and the list of every network (count and
# page), the firm's page the firm's own row. Every page: +1 since issue 15, the bell's count.
FACILITATOR_QUERIES = 2 + 7 + 1
AGENCY_QUERIES = 2 + 12 + 3 + 1
FIRM_QUERIES = 2 + 8 + 1 + 1  # issue 17: + the activities waiting for the firm's answer


def today():
    return timezone.localdate()


def running(network, *, started_months_ago: int = 12, due_in_days: int | None = None):
    """Put `network` in consolidation, its term started `started_months_ago` months ago."""
    start = add_months(today(), -started_months_ago)
    due = (
        add_months(start, 36) if due_in_days is None else today() + datetime.timedelta(due_in_days)
    )
    Network.objects.filter(pk=network.pk).update(
        phase=Network.Phase.CONSOLIDATION, term_start=start, handover_due=due
    )
    Application.objects.filter(network=network).update(status=Application.Status.APPROVED)
    network.refresh_from_db()
    return network


def due(network, firm, amount, *, months_ago: int) -> Due:
    """A due of `amount` for the month `months_ago` months back (with its month's charge)."""
    month = add_months(first_of_month(today()), -months_ago)
    charge, _ = MonthlyCharge.objects.get_or_create(
        network=network, month=month,
        defaults={"salary": Decimal(1000000), "agency_percent": Decimal(50),
                  "agency_amount": Decimal(500000), "firms_amount": Decimal(500000)},
    )  # fmt: skip
    return Due.objects.create(
        charge=charge, network=network, firm=firm, month=month, amount=Decimal(amount)
    )


def pay(network, firm, amount) -> Payment:
    return Payment.objects.create(
        network=network, firm=firm, date=today(), amount=Decimal(amount),
        recorded_by=network.facilitator,
    )  # fmt: skip


def evaluate(network, officer, *, days: int = 30) -> Evaluation:
    return Evaluation.objects.create(
        network=network, date=days_ago(days), evaluator=officer, met_count=5, criteria_count=12
    )


def healthy(network, *, count: int = 10) -> list:
    """A network in consolidation with nothing wrong: `count` members who all attended an
    activity ten days ago (every firm tied to every other, 100% attendance)."""
    running(network)
    firms = members(network, count)
    activity(network, *firms, date=days_ago(10))
    return firms


def the_worked_example(network, officer):
    """The facilitator's network of the tests: consolidation, handover due in 41 days.

    - eleven active members: A..J joined a year ago, K 30 days ago; L has left;
    - four activities in six months: 22 attendances of active members (L's is not counted)
      out of 4 x 11 = 44: 50%; three of them in the last 90 days, the last ten days ago;
    - J last took part 100 days ago: the one drifting firm (K is too new to drift);
    - A owes an old due, D paid part of one: two firms in arrears; C's due is this month's;
    - a done joint action with B and C unconfirmed (and a dropped one, which does not count);
    - readiness 3/6: members, a done joint action and an evaluation 30 days ago.
    """
    running(network, started_months_ago=33, due_in_days=41)
    a, b, c, d, e, f, g, h, i, j = firms = members(network, 10)
    k = members(network, 1, joined_on=days_ago(30))[0]
    left = members(network, 1)[0]
    Membership.objects.filter(network=network, firm=left).update(left_on=days_ago(5))
    activity(network, a, b, c, d, e, f, g, h, left, date=days_ago(10))
    activity(network, a, b, c, d, e, f, date=days_ago(40))
    activity(network, a, b, c, d, e, i, date=days_ago(70))
    activity(network, a, j, date=days_ago(100))
    activity(network, a, b, date=today() + datetime.timedelta(days=5))  # ahead: not held yet
    due(network, a, 1000, months_ago=4)
    due(network, b, 1000, months_ago=4)
    pay(network, b, 1000)
    due(network, c, 1000, months_ago=0)
    due(network, d, 1000, months_ago=4)
    pay(network, d, 400)
    done = joint_action(network, a, b, c, status=JointAction.Status.DONE, value=Decimal(5000000))
    JointActionParticipant.objects.filter(joint_action=done, firm=a).update(
        confirmed_at=timezone.now()
    )
    joint_action(network, d, status=JointAction.Status.DROPPED)
    evaluate(network, officer)
    return {"firms": firms, "k": k, "left": left, "j": j, "done": done}


def card_for(dashboard, network) -> dashboard_facts.NetworkFacts:
    return next(card for card in dashboard.cards if card.network.pk == network.pk)


def busy_network(programme, facilitator, officer, *, firms: int = 12):
    """A network in consolidation with members, activities, joint actions, dues and payments."""
    network = factories.NetworkFactory(programme=programme, facilitator=facilitator)
    running(network, due_in_days=30)
    group = members(network, firms)
    for days in (5, 40, 100, 200, 250):
        activity(network, *group[: firms // 2], date=days_ago(days))
    done = joint_action(network, *group[:3], status=JointAction.Status.DONE, value=Decimal(10))
    JointActionParticipant.objects.filter(joint_action=done, firm=group[0]).update(
        confirmed_at=timezone.now()
    )
    for firm in group[:4]:
        due(network, firm, 1000, months_ago=4)
    pay(network, group[0], 1000)
    evaluate(network, officer)
    ServiceUptakeFactory(network=network, firm=group[0], status="taken_up")
    return network


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def running_facts(officer, network) -> dashboard_facts.NetworkFacts:
    dashboard = dashboard_homes.agency_dashboard(user=officer)
    return next(f for f in dashboard.running if f.network.pk == network.pk)


def expire_agency_figures(officer):
    """What DASHBOARD_FIGURES_SECONDS later does: the agency's aggregates are computed again."""
    from django.core.cache import cache

    cache.delete(
        dashboard_aggregates.AGENCY_FIGURES_CACHE.format(
            agency=officer.agency_id, day=today().isoformat()
        )
    )
