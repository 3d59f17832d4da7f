"""/api/v1/: joint actions, their confirmation, support-service take-up and the catalogue."""

from decimal import Decimal

import pytest
from django.utils import timezone

from networks.models import JointAction, JointActionParticipant, Network, ServiceUptake
from networks.services import joint_actions as S
from networks.services import support as SS
from tests import builders, factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(network, member_firm):
    return [member_firm, *builders.open_for_joint_actions(network, members=3)]


@pytest.fixture
def second_user(firms):
    return factories.FirmMemberFactory(username="second", firm=firms[1])


@pytest.fixture
def joint_action(network, firms, firm_user):
    return S.joint_action_log(
        network=network, actor=firm_user, type="shared_equipment", title="A shared CNC router",
        firms=firms[:3], status="under_way", value=Decimal("8000000"),
    )  # fmt: skip


def ja_list(network) -> str:
    return f"/api/v1/networks/{network.pk}/joint-actions/"


def ja(joint_action, action: str = "") -> str:
    return f"/api/v1/joint-actions/{joint_action.pk}/" + (f"{action}/" if action else "")


def states(joint_action) -> dict:
    rows = JointActionParticipant.objects.filter(joint_action=joint_action)
    return {row.firm_id: row.is_confirmed for row in rows}


# --- joint actions: reading -----------------------------------------------------------------


def test_list_shows_the_networks_joint_actions(api, second_user, network, firms, joint_action):
    api.force_authenticate(second_user)
    body = api.get(ja_list(network)).json()
    assert body["count"] == 1 and set(body) == {"count", "next", "previous", "results"}
    [row] = body["results"]
    assert row["id"] == joint_action.pk
    assert row["type"] == "shared_equipment" and row["type_label"] == "shared equipment"
    assert row["value"] == "8000000.00" and row["status"] == "under_way"
    assert row["logged_by_firm"] == firms[0].pk
    assert sorted(row["firms"]) == sorted(f.pk for f in firms[:3])
    confirmed = {p["firm"]: p["confirmed"] for p in row["participants"]}
    assert confirmed == {firms[0].pk: True, firms[1].pk: False, firms[2].pk: False}
    assert row["declined"] == []


def test_list_filters(api, facilitator, network, firms, joint_action):
    S.joint_action_log(
        network=network, actor=facilitator, type="trade_fair", title="Fair", firms=firms[:2],
        status="done",
    )  # fmt: skip
    api.force_authenticate(facilitator)
    assert api.get(ja_list(network), {"status": "done"}).json()["count"] == 1
    assert api.get(ja_list(network), {"type": "shared_equipment"}).json()["count"] == 1
    assert api.get(ja_list(network), {"status": "nope"}).status_code == 400


@pytest.mark.parametrize("count, per_action", [(2, 2), (30, 10)])
def test_list_queries_do_not_grow(
    api, facilitator, network, firms, count, per_action, django_assert_max_num_queries
):
    firms = firms + builders.open_for_joint_actions(network, members=6)
    for _ in range(count):
        action = factories.JointActionFactory(network=network)
        builders.participants(action, firms[:per_action], confirmed=firms[:1])
        S.record_decline(joint_action=action, firm=firms[-1], actor=facilitator)
    api.force_authenticate(facilitator)
    # network, count, page, participants, declines
    with django_assert_max_num_queries(5):
        body = api.get(ja_list(network)).json()
    assert body["count"] == count
    assert all(len(row["participants"]) == per_action for row in body["results"])


def test_a_member_of_network_b_cannot_list_read_or_confirm_network_as(
    api, outsider_firm_user, other_network, network, joint_action
):
    builders.open_for_joint_actions(other_network)
    api.force_authenticate(outsider_firm_user)
    assert api.get(ja_list(network)).status_code == 404
    assert api.post(ja_list(network), {}, format="json").status_code == 404
    assert api.get(ja(joint_action)).status_code == 404
    assert api.patch(ja(joint_action), {"title": "x"}, format="json").status_code == 404
    assert api.post(ja(joint_action, "confirm")).status_code == 404
    assert api.post(ja(joint_action, "decline")).status_code == 404
    assert len(states(joint_action)) == 3
    # Network B's own list does not show it either.
    assert api.get(ja_list(other_network)).json()["count"] == 0


def test_anonymous_is_401(api, network, joint_action):
    assert api.get(ja_list(network)).status_code == 401
    assert api.post(ja(joint_action, "confirm")).status_code == 401


# --- joint actions: logging -----------------------------------------------------------------


def payload(participants, **overrides):
    data = {
        "type": "joint_purchasing", "title": "Resin bought together",
        "firms": [f.pk for f in participants], "status": "done", "start_date": "2026-02-01",
        "end_date": "2026-02-20", "value": "420000.00", "outcome": "15% cheaper.",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_firm_member_logs_one(api, firm_user, network, firms):
    api.force_authenticate(firm_user)
    response = api.post(ja_list(network), payload(firms[1:3]), format="json")
    assert response.status_code == 201
    body = response.json()
    joint_action = JointAction.objects.get(pk=body["id"])
    assert body["logged_by_firm"] == firms[0].pk == joint_action.logged_by_firm_id
    assert body["value"] == "420000.00" and body["end_date"] == "2026-02-20"
    assert {p["firm"]: p["confirmed"] for p in body["participants"]} == {
        firms[0].pk: True, firms[1].pk: False, firms[2].pk: False,
    }  # fmt: skip


def test_at_least_two_firms_400(api, facilitator, network, firms):
    api.force_authenticate(facilitator)
    response = api.post(ja_list(network), payload(firms[:1]), format="json")
    assert response.status_code == 400
    assert response.json() == {"firms": [str(S.JOINT_ACTION_TWO_FIRMS)]}
    assert not JointAction.objects.exists()


def test_field_errors_name_the_field(api, firm_user, network, firms):
    api.force_authenticate(firm_user)
    cases = [
        ({"type": "nope"}, "type", S.JOINT_ACTION_TYPE_UNKNOWN),
        ({"title": ""}, "title", S.JOINT_ACTION_TITLE_REQUIRED),
        ({"status": "finished"}, "status", S.JOINT_ACTION_STATUS_UNKNOWN),
        ({"value": "-5"}, "value", S.JOINT_ACTION_VALUE_INVALID),
        ({"end_date": "2026-01-01"}, "end_date", S.JOINT_ACTION_END_BEFORE_START),
        ({"firms": [firms[1].pk, 10**9]}, "firms", S.JOINT_ACTION_FIRM_NOT_MEMBER),
    ]
    for overrides, field, message in cases:
        response = api.post(ja_list(network), payload(firms[:2], **overrides), format="json")
        assert response.status_code == 400, overrides
        assert response.json()[field] == [str(message)], overrides
    response = api.post(ja_list(network), {"firms": "all"}, format="json")
    assert response.status_code == 400 and "firms" in response.json()
    assert not JointAction.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "agency_admin"])
def test_agency_may_see_but_not_log_403(api, request, network, firms, joint_action, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.get(ja_list(network)).json()["count"] == 1
    assert api.post(ja_list(network), payload(firms[:2]), format="json").status_code == 403
    assert JointAction.objects.count() == 1


def test_phase_rule_409(api, firm_user, network, firms):
    Network.objects.filter(pk=network.pk).update(phase=Network.Phase.PREPARATION)
    api.force_authenticate(firm_user)
    response = api.post(ja_list(network), payload(firms[:2]), format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": str(S.JOINT_ACTION_PHASE)}


# --- joint actions: confirming, declining, editing ------------------------------------------


def test_confirm_by_the_participating_firm(api, second_user, network, firms, joint_action):
    api.force_authenticate(second_user)
    response = api.post(ja(joint_action, "confirm"))
    assert response.status_code == 200
    confirmed = {p["firm"]: p["confirmed"] for p in response.json()["participants"]}
    assert confirmed[firms[1].pk] is True and confirmed[firms[2].pk] is False
    assert api.post(ja(joint_action, "confirm")).status_code == 409


def test_a_firm_cannot_confirm_another_firms_participation(
    api, facilitator, officer, network, firms, joint_action
):
    bystander = factories.FirmMemberFactory(firm=firms[3])  # a member, not a participant
    for user in (bystander, facilitator, officer):
        api.force_authenticate(user)
        assert api.get(ja(joint_action)).status_code == 200  # may see...
        assert api.post(ja(joint_action, "confirm")).status_code == 403  # ...not confirm
    assert states(joint_action) == {firms[0].pk: True, firms[1].pk: False, firms[2].pk: False}


def test_decline(api, second_user, firm_user, network, firms, joint_action):
    api.force_authenticate(second_user)
    response = api.post(ja(joint_action, "decline"))
    assert response.status_code == 200
    body = response.json()
    assert firms[1].pk not in body["firms"]
    assert [d["firm"] for d in body["declined"]] == [firms[1].pk]
    api.force_authenticate(firm_user)
    assert api.post(ja(joint_action, "decline")).status_code == 409  # the logger
    assert [d["firm"] for d in api.get(ja(joint_action)).json()["declined"]] == [firms[1].pk]


def test_a_member_who_did_not_log_it_gets_403_on_patch(api, second_user, joint_action):
    api.force_authenticate(second_user)
    response = api.patch(ja(joint_action), {"title": "Ours"}, format="json")
    assert response.status_code == 403
    joint_action.refresh_from_db()
    assert joint_action.title == "A shared CNC router"


def test_the_logging_firm_patches(api, firm_user, network, firms, joint_action):
    api.force_authenticate(firm_user)
    data = {"status": "done", "firms": [firms[0].pk, firms[1].pk, firms[3].pk]}
    response = api.patch(ja(joint_action), data, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert states(joint_action) == {firms[0].pk: True, firms[1].pk: False, firms[3].pk: False}
    response = api.patch(ja(joint_action), {"firms": [firms[1].pk, firms[3].pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["firms"] == [str(S.JOINT_ACTION_LOGGER_STAYS % {"firm": firms[0].name})]


# --- support-service take-up ----------------------------------------------------------------


@pytest.fixture
def service(agency):
    return factories.SupportServiceFactory(provider__agency=agency, category="credit")


def up_list(network) -> str:
    return f"/api/v1/networks/{network.pk}/service-uptakes/"


def up(uptake) -> str:
    return f"/api/v1/service-uptakes/{uptake.pk}/"


def test_facilitator_records_and_updates_a_take_up(api, facilitator, network, member_firm, service):
    api.force_authenticate(facilitator)
    data = {
        "firm": member_firm.pk, "service": service.pk, "referred_by_facilitator": True,
        "date": timezone.localdate().isoformat(), "status": "referred", "result": "",
    }  # fmt: skip
    response = api.post(up_list(network), data, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["firm"], body["service"], body["category"]) == (
        member_firm.pk, service.pk, "credit",
    )  # fmt: skip
    uptake = ServiceUptake.objects.get(pk=body["id"])
    response = api.patch(up(uptake), {"status": "taken_up", "result": "Approved"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "taken_up"
    uptake.refresh_from_db()
    assert (uptake.status, uptake.result) == ("taken_up", "Approved")


def test_take_up_errors_name_the_field(api, officer, network, member_firm, service):
    api.force_authenticate(officer)
    stranger = factories.FirmFactory()
    base = {"firm": member_firm.pk, "service": service.pk, "date": timezone.localdate()}
    cases = [
        ({"firm": stranger.pk}, "firm", SS.UPTAKE_FIRM_NOT_MEMBER),
        ({"service": 10**9}, "service", SS.UPTAKE_SERVICE_NOT_IN_CATALOGUE),
        ({"status": "lost"}, "status", SS.UPTAKE_STATUS_UNKNOWN),
    ]
    for overrides, field, message in cases:
        response = api.post(up_list(network), {**base, **overrides}, format="json")
        assert response.status_code == 400
        assert response.json()[field] == [str(message)]
    assert not ServiceUptake.objects.exists()


def test_a_firm_member_sees_only_its_own_firms_take_up(
    api, firm_user, network, member_firm, service
):
    own = factories.ServiceUptakeFactory(network=network, firm=member_firm, service=service)
    other = factories.ServiceUptakeFactory(
        network=network, firm=factories.MembershipFactory(network=network).firm, service=service
    )
    api.force_authenticate(firm_user)
    body = api.get(up_list(network)).json()
    assert [row["id"] for row in body["results"]] == [own.pk]
    assert api.get(up(own)).status_code == 200
    assert api.get(up(other)).status_code == 404  # another firm's row is not there for it
    assert api.patch(up(own), {"status": "completed"}, format="json").status_code == 403
    assert api.post(up_list(network), {}, format="json").status_code == 403


@pytest.mark.parametrize(
    "persona", ["outsider_firm_user", "outsider_officer", "outsider_facilitator"]
)
def test_take_up_of_another_network_is_404(api, request, network, member_firm, service, persona):
    uptake = factories.ServiceUptakeFactory(network=network, firm=member_firm, service=service)
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.get(up_list(network)).status_code == 404
    assert api.get(up(uptake)).status_code == 404
    assert api.patch(up(uptake), {"status": "completed"}, format="json").status_code == 404
    uptake.refresh_from_db()
    assert uptake.status == "referred"


def test_take_up_list_queries_do_not_grow(
    api, officer, network, service, django_assert_max_num_queries
):
    firms = builders.open_for_joint_actions(network, members=4)
    api.force_authenticate(officer)
    for size in (2, 30):
        ServiceUptake.objects.all().delete()
        for n in range(size):
            factories.ServiceUptakeFactory(network=network, firm=firms[n % 4], service=service)
        with django_assert_max_num_queries(3):  # network, count, page
            assert api.get(up_list(network)).json()["count"] == size


def test_support_services_lists_the_readable_catalogue(api, firm_user, service, outsider_officer):
    factories.SupportServiceFactory(provider__agency=outsider_officer.agency)
    api.force_authenticate(firm_user)
    body = api.get("/api/v1/support-services/").json()
    assert [row["id"] for row in body["results"]] == [service.pk]
    assert body["results"][0]["category"] == "credit"
