"""Creating a network, its page, and dissolving it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from networks import services
from networks.models import (
    Application,
    ApplicationEvent,
    Diagnosis,
    Goal,
    ManagerAppointment,
    Network,
    PhaseTransition,
)
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

    monkeypatch.setattr(services, "network_create", refuse)
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


def test_network_page_shows_members_diagnosis_goals_manager_and_history(client, officer, network):
    builders.consolidating_network(network, officer, salary=Decimal("1250000"))
    firm = network.memberships.select_related("firm").first().firm
    services.membership_remove(network=network, firm=firm, actor=officer, reason="Closed down.")
    services.diagnosis_save(
        network=network, actor=officer, **dict.fromkeys(Diagnosis().ratings(), 2)
    )
    client.force_login(officer)
    response = client.get(reverse("networks:network-detail", args=[network.pk]))
    html = response.content.decode()
    assert "Consolidation" in html  # the phase badge in words
    assert "Talca, Maule" in html
    assert network.programme.name in html
    assert firm.tax_id_display in html  # with dots, in the former members
    assert "Closed down." in html
    assert "Joint purchase of timber" in html and "Annual exports" in html
    assert "1,250,000" in html  # the salary, grouped for the reader's locale
    assert str(network.handover_due.year) in html
    assert "closest to the" in html
    assert "Approved" in html  # the application's status
    assert shows(response, "preparation → consolidation")  # the timeline
    for action in ("manager-replace", "network-dissolve"):
        assert reverse(f"networks:{action}", args=[network.pk]) in html


def test_network_page_flags_consolidation_below_the_minimum(client, officer, network):
    builders.consolidating_network(network, officer)
    client.force_login(officer)
    url = reverse("networks:network-detail", args=[network.pk])
    assert "Below the minimum" not in client.get(url).content.decode()
    firm = network.memberships.select_related("firm").first().firm
    services.membership_remove(network=network, firm=firm, actor=officer, reason="Moved away.")
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
# joint actions, progress and graph, evaluation, data). Each reads a fixed number of queries;
# the total is pinned and must be the same whatever the amount of data.
NETWORK_PAGE_QUERIES = 41


def _page_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["officer", "facilitator", "firm_user"])
def test_network_page_query_count_does_not_grow(
    client, request, officer, network, persona, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)
    builders.complete_diagnosis(network)
    _grow(network, officer, members=10, extra=3)
    client.force_login(user)
    url = reverse("networks:network-detail", args=[network.pk])
    with django_assert_max_num_queries(NETWORK_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    _grow(network, officer, members=20, extra=20)
    with django_assert_max_num_queries(NETWORK_PAGE_QUERIES):
        response = client.get(url)
    assert network.memberships.filter(left_on__isnull=True).count() >= 30
    assert "Goal 19" in response.content.decode() and "Fix 19" in response.content.decode()


@pytest.mark.parametrize("persona", ["officer", "facilitator", "firm_user"])
def test_running_network_page_queries_are_constant(client, request, officer, persona):
    """A network in consolidation shows every section; more history costs no more queries."""
    import datetime
    from decimal import Decimal

    from networks import services
    from networks.models import ActivityType, Network
    from tests import factories

    network = factories.NetworkFactory(programme__agency=officer.agency)
    builders.consolidating_network(network, officer, start=datetime.date(2024, 1, 1))
    network.memberships.update(joined_on=datetime.date(2023, 6, 1))
    firms = [m.firm for m in network.memberships.all()]
    member = factories.FirmMemberFactory(firm=firms[0])
    user = {"officer": officer, "facilitator": network.facilitator, "firm_user": member}[persona]
    visit = ActivityType.objects.get(programme=network.programme, slug="group_workshop")

    def more_history(months):
        for month in range(months):
            services.activity_log(
                network=network, actor=network.facilitator, type=visit, title=f"W{month}",
                date=datetime.date(2024, 1 + month % 12, 10), attendees=firms[: 3 + month % 7],
            )  # fmt: skip
            services.joint_action_log(
                network=network, actor=network.facilitator, type="joint_purchasing",
                title=f"J{month}", firms=firms[:3], status="done", value=Decimal(1000),
            )  # fmt: skip
        services.dues_catch_up(network=network)

    client.force_login(user)
    url = reverse("networks:network-detail", args=[network.pk])
    more_history(2)
    small = _page_queries(client, url)
    more_history(12)
    network = Network.objects.get(pk=network.pk)
    large = _page_queries(client, url)
    assert small == large
    assert large <= NETWORK_PAGE_QUERIES


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
    assert shows(response, "The firms stopped meeting.")  # in the timeline


def test_network_page_hides_group_changes_while_under_review(client, facilitator, network):
    builders.submitted_network(network)
    client.force_login(facilitator)
    response = client.get(reverse("networks:network-detail", args=[network.pk]))
    html = response.content.decode()
    assert shows(response, APPLICATION_UNDER_REVIEW)
    assert reverse("networks:network-members", args=[network.pk]) not in html
    assert "/edit/" not in html
    assert reverse("networks:network-application", args=[network.pk]) in html
