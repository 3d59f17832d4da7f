"""The joint-action pages: list, log, detail with confirm and decline, edit, and the network page
section."""

from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse

from networks.models import JointAction, JointActionParticipant, Network
from networks.selectors import network_page
from networks.services import joint_actions as S
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(network, member_firm):
    return [member_firm, *builders.open_for_joint_actions(network, members=3)]


@pytest.fixture
def second_user(firms):
    return factories.FirmMemberFactory(username="second", firm=firms[1])


@pytest.fixture
def joint_action(network, firms, firm_user):
    """Logged by firm_user's firm with the second and third firms."""
    return S.joint_action_log(
        network=network, actor=firm_user, type="shared_order", title="Big hotel order",
        firms=firms[:3], status="under_way", value=Decimal("3000000"),
    )  # fmt: skip


def url(name, network, *args):
    return reverse(f"networks:{name}", args=[network.pk, *args])


def form_data(firms, **overrides):
    data = {
        "type": "joint_purchasing", "title": "Timber together", "firms": [f.pk for f in firms],
        "status": "planned", "start_date": "2026-03-01", "end_date": "2026-03-31",
        "value": "150000", "outcome": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def states(joint_action) -> dict:
    rows = JointActionParticipant.objects.filter(joint_action=joint_action)
    return {row.firm_id: row.is_confirmed for row in rows}


# --- who may reach what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["outsider_firm_user", "outsider_officer", "outsider_facilitator"]
)
def test_another_networks_people_get_404_everywhere(
    client, request, network, joint_action, persona
):
    client.force_login(request.getfixturevalue(persona))
    for name, args in [
        ("joint-action-list", ()),
        ("joint-action-create", ()),
        ("joint-action-detail", (joint_action.pk,)),
        ("joint-action-edit", (joint_action.pk,)),
    ]:
        assert client.get(url(name, network, *args)).status_code == 404, name
    for name in ("joint-action-confirm", "joint-action-decline"):
        assert client.post(url(name, network, joint_action.pk)).status_code == 404
    assert len(states(joint_action)) == 3


def test_a_joint_action_is_not_found_through_another_network(
    client, outsider_firm_user, other_network, joint_action
):
    """Network B's member cannot reach network A's joint action by putting B's id in the URL."""
    client.force_login(outsider_firm_user)
    builders.open_for_joint_actions(other_network)
    assert client.get(url("joint-action-detail", other_network, joint_action.pk)).status_code == 404
    response = client.post(url("joint-action-confirm", other_network, joint_action.pk))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, network, joint_action):
    response = client.get(url("joint-action-list", network))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_agency_sees_but_cannot_log(client, officer, network, joint_action):
    client.force_login(officer)
    html = client.get(url("joint-action-list", network)).content.decode()
    assert "Big hotel order" in html and url("joint-action-create", network) not in html
    assert client.get(url("joint-action-create", network)).status_code == 403
    assert client.post(url("joint-action-create", network), {}).status_code == 403


# --- logging --------------------------------------------------------------------------------


def test_a_firm_member_logs_a_joint_action(client, firm_user, network, firms):
    client.force_login(firm_user)
    page = client.get(url("joint-action-create", network)).content.decode()
    assert "Your own firm always takes part" in page
    response = client.post(url("joint-action-create", network), form_data(firms[1:3]), follow=True)
    joint_action = JointAction.objects.get()
    assert response.redirect_chain[-1][0] == url("joint-action-detail", network, joint_action.pk)
    assert shows(response, "Joint action “Timber together” logged.")
    assert joint_action.logged_by_firm == firms[0]
    assert states(joint_action) == {firms[0].pk: True, firms[1].pk: False, firms[2].pk: False}
    html = response.content.decode()
    assert html.count("unconfirmed") >= 2  # in words, not only a colour


def test_one_firm_is_not_a_joint_action(client, facilitator, network, firms):
    client.force_login(facilitator)
    response = client.post(url("joint-action-create", network), form_data(firms[:1]))
    assert response.status_code == 200
    assert shows(response, S.JOINT_ACTION_TWO_FIRMS)
    assert not JointAction.objects.exists()


def test_end_before_start_is_refused_on_the_form(client, firm_user, network, firms):
    client.force_login(firm_user)
    data = form_data(firms[:2], start_date="2026-03-10", end_date="2026-03-01")
    response = client.post(url("joint-action-create", network), data)
    assert shows(response, S.JOINT_ACTION_END_BEFORE_START)
    assert not JointAction.objects.exists()


def test_the_phase_rule_is_said_up_front(client, firm_user, network, member_firm):
    # The network is still in preparation.
    others = factories.MembershipFactory.create_batch(2, network=network)
    client.force_login(firm_user)
    page = client.get(url("joint-action-create", network))
    assert shows(page, S.JOINT_ACTION_PHASE) and 'name="title"' not in page.content.decode()
    data = form_data([member_firm, *(m.firm for m in others)])
    response = client.post(url("joint-action-create", network), data, follow=True)
    assert shows(response, S.JOINT_ACTION_PHASE)
    assert not JointAction.objects.exists()
    detail = client.get(reverse("networks:network-detail", args=[network.pk])).content.decode()
    # No button to the form (the navigation's "Log a joint action" opens the chooser).
    assert url("joint-action-create", network) not in detail


# --- confirmation and declining -------------------------------------------------------------


def test_detail_shows_who_has_confirmed(client, facilitator, network, firms, joint_action):
    client.force_login(facilitator)
    html = client.get(url("joint-action-detail", network, joint_action.pk)).content.decode()
    for firm in firms[:3]:
        assert firm.name in html
    assert html.count("✓ confirmed") == 1 and html.count("? unconfirmed") == 2
    assert "took part" not in html  # no confirm button for someone of no participating firm


def test_a_participating_firm_confirms_on_the_page(
    client, second_user, network, firms, joint_action
):
    client.force_login(second_user)
    page = client.get(url("joint-action-detail", network, joint_action.pk))
    html = page.content.decode()
    assert "Waiting for your confirmation" in html
    assert f"Confirm that {firms[1].name} took part" in html
    response = client.post(url("joint-action-confirm", network, joint_action.pk), follow=True)
    assert shows(response, "Your firm's participation in “Big hotel order” is confirmed.")
    assert states(joint_action)[firms[1].pk] is True
    assert states(joint_action)[firms[2].pk] is False  # only its own row
    again = client.post(url("joint-action-confirm", network, joint_action.pk), follow=True)
    assert shows(again, S.PARTICIPATION_ALREADY_CONFIRMED)


def test_a_firm_that_does_not_take_part_cannot_confirm(client, network, firms, joint_action):
    outsider_member = factories.FirmMemberFactory(firm=firms[3])  # member, not a participant
    client.force_login(outsider_member)
    assert client.get(url("joint-action-detail", network, joint_action.pk)).status_code == 200
    assert client.post(url("joint-action-confirm", network, joint_action.pk)).status_code == 403
    assert client.post(url("joint-action-decline", network, joint_action.pk)).status_code == 403
    assert len(states(joint_action)) == 3


def test_confirm_and_decline_are_post_only(client, second_user, network, joint_action):
    client.force_login(second_user)
    assert client.get(url("joint-action-confirm", network, joint_action.pk)).status_code == 405
    assert states(joint_action)[second_user.firm_id] is False


def test_a_firm_declines_and_the_logger_sees_it(
    client, second_user, firm_user, network, firms, joint_action
):
    client.force_login(second_user)
    response = client.post(url("joint-action-decline", network, joint_action.pk), follow=True)
    assert shows(response, "You said your firm did not take part in “Big hotel order”.")
    assert firms[1].pk not in states(joint_action)
    client.force_login(firm_user)
    html = client.get(url("joint-action-detail", network, joint_action.pk)).content.decode()
    assert f"{firms[1].name}: by" in html


# --- editing --------------------------------------------------------------------------------


def test_a_member_who_did_not_log_it_gets_403_on_edit(
    client, second_user, network, firms, joint_action
):
    client.force_login(second_user)
    assert client.get(url("joint-action-edit", network, joint_action.pk)).status_code == 403
    response = client.post(
        url("joint-action-edit", network, joint_action.pk), form_data(firms[:2], title="Mine")
    )
    assert response.status_code == 403
    joint_action.refresh_from_db()
    assert joint_action.title == "Big hotel order"
    html = client.get(url("joint-action-detail", network, joint_action.pk)).content.decode()
    assert url("joint-action-edit", network, joint_action.pk) not in html


@pytest.mark.parametrize("editor", ["colleague", "facilitator"])
def test_the_logging_firm_and_the_facilitator_edit(
    client, request, network, firms, joint_action, editor
):
    user = (
        factories.FirmMemberFactory(firm=firms[0])
        if editor == "colleague"
        else request.getfixturevalue("facilitator")
    )
    client.force_login(user)
    form = client.get(url("joint-action-edit", network, joint_action.pk)).content.decode()
    assert 'value="Big hotel order"' in form
    data = form_data([firms[0], firms[1], firms[3]], title="Hotel order, done", status="done")
    response = client.post(url("joint-action-edit", network, joint_action.pk), data, follow=True)
    assert shows(response, "Joint action “Hotel order, done” saved.")
    joint_action.refresh_from_db()
    assert (joint_action.title, joint_action.status) == ("Hotel order, done", "done")
    # Added firm starts unconfirmed; the removed firm's row is gone.
    assert states(joint_action) == {firms[0].pk: True, firms[1].pk: False, firms[3].pk: False}


def test_the_logging_firm_cannot_be_removed_on_the_page(
    client, facilitator, network, firms, joint_action
):
    client.force_login(facilitator)
    response = client.post(
        url("joint-action-edit", network, joint_action.pk), form_data(firms[1:3])
    )
    assert shows(response, S.JOINT_ACTION_LOGGER_STAYS % {"firm": firms[0].name})
    assert firms[0].pk in states(joint_action)


# --- the list -------------------------------------------------------------------------------


def test_list_filters_by_status_and_type(client, facilitator, network, firms, joint_action):
    done = S.joint_action_log(
        network=network, actor=facilitator, type="trade_fair", title="Fair in Santiago",
        firms=firms[:2], status="done",
    )  # fmt: skip
    client.force_login(facilitator)
    base = url("joint-action-list", network)
    html = client.get(base).content.decode()
    assert "Big hotel order" in html and done.title in html
    html = client.get(base, {"status": "done"}).content.decode()
    assert done.title in html and "Big hotel order" not in html
    html = client.get(base, {"type": "shared_order"}).content.decode()
    assert "Big hotel order" in html and done.title not in html
    html = client.get(base, {"status": "nonsense"}).content.decode()  # ignored, not a 500
    assert "Big hotel order" in html


def test_list_highlights_what_waits_for_the_firm(
    client, second_user, network, firms, joint_action, facilitator
):
    S.joint_action_log(
        network=network, actor=facilitator, type="trade_fair", title="Fair without us",
        firms=[firms[0], firms[2]], status="done",
    )  # fmt: skip
    client.force_login(second_user)
    base = url("joint-action-list", network)
    html = client.get(base).content.decode()
    assert "1 joint action waits for your firm's confirmation." in html
    assert html.count("⚑ Waiting for your confirmation") == 1
    only_waiting = client.get(base, {"waiting": "on"}).content.decode()
    assert "Big hotel order" in only_waiting and "Fair without us" not in only_waiting


def test_list_is_paginated(client, facilitator, network, firms):
    for n in range(25):
        builders.participants(
            factories.JointActionFactory(network=network, title=f"Action {n:02}"), firms[:2]
        )
    client.force_login(facilitator)
    base = url("joint-action-list", network)
    first = client.get(base).content.decode()
    assert "25 joint actions." in first and "Page 1 of 2" in first
    assert "Action 24" in first and "Action 04" not in first
    second = client.get(base, {"page": 2}).content.decode()
    assert "Action 04" in second and "Action 24" not in second


def _many(network, firms, count, per_action):
    for _ in range(count):
        builders.participants(
            factories.JointActionFactory(network=network), firms[:per_action], confirmed=firms[:1]
        )


@pytest.mark.parametrize("count, per_action", [(2, 2), (30, 10)])
def test_list_queries_do_not_grow(
    client, second_user, network, firms, count, per_action, django_assert_max_num_queries
):
    firms = firms + builders.open_for_joint_actions(network, members=6)
    _many(network, firms, count, per_action)
    client.force_login(second_user)
    # session, user, network, may-log, types, waiting count, page count, page, participants,
    # bell; the tab's counts by status and its take-up summary
    with django_assert_max_num_queries(12):
        response = client.get(url("joint-action-list", network))
    assert len(response.context["page"].object_list) == min(count, 20)


@pytest.mark.parametrize("count, per_action", [(2, 2), (30, 10)])
def test_detail_queries_do_not_grow(
    client, second_user, network, firms, count, per_action, django_assert_max_num_queries
):
    firms = firms + builders.open_for_joint_actions(network, members=6)
    joint_action = factories.JointActionFactory(network=network)
    builders.participants(joint_action, firms[:per_action], confirmed=firms[:1])
    for firm in firms[2:per_action]:
        S.record_decline(joint_action=joint_action, firm=firm, actor=second_user)
    client.force_login(second_user)
    # session, user, network, joint action, participants, declines, the bell's count
    with django_assert_max_num_queries(7):
        client.get(url("joint-action-detail", network, joint_action.pk))


# --- the network page -----------------------------------------------------------------------


def test_network_page_section(client, second_user, network, firms, joint_action, facilitator):
    S.joint_action_log(
        network=network, actor=facilitator, type="trade_fair", title="Fair in Talca",
        firms=firms[:2], status="done", value=Decimal("1000000.50"),
    )  # fmt: skip
    S.joint_action_log(
        network=network, actor=facilitator, type="other", title="Done too",
        firms=firms[2:4], status="done", value=Decimal("500000"),
    )  # fmt: skip
    client.force_login(second_user)
    response = client.get(reverse("networks:network-detail", args=[network.pk]))
    context = response.context
    assert context["ja_counts"]["total"] == 3
    assert {s: c for s, _l, c in context["ja_counts"]["by_status"]} == {
        "planned": 0, "under_way": 1, "done": 2, "dropped": 0,
    }  # fmt: skip
    assert context["ja_counts"]["done_value"] == Decimal("1500000.50")
    assert context["ja_waiting"] == 2
    html = response.content.decode()
    assert url("joint-action-create", network) in html and "Fair in Talca" in html
    assert "2 joint actions wait for your firm's confirmation." in html
    # The Joint actions tab: the same counts, and the take-up the long page showed.
    response = client.get(url("joint-action-list", network))
    assert response.context["ja_counts"]["done_value"] == Decimal("1500000.50")
    assert "Conversion rate" in response.content.decode()


def test_network_page_shows_the_latest_three(client, facilitator, network, firms):
    for n in range(7):
        builders.participants(
            factories.JointActionFactory(network=network, title=f"Action {n}"), firms[:2]
        )
    client.force_login(facilitator)
    response = client.get(reverse("networks:network-detail", args=[network.pk]))
    assert [ja.title for ja in response.context["ja_latest"]] == [f"Action {n}" for n in (6, 5, 4)]


@pytest.mark.parametrize("count, per_action", [(1, 2), (12, 9)])
def test_network_page_section_queries_are_fixed(
    client, rf, second_user, network, firms, count, per_action, django_assert_max_num_queries
):

    firms = firms + builders.open_for_joint_actions(network, members=6)
    _many(network, firms, count, per_action)
    for firm in firms[:3]:
        factories.ServiceUptakeFactory.create_batch(count, network=network, firm=firm)
    request = rf.get("/")
    request.user = second_user
    network = Network.objects.select_related("programme__agency").get(pk=network.pk)
    # The overview's part: counts with the waiting count, latest, participants, may-log.
    with django_assert_max_num_queries(5):
        context = network_page.latest_joint_actions(network_page.NetworkPage(network, request.user))
    assert context["ja_counts"]["total"] == count
    # The take-up summary is the Joint actions tab's: the firm's own rows only.
    client.force_login(second_user)
    context = client.get(url("joint-action-list", network)).context
    assert context["uptake_summary"].overall.total == count


def test_a_firm_that_left_sees_its_history_but_cannot_log(client, network, firms, joint_action):
    user = factories.FirmMemberFactory(firm=firms[2])
    network.memberships.filter(firm=firms[2]).update(left_on=F("joined_on"))
    client.force_login(user)
    html = client.get(url("joint-action-list", network)).content.decode()
    assert "Big hotel order" in html and url("joint-action-create", network) not in html
    assert client.get(url("joint-action-create", network)).status_code == 403
