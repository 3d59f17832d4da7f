"""The network's audit history: agency staff of its agency see every recorded change (who, when,
what, before and after), newest first, a page at a time; nobody else does, and nobody can edit it."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone

from networks.models import ActivityType, Criterion, Goal, Membership, Network, Payment
from networks.selectors.history import PAGE_SIZE, TRACKED
from networks.services import progress
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db


def _url(network, page=None) -> str:
    url = reverse("networks:network-history", args=[network.pk])
    return f"{url}?page={page}" if page else url


def _edit_goal(client, network, goal, **changes):
    data = {
        "horizon": goal.horizon, "title": goal.title, "indicator": goal.indicator,
        "unit": goal.unit, "baseline": goal.baseline, "target": goal.target,
        "due_date": goal.due_date.isoformat(), **changes,
    }  # fmt: skip
    response = client.post(reverse("networks:goal-edit", args=[network.pk, goal.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_agency_staff_see_who_changed_what_from_what_to_what(client, officer, network):
    short, _medium = builders.add_goals(network)
    client.force_login(officer)
    _edit_goal(client, network, short, title="Joint purchase of pine", target="12")

    response = client.get(_url(network))

    assert response.status_code == 200
    entry = response.context["page"].object_list[0]  # newest first: the edit
    assert entry.model_name == "goal" and entry.action == "changed"
    assert entry.who == officer
    changes = {c.field: (c.before, c.after) for c in entry.changes}
    assert changes["title"] == ("Joint purchase of timber", "Joint purchase of pine")
    assert changes["target"] == (Decimal("8.00"), Decimal("12.00"))
    assert "baseline" not in changes  # unchanged fields are not listed
    html = response.content.decode()
    assert "Joint purchase of pine" in html and "<del>Joint purchase of timber</del>" in html
    assert shows(response, officer.username)


def test_the_history_is_newest_first_and_names_created_and_deleted_rows(client, officer, network):
    short, medium = builders.add_goals(network)
    client.force_login(officer)
    client.post(reverse("networks:goal-delete", args=[network.pk, medium.pk]))
    assert not Goal.objects.filter(pk=medium.pk).exists()

    entries = client.get(_url(network)).context["page"].object_list

    dates = [e.when for e in entries]
    assert dates == sorted(dates, reverse=True)
    deleted = entries[0]
    assert (deleted.action, deleted.label, deleted.who) == ("deleted", medium.title, officer)
    created = next(e for e in entries if e.label == short.title and e.action == "created")
    assert ("title", "", short.title) in {(c.field, c.before, c.after) for c in created.changes}


def test_every_kind_of_row_of_the_network_is_in_its_history(client, officer, network):

    builders.term_network(network, officer, months=3)
    for setting in (
        ActivityType.objects.filter(programme=network.programme).first(),
        Criterion.objects.filter(programme=network.programme).first(),
    ):
        setting.position += 1
        setting.save()
    client.force_login(officer)
    kinds, number = set(), 1
    while number:
        page = client.get(_url(network, number)).context["page"]
        kinds |= {e.kind for e in page.object_list}
        number = page.next_page_number() if page.has_next() else None
    # Built through the services: the network, its goals, diagnosis and manager, and the
    # programme's settings (the builders write memberships and payments in bulk: no history).
    assert {"network", "goal", "diagnosis", "appointment", "programme"} <= kinds
    assert {"activitytype", "criterion"} <= kinds


def test_foreign_keys_show_names_not_ids(client, officer, network, member_firm):
    builders.consolidating_network(network, officer)
    Payment.objects.create(
        network=network, firm=member_firm, date=timezone.localdate(), amount=Decimal("1000"),
        recorded_by=officer,
    )  # fmt: skip
    client.force_login(officer)

    entry = client.get(_url(network)).context["page"].object_list[0]

    assert entry.kind == "payment" and entry.label.startswith(member_firm.name)
    values = {c.field: c.after for c in entry.changes}
    assert values["firm"] == member_firm.name
    assert values["network"] == network.name


def test_another_networks_rows_stay_out(client, officer, network, other_network):
    builders.add_goals(other_network)
    Network.objects.filter(pk=other_network.pk).update(name="BRAVO secret")
    other_network.refresh_from_db()
    other_network.name = "BRAVO secret"
    other_network.save()
    client.force_login(officer)

    response = client.get(_url(network))

    assert "BRAVO" not in response.content.decode()
    assert all(
        e.kind in ("network", "programme", "activitytype", "jointactiontype", "criterion")
        or getattr(e.record, "network_id", network.pk) == network.pk
        for e in response.context["page"].object_list
    )


def test_a_member_firms_figures_recorded_elsewhere_stay_out(
    client, officer, network, member_firm, other_network, facilitator
):
    """The firm is also in another agency's network: the figures recorded there (and its own)
    are not this network's history; those recorded for this network are."""
    factories.MembershipFactory(network=other_network, firm=member_firm)
    day = timezone.localdate() - datetime.timedelta(days=3)
    progress.firm_indicator_record(
        firm=member_firm, actor=other_network.facilitator, date=day, is_baseline=True,
        employees=4321, notes="BRAVO figures",
    )  # fmt: skip
    progress.firm_indicator_record(
        firm=member_firm, actor=facilitator, date=day, is_baseline=True, employees=12,
        notes="Our figures",
    )  # fmt: skip
    client.force_login(officer)
    response = client.get(_url(network))
    html = response.content.decode()
    assert "Our figures" in html
    assert "BRAVO figures" not in html and "4321" not in html and "4.321" not in html
    indicators = [e for e in response.context["page"].object_list if e.kind == "indicator"]
    assert [e.record.network_id for e in indicators] == [network.pk]


@pytest.mark.parametrize(
    "persona, status",
    [
        ("officer", 200),
        ("agency_admin", 200),
        ("facilitator", 403),
        ("firm_user", 403),
        ("outsider_officer", 404),
        ("outsider_facilitator", 404),
        ("outsider_firm_user", 404),
    ],
)
def test_only_the_networks_agency_sees_its_history(client, request, network, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(network)).status_code == status


def test_anonymous_is_sent_to_login(client, network):
    response = client.get(_url(network))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_history_page_changes_nothing(client, officer, network, method):
    builders.add_goals(network)
    client.force_login(officer)
    before = Goal.history.count()
    assert getattr(client, method)(_url(network)).status_code == 405
    assert Goal.history.count() == before


def test_no_route_of_the_app_writes_history():
    routes = [str(p.pattern) for p in get_resolver().url_patterns]
    names = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                names.append((prefix + str(p.pattern), p.name))

    walk(get_resolver().url_patterns)
    history_routes = [(r, n) for r, n in names if "history" in r and not r.startswith("admin/")]
    assert history_routes == [("networks/<int:pk>/history/", "network-history")], routes


def test_the_admin_does_not_expose_historical_models(client, agency_admin):
    for model in TRACKED.values():
        assert not admin.site.is_registered(model.history.model)
    operator = factories.UserFactory(username="operator", is_staff=True, is_superuser=True)
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200  # the admin itself is open to operators
    for model in TRACKED.values():
        meta = model.history.model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert client.get(url).status_code == 404, url


def _fill(network, firms: int) -> None:
    """`firms` member firms, each with changed memberships and a payment: many history rows."""
    new = factories.FirmFactory.create_batch(firms)
    for firm in new:
        membership = Membership.objects.create(network=network, firm=firm)
        membership.joined_on = datetime.date(2024, 1, 1)
        membership.save()
        Payment.objects.create(
            network=network, firm=firm, date=timezone.localdate(), amount=Decimal("5000"),
            recorded_by=network.facilitator,
        )  # fmt: skip


@pytest.mark.parametrize("firms", [3, 40])
def test_a_page_costs_a_fixed_number_of_queries(
    client, officer, network, firms, django_assert_max_num_queries
):
    builders.add_goals(network)
    _fill(network, firms)
    client.force_login(officer)
    with django_assert_max_num_queries(30):
        response = client.get(_url(network))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(
        PAGE_SIZE, response.context["page"].paginator.count
    )


def test_pages_hold_page_size_entries_and_the_next_page_continues(client, officer, network):
    _fill(network, 30)  # 30 × 3 rows: two pages
    client.force_login(officer)
    first = client.get(_url(network)).context["page"]
    second = client.get(_url(network, 2)).context["page"]
    assert len(first.object_list) == PAGE_SIZE and first.has_next()
    keys = {(e.kind, e.record.history_id) for e in first.object_list}
    assert not keys & {(e.kind, e.record.history_id) for e in second.object_list}
    assert first.object_list[-1].when >= second.object_list[0].when


def test_the_query_count_does_not_grow_with_the_page(client, officer, network):
    _fill(network, 3)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as small:
        client.get(_url(network))
    _fill(network, 40)
    with CaptureQueriesContext(connection) as large:
        client.get(_url(network))
    assert len(large) <= len(small) + 2  # at most one more kind of name looked up


def test_the_network_page_links_the_audit_history_for_agency_staff_only(
    client, officer, facilitator, firm_user, network
):
    link = reverse("networks:network-history", args=[network.pk])
    page = reverse("networks:network-timeline", args=[network.pk])  # the History tab
    client.force_login(officer)
    assert f'href="{link}"' in client.get(page).content.decode()
    for user in (facilitator, firm_user):
        client.force_login(user)
        response = client.get(page)
        assert response.status_code == 200
        assert f'href="{link}"' not in response.content.decode()
