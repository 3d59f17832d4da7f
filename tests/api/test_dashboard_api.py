"""GET /api/v1/dashboard/: the numbers of the caller's own home page, and nobody else's."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from networks.models import JointAction, Membership, Network
from tests import builders, factories
from tests.builders import activity, days_ago, joint_action, members
from tests.dashboard_scenes import busy_network, due, healthy, pay, running, the_worked_example

pytestmark = pytest.mark.django_db

URL = "/api/v1/dashboard/"

# The dashboard's reads (see networks.selectors.dashboard); force_authenticate spares the
# token's and the user's queries.
FACILITATOR_QUERIES = 7
AGENCY_QUERIES = 12  # 10, and the networks in independence with their check-ins
FIRM_QUERIES = 8  # + the activities waiting for the firm's answer (issue 17)


def test_anonymous_gets_401(api):
    assert api.get(URL).status_code == 401


def test_a_user_without_a_role_gets_403(api):
    api.force_authenticate(factories.UserFactory(role=""))
    assert api.get(URL).status_code == 403


def test_facilitator_gets_a_card_per_network(api, facilitator, network, officer):
    the_worked_example(network, officer)
    api.force_authenticate(facilitator)
    response = api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "facilitator"
    [card] = body["networks"]
    assert {key: card[key] for key in card if key != "next_steps"} == {
        "id": network.pk,
        "name": network.name,
        "phase": "consolidation",
        "member_count": 11,
        "handover_due": (timezone.localdate() + datetime.timedelta(days=41)).isoformat(),
        "days_to_handover": 41,
        "last_activity": days_ago(10).isoformat(),
        "activities_90d": 3,
        "participation_rate": 0.5,
        "drifting": 1,
        "in_arrears": 2,
        "waiting_confirmations": 2,
        "joint_actions_waiting": 1,
        "readiness_score": 3,
        "readiness_total": 6,
    }
    assert [step["code"] for step in card["next_steps"]] == [
        "handover", "arrears", "confirmations", "drifting",
    ]  # fmt: skip
    assert card["next_steps"][1] == {
        "code": "arrears",
        "text": "2 firms are in arrears",
        "url": f"/networks/{network.pk}/ledger/",
    }
    assert body["dissolved"] == []


def test_preparation_networks_have_no_readiness(api, facilitator, network):
    api.force_authenticate(facilitator)
    [card] = api.get(URL).json()["networks"]
    assert card["phase"] == "preparation"
    assert card["readiness_score"] is None and card["days_to_handover"] is None
    assert card["next_steps"][0]["code"] == "submit"


def test_agency_gets_its_portfolio(api, officer, programme, facilitator):
    builders.submitted_network(factories.NetworkFactory(programme=programme, name="Waiting"))
    owing = factories.NetworkFactory(programme=programme, name="Owing")
    firms = healthy(owing)
    due(owing, firms[0], 1000, months_ago=4)
    Network.objects.filter(pk=owing.pk).update(handover_due=days_ago(2))
    joint_action(owing, *firms[:2], status=JointAction.Status.DONE, value=Decimal("12.50"))
    api.force_authenticate(officer)
    body = api.get(URL).json()
    assert body["role"] == "agency_staff"
    assert body["by_phase"] == {
        "preparation": 1, "consolidation": 1, "independence": 0, "dissolved": 0,
    }  # fmt: skip
    assert body["approvals_count"] == 1
    assert [a["name"] for a in body["approvals"]] == ["Waiting"]
    assert body["handovers_due"] == []
    assert body["overdue"] == [
        {"network": owing.pk, "name": "Owing", "handover_due": days_ago(2).isoformat(),
         "days_left": -2, "readiness_score": 2, "readiness_total": 6}
    ]  # fmt: skip
    assert body["at_risk"] == [
        {"network": owing.pk, "name": "Owing",
         "reasons": [
             {"code": "handover_overdue",
              "text": f"Handover 2 days overdue (due {date_format(days_ago(2))})"},
             {"code": "arrears", "text": "1 firm in arrears"},
         ]}
    ]  # fmt: skip
    assert body["totals"] == {
        "networks": 2,
        "firms_reached": 20,
        "activities": 1,
        "joint_actions_done": 1,
        "joint_actions_value": {"CLP": "12.50"},
        "service_uptakes_this_year": 0,
        "year": timezone.localdate().year,
    }


def test_an_officer_never_sees_another_agencys_networks(
    api, officer, network, outsider_officer, other_network
):
    running(network)
    running(other_network)
    members(other_network, 3)
    for user, mine, theirs in ((officer, network, other_network),
                               (outsider_officer, other_network, network)):  # fmt: skip
        api.force_authenticate(user)
        body = api.get(URL).json()
        assert [row["network"] for row in body["at_risk"]] == [mine.pk]
        assert theirs.pk not in [row["network"] for row in body["at_risk"]]
        assert body["totals"]["networks"] == 1


def test_a_facilitator_never_sees_another_facilitators_networks(
    api, outsider_facilitator, network, other_network
):
    api.force_authenticate(outsider_facilitator)
    body = api.get(URL).json()
    assert [card["id"] for card in body["networks"]] == [other_network.pk]


def test_a_firm_sees_only_its_own_rows(api, firm_user, member_firm, network, outsider_firm_user):
    running(network)
    Membership.objects.filter(firm=member_firm).update(joined_on=days_ago(365))
    [other] = members(network, 1)
    ahead = activity(network, title="Fair", date=timezone.localdate() + datetime.timedelta(3))
    visit = activity(network, member_firm, title="Visit", date=days_ago(5))
    waiting = joint_action(network, member_firm, other, title="Order")
    joint_action(network, other, title="Not ours")
    due(network, member_firm, 1000, months_ago=4)
    pay(network, member_firm, 250)
    due(network, other, 9000, months_ago=4)

    api.force_authenticate(firm_user)
    body = api.get(URL).json()
    assert body["role"] == "firm_member" and body["firm"] == member_firm.pk
    assert body["networks"] == [
        {"id": network.pk, "name": network.name, "phase": "consolidation",
         "manager": network.facilitator_id, "manager_name": network.facilitator.username,
         "member": True}
    ]  # fmt: skip
    assert [a["id"] for a in body["upcoming"]] == [ahead.pk]
    assert body["recent"] == [
        {"id": visit.pk, "network": network.pk, "title": "Visit", "date": days_ago(5).isoformat(),
         "place": visit.place, "type": visit.type.slug, "attended": True, "confirmed": False}
    ]  # fmt: skip
    # The visit recorded the firm as attending and waits for its answer (issue 17).
    assert body["attendance_waiting"] == [
        {"id": visit.pk, "network": network.pk, "title": "Visit",
         "date": days_ago(5).isoformat()}
    ]  # fmt: skip
    assert body["joint_actions_waiting"] == [
        {"id": waiting.pk, "network": network.pk, "title": "Order", "status": "under_way",
         "confirmed": False}
    ]  # fmt: skip
    assert [row["id"] for row in body["joint_actions"]] == [waiting.pk]
    assert body["balances"] == [
        {"network": network.pk, "currency": "CLP", "owed": "1000.00", "paid": "250.00",
         "balance": "750.00", "arrears": "750.00", "in_arrears": True}
    ]  # fmt: skip

    api.force_authenticate(outsider_firm_user)
    body = api.get(URL).json()
    assert network.pk not in [n["id"] for n in body["networks"]]
    assert network.pk not in [row["network"] for row in body["balances"]]
    assert body["upcoming"] == [] and body["joint_actions_waiting"] == []


def counted(api, user) -> int:
    api.force_authenticate(user)
    with CaptureQueriesContext(connection) as captured:
        response = api.get(URL)
    assert response.status_code == 200
    return len(captured)


def test_queries_do_not_grow(
    api, officer, facilitator, firm_user, member_firm, network, django_assert_max_num_queries
):
    programme = network.programme
    busy_network(programme, facilitator, officer)
    small = []
    for user, bound in ((facilitator, FACILITATOR_QUERIES), (officer, AGENCY_QUERIES),
                        (firm_user, FIRM_QUERIES)):  # fmt: skip
        with django_assert_max_num_queries(bound):
            small.append(counted(api, user))
    for _ in range(4):
        busy = busy_network(programme, facilitator, officer, firms=20)
        Membership.objects.create(network=busy, firm=member_firm, joined_on=days_ago(200))
        joint_action(busy, member_firm)
        due(busy, member_firm, 100, months_ago=3)
    large = []
    for user, bound in ((facilitator, FACILITATOR_QUERIES), (officer, AGENCY_QUERIES),
                        (firm_user, FIRM_QUERIES)):  # fmt: skip
        with django_assert_max_num_queries(bound):
            large.append(counted(api, user))
    assert small == large
