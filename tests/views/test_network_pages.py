"""Creating a network, its page, and dissolving it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from networks import access
from networks.models import (
    ActivityType,
    Application,
    ApplicationEvent,
    Diagnosis,
    Goal,
    ManagerAppointment,
    Membership,
    Network,
    PhaseTransition,
)
from networks.selectors import joint_actions as joint_action_selectors
from networks.selectors import lifecycle as lifecycle_selectors
from networks.selectors import network_page
from networks.selectors import term as term_selectors
from networks.services import activities as activity_services
from networks.services import joint_actions as joint_action_services
from networks.services import lifecycle as lifecycle_services
from networks.services import progress as progress_services
from networks.services import term as term_services
from networks.services.lifecycle import (
    APPLICATION_UNDER_REVIEW,
    DISSOLVE_REASON_REQUIRED,
    NETWORK_FACILITATOR_REQUIRED,
)
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

NETWORK_DATA = {
    "name": "Muebles del Maule",
    "region": "Maule",
    "commune": "Talca",
    "sector": "Wood",
}


# --- creating -------------------------------------------------------------------------------


def test_facilitator_creates_a_network_they_run(client, facilitator, programme):
    client.force_login(facilitator)
    page = client.get(reverse("networks:network-create"))
    assert 'name="facilitator"' not in page.content.decode()
    response = client.post(
        reverse("networks:network-create"), {**NETWORK_DATA, "programme": programme.pk}, follow=True
    )
    network = Network.objects.get(name="Muebles del Maule")
    assert network.facilitator == facilitator
    assert network.phase == Network.Phase.PREPARATION
    assert Application.objects.filter(network=network, status="draft").exists()
    assert Diagnosis.objects.filter(network=network).exists()
    assert response.redirect_chain[-1][0] == reverse("networks:network-detail", args=[network.pk])
    assert shows(response, "Network “Muebles del Maule” created.")


def test_programme_choices_are_the_users_agencys_only(client, facilitator, programme):
    foreign = factories.ProgrammeFactory(name="Foreign programme")
    client.force_login(facilitator)
    html = client.get(reverse("networks:network-create")).content.decode()
    assert programme.name in html
    assert foreign.name not in html
    client.post(reverse("networks:network-create"), {**NETWORK_DATA, "programme": foreign.pk})
    assert not Network.objects.filter(name="Muebles del Maule").exists()


def test_agency_staff_create_a_network_and_name_its_facilitator(client, officer, programme):
    chosen = factories.FacilitatorFactory(agency=officer.agency, first_name="Ana")
    elsewhere = factories.FacilitatorFactory(first_name="Zoe")
    client.force_login(officer)
    html = client.get(reverse("networks:network-create")).content.decode()
    assert "Ana" in html and "Zoe" not in html
    data = {**NETWORK_DATA, "programme": programme.pk}
    response = client.post(reverse("networks:network-create"), data)
    assert shows(response, "This field is required.")  # the form asks for the facilitator
    client.post(reverse("networks:network-create"), {**data, "facilitator": elsewhere.pk})
    assert not Network.objects.exists()
    client.post(reverse("networks:network-create"), {**data, "facilitator": chosen.pk})
    assert Network.objects.get().facilitator == chosen


def test_create_shows_the_services_messages(client, officer, programme, monkeypatch):
    # The form already requires a facilitator; the service's message still reaches the field.
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"facilitator": [NETWORK_FACILITATOR_REQUIRED]})

    monkeypatch.setattr(lifecycle_services, "network_create", refuse)
    facilitator = factories.FacilitatorFactory(agency=officer.agency)
    client.force_login(officer)
    response = client.post(
        reverse("networks:network-create"),
        {**NETWORK_DATA, "programme": programme.pk, "facilitator": facilitator.pk},
    )
    assert response.status_code == 200
    assert shows(response, NETWORK_FACILITATOR_REQUIRED)


def test_home_pages_link_to_network_page_and_creation(client, facilitator, officer, network):
    detail = reverse("networks:network-detail", args=[network.pk])
    for user, home in ((facilitator, "facilitator-home"), (officer, "agency-home")):
        client.force_login(user)
        html = client.get(reverse(f"networks:{home}")).content.decode()
        assert f'href="{detail}"' in html
        assert reverse("networks:network-create") in html
    assert reverse("networks:approvals-queue") in html


# --- the network page -----------------------------------------------------------------------


# The network's workspace: the overview and the tabs that hold what the long page showed.
TABS = ("network-detail", "network-firms", "network-money", "network-progress", "network-timeline")


def _tab(client, name: str, network):
    return client.get(reverse(f"networks:{name}", args=[network.pk]))


def test_network_page_shows_members_diagnosis_goals_manager_and_history(client, officer, network):
    builders.consolidating_network(network, officer, salary=Decimal("1250000"))
    firm = network.memberships.select_related("firm").first().firm
    lifecycle_services.membership_remove(
        network=network, firm=firm, actor=officer, reason="Closed down."
    )
    lifecycle_services.diagnosis_save(
        network=network, actor=officer, **dict.fromkeys(Diagnosis().ratings(), 2)
    )
    client.force_login(officer)
    html = _tab(client, "network-detail", network).content.decode()
    assert "Consolidation" in html  # the phase badge in words
    assert "Talca, Maule" in html
    assert network.programme.name in html
    assert str(network.handover_due.year) in html
    assert "Approved" in html  # the application's status
    for action in ("manager-replace", "network-dissolve"):
        assert reverse(f"networks:{action}", args=[network.pk]) in html
    members = _tab(client, "network-firms", network).content.decode()
    assert firm.tax_id_display in members  # with dots, in the former members
    assert "Closed down." in members
    progress = _tab(client, "network-progress", network).content.decode()
    assert "Joint purchase of timber" in progress and "Annual exports" in progress
    assert "closest to the" in progress
    money = _tab(client, "network-money", network).content.decode()
    assert "1,250,000" in money  # the salary, grouped for the reader's locale
    assert str(network.handover_due.year) in money
    assert shows(_tab(client, "network-timeline", network), "preparation → consolidation")


def test_network_page_flags_consolidation_below_the_minimum(client, officer, network):
    builders.consolidating_network(network, officer)
    client.force_login(officer)
    url = reverse("networks:network-detail", args=[network.pk])
    assert "Below the minimum" not in client.get(url).content.decode()
    firm = network.memberships.select_related("firm").first().firm
    lifecycle_services.membership_remove(
        network=network, firm=firm, actor=officer, reason="Moved away."
    )
    html = client.get(url).content.decode()
    assert "Below the minimum" in html
    assert "The network has 9 active member firms" in html


def test_facilitator_sees_change_actions_but_not_the_agencys(client, facilitator, network):
    client.force_login(facilitator)
    html = client.get(reverse("networks:network-detail", args=[network.pk])).content.decode()
    assert reverse("networks:network-members", args=[network.pk]) in html
    assert reverse("networks:network-application", args=[network.pk]) in html
    assert reverse("networks:network-dissolve", args=[network.pk]) not in html
    assert reverse("networks:manager-appoint", args=[network.pk]) not in html


def test_appoint_button_appears_once_the_application_is_approved(client, officer, network):
    client.force_login(officer)
    url = reverse("networks:network-detail", args=[network.pk])
    appoint = reverse("networks:manager-appoint", args=[network.pk])
    assert appoint not in client.get(url).content.decode()
    builders.approved_network(network, officer)
    assert appoint in client.get(url).content.decode()


def _grow(network, officer, members: int, extra: int):
    """Members, former members, goals, and timeline rows of every kind."""
    builders.add_members(network, members)
    now = timezone.now()
    for i in range(extra):
        factories.MembershipFactory(
            network=network, joined_on=datetime.date(2020, 1, 1),
            left_on=datetime.date(2021, 1, 1), leave_reason=f"Reason {i}",
        )  # fmt: skip
        Goal.objects.create(
            network=network, horizon="short", title=f"Goal {i}", due_date=timezone.localdate()
        )
        PhaseTransition.objects.create(
            network=network, from_phase="preparation", to_phase="consolidation",
            actor=officer, at=now, reason=f"Move {i}",
        )  # fmt: skip
        ApplicationEvent.objects.create(
            application=network.application, action="returned", actor=officer, reason=f"Fix {i}"
        )
        ManagerAppointment.objects.create(
            network=network, person=factories.FacilitatorFactory(agency=officer.agency),
            start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 2, 1),
            monthly_salary=Decimal("1000"), appointed_by=officer,
        )  # fmt: skip


# The network page gathers every section (members, diagnosis, goals, timeline, term, activities,
# joint actions, progress and graph, evaluation, data). A row two sections show is read once
# (selectors.NetworkPage), so the page reads, for any persona and whatever the amount of data:
#   session and user (2);
#   the network with programme, agency, facilitator, application and diagnosis (1);
#   every membership with its firm and participation: members, former members, the balances'
#     firms, the graph's nodes, whether the user's firm may log a joint action (1);
#   the goals with their latest actuals: goals table and progress (1);
#   the appointments: manager, timeline, this month's split before it is charged (1);
#   phase changes and application events, one UNION: timeline (1);
#   the term changes: timeline and the term's table (1);
#   the open or confirmed handovers and their commitments: term, readiness, timeline (2);
#   dues and payments summed per firm, one UNION: contributions and readiness (1);
#   this month's charge (1);
#   the latest activities, counting those in the readiness window (1);
#   joint actions by status with the user's waiting count: section and readiness (1);
#   the latest joint actions and their participants (2);
#   the take-up summary (1);
#   the ties of the graph (1);
#   the latest evaluation: section and readiness (1);
#   the progress section's dated diagnoses and certified member firms (2).
# Each tab reads only its subject, with the session, the user and the bell's unread count:
#   the overview (the long page's 22 less the graph, take-up, diagnoses and certified firms);
#   the members (network, memberships); the money (the term section, as the long page read it);
#   progress (goals, memberships, ties, diagnoses, certified firms); history (the timeline).
TAB_QUERIES = {
    "network-detail": 17,
    "network-firms": 6,
    "network-money": 14,
    "network-progress": 10,
    "network-timeline": 10,
}


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", TABS)
@pytest.mark.parametrize("persona", ["officer", "facilitator", "firm_user"])
def test_network_page_query_count_does_not_grow(
    client, request, officer, network, persona, name, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)
    builders.complete_diagnosis(network)
    _grow(network, officer, members=10, extra=3)
    client.force_login(user)
    url = reverse(f"networks:{name}", args=[network.pk])
    with django_assert_max_num_queries(TAB_QUERIES[name]):
        assert client.get(url).status_code == 200
    _grow(network, officer, members=20, extra=20)
    with django_assert_max_num_queries(TAB_QUERIES[name]):
        response = client.get(url)
    assert network.memberships.filter(left_on__isnull=True).count() >= 30
    if name == "network-progress":
        assert "Goal 19" in response.content.decode()
    if name == "network-firms":
        assert "Reason 19" in response.content.decode()
    if name == "network-timeline":
        assert "Move 19" in response.content.decode()


def _running(officer):
    """A network in consolidation since January 2024, its members there from before."""
    network = factories.NetworkFactory(programme__agency=officer.agency)
    builders.consolidating_network(network, officer, start=datetime.date(2024, 1, 1))
    network.memberships.update(joined_on=datetime.date(2023, 6, 1))
    firms = [m.firm for m in network.memberships.select_related("firm").order_by("firm__name")]
    return network, firms


def _more_history(network, officer, firms, rounds: int, *, charge_this_month: bool = True):
    """Rounds of every kind of history the page shows: activities, joint actions (waiting for
    the first firm's confirmation), take-ups, payments, goal values, evaluations, extensions,
    a firm joining and leaving, and a new handover proposal covering the active members."""
    today = timezone.localdate()
    workshop = ActivityType.objects.get(programme=network.programme, slug="group_workshop")
    goal = Goal.objects.filter(network=network).first() or builders.add_goals(network)[0]
    done = Goal.objects.get(pk=goal.pk).actuals.count()
    for n in range(done, done + rounds):
        activity_services.activity_log(
            network=network, actor=network.facilitator, type=workshop, title=f"W{n}",
            date=today - datetime.timedelta(days=9 * n), attendees=firms[: 3 + n % 7],
        )  # fmt: skip
        joint_action_services.joint_action_log(
            network=network, actor=network.facilitator, type="joint_purchasing",
            title=f"J{n}", firms=firms[:3], status=("done", "under_way")[n % 2],
            value=Decimal(1000),
        )  # fmt: skip
        factories.ServiceUptakeFactory(network=network, firm=firms[n % 3])
        term_services.payment_record(
            network=network, firm=firms[n % 5], actor=network.facilitator, date=today,
            amount=Decimal(20000), reference=f"T{n}",
        )  # fmt: skip
        progress_services.goal_actual_record(
            goal=goal, actor=network.facilitator, value=Decimal(n),
            period_end=datetime.date(2024, 1, 31) + datetime.timedelta(days=31 * n),
        )  # fmt: skip
        builders.evaluate(network, officer, met=n % 12, date=today - datetime.timedelta(days=n))
        network.refresh_from_db()
        term_services.term_extend(
            network=network, actor=officer, reason=f"Round {n}",
            new_due_date=network.handover_due + datetime.timedelta(days=7),
        )  # fmt: skip
        passing = builders.add_members(network, 1)[0]
        lifecycle_services.membership_remove(
            network=network, firm=passing, actor=officer, reason=f"Gone {n}", left_on=today
        )
    month = today.replace(day=1)
    term_services.dues_catch_up(
        network=network,
        until=month if charge_this_month else month - datetime.timedelta(days=1),
    )
    network.refresh_from_db()
    active = [
        m.firm for m in Membership.objects.filter(network=network, left_on__isnull=True)
        .select_related("firm").order_by("firm__name")
    ]  # fmt: skip
    shares = {firm: Decimal(100 // len(active)) for firm in active}
    shares[active[0]] += Decimal(100) - sum(shares.values())
    term_services.handover_propose(
        network=network, actor=network.facilitator, date=network.handover_due,
        manager=network.facilitator, monthly_salary=Decimal(1300000), commitments=shares,
        reason="A new round of shares.",  # it replaces the previous round's open proposal
    )  # fmt: skip


@pytest.mark.parametrize("charged", [True, False], ids=["month-charged", "month-not-charged"])
@pytest.mark.parametrize("persona", ["officer", "facilitator", "firm_user"])
def test_running_network_page_queries_are_constant(client, officer, persona, charged):
    """A network in consolidation shows every section; more history costs no more queries on
    any tab, whether or not this month's dues are charged yet."""
    network, firms = _running(officer)
    member = factories.FirmMemberFactory(firm=firms[0])
    user = {"officer": officer, "facilitator": network.facilitator, "firm_user": member}[persona]
    client.force_login(user)
    urls = [reverse(f"networks:{name}", args=[network.pk]) for name in TABS]
    _more_history(network, officer, firms, 2, charge_this_month=charged)
    small = [_page_queries(client, url) for url in urls]
    _more_history(network, officer, firms, 12, charge_this_month=charged)
    large = [_page_queries(client, url) for url in urls]
    assert small == large
    assert all(count <= TAB_QUERIES[name] for name, count in zip(TABS, large, strict=True))
    assert len(_tab(client, "network-firms", network).context["former_members"]) == 14
    overview = _tab(client, "network-detail", network)
    assert overview.context["ja_counts"]["total"] == 14
    assert overview.context["ja_waiting"] == (14 if persona == "firm_user" else 0)
    response = _tab(client, "network-money", network)
    term = response.context["term"]
    assert len(term["changes"]) == 14 and term["handover"].commitments.count() == 10
    assert term["month_share"]["charged"] is charged
    assert shows(response, "Round 13")  # the latest extension, in the term's table


@pytest.mark.parametrize("persona", ["officer", "facilitator", "firm_user"])
def test_network_page_shares_reads_without_changing_answers(client, officer, persona):
    """What the pages take from rows read once is what each selector answers on its own."""
    network, firms = _running(officer)
    member = factories.FirmMemberFactory(firm=firms[0])
    user = {"officer": officer, "facilitator": network.facilitator, "firm_user": member}[persona]
    _more_history(network, officer, firms, 3, charge_this_month=False)
    client.force_login(user)
    context = _tab(client, "network-detail", network).context
    network = Network.objects.select_related("programme").get(pk=network.pk)

    readiness = term_selectors.readiness(network)
    assert [
        (i["key"], i["met"], str(i["label"])) for i in context["term"]["readiness"]["items"]
    ] == [(i.key, i.met, str(i.label)) for i in readiness.items]
    assert context["term"]["readiness"]["score"] == readiness.score
    page_rows = context["term"]["contributions"]["rows"]
    own_rows = term_selectors.contributions_for(user, network)
    assert [(b.firm, b.owed, b.paid, b.arrears) for b in page_rows] == [
        (b.firm, b.owed, b.paid, b.arrears) for b in own_rows
    ]
    assert len(page_rows) == (1 if persona == "firm_user" else 13)
    assert context["appointment"] == lifecycle_selectors.current_appointment(network)
    assert (
        context["ja_waiting"]
        == joint_action_selectors.waiting_for_confirmation(network, user).count()
    )
    assert context["ja_can_log"] == access.can_log_joint_action(user, network)
    assert context["latest_evaluation"] == network.evaluations.order_by("-date", "-pk").first()
    members = _tab(client, "network-firms", network).context
    assert members["members"] == list(lifecycle_selectors.active_memberships(network))
    assert members["former_members"] == list(lifecycle_selectors.former_memberships(network))
    timeline = [
        (e.at, e.kind, str(e.title), e.actor.username, e.reason)
        for e in _tab(client, "network-timeline", network).context["timeline"]
    ]
    assert timeline == [
        (e.at, e.kind, str(e.title), e.actor.username, e.reason)
        for e in lifecycle_selectors.timeline(network)
    ]
    assert {kind for _at, kind, *_rest in timeline} == {
        "transition", "application", "appointment", "term_change"
    }  # fmt: skip


def test_this_months_split_before_charging_is_the_one_charged(officer, network):
    """The page shows an uncharged month from rows it has read; the service charges the same."""
    builders.consolidating_network(network, officer, start=datetime.date(2024, 1, 1))
    # Nobody in the network in January; a firm leaves in March; a new manager from June.
    network.memberships.update(joined_on=datetime.date(2024, 2, 10))
    firm = network.memberships.select_related("firm").first().firm
    lifecycle_services.membership_remove(
        network=network,
        firm=firm,
        actor=officer,
        reason="Closed.",
        left_on=datetime.date(2024, 3, 5),
    )
    lifecycle_services.manager_replace(
        network=network, person=factories.FacilitatorFactory(agency=officer.agency),
        actor=officer, start=datetime.date(2024, 6, 15), monthly_salary=Decimal("1450000"),
        reason="Moved on.",
    )  # fmt: skip
    network.refresh_from_db()
    page = network_page.NetworkPage(network, officer)
    keys = ("salary", "agency_percent", "agency_amount", "firms_amount")
    for month in (1, 2, 3, 4, 6, 7, 12, 13, 30):
        day = datetime.date(2024 + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        charged = term_services.month_split(network, day)
        shown = term_selectors.month_split_totals(
            network, day, appointments=page.appointments, memberships=page.memberships
        )
        assert shown == {key: charged[key] for key in keys}, day


# --- dissolving -----------------------------------------------------------------------------


def test_officer_dissolves_a_network_with_a_reason(client, officer, network):
    builders.consolidating_network(network, officer)
    client.force_login(officer)
    url = reverse("networks:network-dissolve", args=[network.pk])
    response = client.post(url, {"reason": "  "})
    assert shows(response, DISSOLVE_REASON_REQUIRED)
    response = client.post(url, {"reason": "The firms stopped meeting."}, follow=True)
    network.refresh_from_db()
    assert network.phase == Network.Phase.DISSOLVED
    transition = PhaseTransition.objects.get(network=network, to_phase="dissolved")
    assert (transition.actor, transition.reason) == (officer, "The firms stopped meeting.")
    assert not ManagerAppointment.objects.filter(network=network, end_date__isnull=True).exists()
    assert shows(response, f"Network “{network.name}” dissolved.")
    assert shows(_tab(client, "network-timeline", network), "The firms stopped meeting.")


def test_network_page_hides_group_changes_while_under_review(client, facilitator, network):
    builders.submitted_network(network)
    client.force_login(facilitator)
    response = client.get(reverse("networks:network-detail", args=[network.pk]))
    html = response.content.decode()
    assert shows(response, APPLICATION_UNDER_REVIEW)
    assert reverse("networks:network-members", args=[network.pk]) not in html
    assert "/edit/" not in html
    assert reverse("networks:network-application", args=[network.pk]) in html
