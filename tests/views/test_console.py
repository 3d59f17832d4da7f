"""The console's programme pages: the settings form with its preview, and the type lists."""

import pytest
from django.urls import reverse

from networks.models import JointActionType
from networks.services import programmes as programme_services
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db


def _settings(programme, **changes) -> dict:
    data = {
        "min_firms": programme.min_firms, "max_firms": programme.max_firms,
        "term_months": programme.term_months, "agency_share_schedule": "70, 50, 30",
        "currency": programme.currency, "arrears_days": programme.arrears_days,
        "reminder_offsets_months": "6, 3, 1", "goal_short_months": 12, "goal_medium_months": 36,
        "participation_window_months": 6, "participation_risk_percent": 50,
        "overdue_agency_percent": "0", "check_in_years": 3, "reason": "",
    }  # fmt: skip
    return {**data, **changes}


def test_the_preview_says_what_a_change_does_and_saves_nothing(client, agency_admin, network):
    builders.add_members(network, 4)
    client.force_login(agency_admin)
    url = reverse("networks:console-programme", args=[network.programme_id])
    response = client.post(url, {**_settings(network.programme, min_firms=5), "action": "preview"})
    assert response.status_code == 200
    assert shows(response, "1 running network would fall outside the new bounds")
    assert shows(response, f"{network.name} (4)")
    network.programme.refresh_from_db()
    assert network.programme.min_firms == 10
    # Saving asks for the reason, then saves.
    response = client.post(url, {**_settings(network.programme, min_firms=5), "action": "save"})
    assert shows(response, programme_services.SETTING_REASON_REQUIRED)
    response = client.post(
        url, {**_settings(network.programme, min_firms=5, reason="Smaller towns."),
              "action": "save"},
    )  # fmt: skip
    assert response.status_code == 302
    network.programme.refresh_from_db()
    assert network.programme.min_firms == 5
    assert network.programme.history.first().history_change_reason == "Smaller towns."


def test_the_preview_of_an_invalid_change_shows_the_errors_not_effects(
    client, agency_admin, network
):
    client.force_login(agency_admin)
    url = reverse("networks:console-programme", args=[network.programme_id])
    response = client.post(url, {**_settings(network.programme, min_firms=40), "action": "preview"})
    assert response.status_code == 200
    assert shows(response, "The maximum must be at least the minimum.")
    assert not shows(response, "What this change does")
    audit_rows = network.programme.history.count()
    network.programme.refresh_from_db()
    assert network.programme.min_firms == 10 and network.programme.history.count() == audit_rows


def test_a_list_setting_is_typed_as_numbers(client, agency_admin, programme):
    client.force_login(agency_admin)
    url = reverse("networks:console-programme", args=[programme.pk])
    response = client.post(url, {**_settings(programme, agency_share_schedule="70, fifty"),
                                 "action": "save", "reason": "x"})  # fmt: skip
    assert response.status_code == 200 and shows(response, "Give whole numbers separated")
    response = client.post(url, {**_settings(programme, agency_share_schedule="60; 40"),
                                 "action": "save", "reason": "x"})  # fmt: skip
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.agency_share_schedule == [60, 40]


def test_the_settings_page_is_the_programmes_own_agency_admins(client, officer, agency_admin):
    other = factories.ProgrammeFactory()
    client.force_login(agency_admin)
    assert client.get(reverse("networks:console-programme", args=[other.pk])).status_code == 404
    client.force_login(officer)
    own = agency_admin.agency.programmes.first() or factories.ProgrammeFactory(
        agency=agency_admin.agency
    )
    assert client.get(reverse("networks:console-programme", args=[own.pk])).status_code == 403


def test_a_type_is_added_renamed_and_retired_from_the_page(client, agency_admin, programme):
    client.force_login(agency_admin)
    url = reverse("networks:console-types", args=[programme.pk])
    response = client.post(url, {"kind": "joint-action", "joint-action-name": "Cold store",
                                 "joint-action-name_es": "Cámara de frío"})  # fmt: skip
    assert response.status_code == 302
    row = JointActionType.objects.get(programme=programme, slug="cold_store")
    assert row.name_es == "Cámara de frío" and row.is_active
    client.post(reverse("networks:console-joint-action-type-retire", args=[programme.pk, row.pk]))
    row.refresh_from_db()
    assert not row.is_active
    page = client.get(url)
    assert shows(page, "Cold store") and shows(page, "Retired")
    edit = reverse("networks:console-joint-action-type-edit", args=[programme.pk, row.pk])
    response = client.post(edit, {"name": "Cold room", "name_es": "Cámara fría"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.slug, row.name) == ("cold_store", "Cold room")
    # An activity type's id under the joint-action route is not found.
    activity_type = programme.activity_types.first()
    wrong = reverse(
        "networks:console-joint-action-type-edit", args=[programme.pk, activity_type.pk + 10_000]
    )
    assert client.get(wrong).status_code == 404


def test_the_console_home_lists_the_agencys_programmes_only(client, agency_admin, programme):
    other = factories.ProgrammeFactory(name="Someone else's")
    client.force_login(agency_admin)
    response = client.get(reverse("networks:console"))
    assert shows(response, programme.name) and not shows(response, other.name)
    assert shows(client.get(reverse("networks:home"), follow=True), "Console")


def test_the_goal_and_participation_settings_are_on_the_page(client, agency_admin, network):
    builders.add_goals(network)  # a medium-term goal due in 30 months, in preparation
    client.force_login(agency_admin)
    url = reverse("networks:console-programme", args=[network.programme_id])
    page = client.get(url)
    for label in ("Goals of the application", "Medium-term goals: due within (months)",
                  "Participation", "Attendance under which a network is at risk (%)"):  # fmt: skip
        assert shows(page, label)
    change = _settings(network.programme, goal_medium_months=24, participation_window_months=3)
    response = client.post(url, {**change, "action": "preview"})
    assert shows(response, "1 network in preparation would have goals beyond the new horizons")
    assert shows(response, "0 networks in consolidation would be under")
    response = client.post(url, {**change, "reason": "Shorter cycles.", "action": "save"})
    assert response.status_code == 302
    network.programme.refresh_from_db()
    programme = network.programme
    assert (programme.goal_medium_months, programme.participation_window_months) == (24, 3)
    # The console's audit says who changed what, from what, and why.
    audit = client.get(reverse("networks:console-audit")).content.decode().lower()
    assert "medium-term goals: due within (months)" in audit and "shorter cycles." in audit


# --- the catalogue and the criteria sets, under the console -----------------------------------


def test_the_catalogue_and_criteria_are_console_pages_and_linked_from_it(
    client, agency_admin, programme
):
    client.force_login(agency_admin)
    home = client.get(reverse("networks:console"))
    catalogue = reverse("networks:support-catalogue")
    criteria = reverse("networks:criteria-set", args=[programme.pk])
    assert catalogue == "/console/support/"
    assert criteria == f"/console/programmes/{programme.pk}/criteria/"
    html = home.content.decode()
    assert f'href="{catalogue}"' in html and f'href="{criteria}"' in html
    for url in (catalogue, criteria):
        page = client.get(url)
        assert page.status_code == 200 and 'aria-label="Console sections"' in page.content.decode()


def test_the_old_addresses_redirect_for_good_and_reveal_nothing(client, officer, programme):
    criterion = programme.criteria.first()
    moved = {
        "/support/?page=2": "/console/support/?page=2",
        f"/programmes/{programme.pk}/criteria/": f"/console/programmes/{programme.pk}/criteria/",
        f"/programmes/{programme.pk}/criteria/{criterion.pk}/edit/":
            f"/console/programmes/{programme.pk}/criteria/{criterion.pk}/edit/",
        # An id that does not exist is answered the same: the new page decides (404).
        "/programmes/999999/criteria/": "/console/programmes/999999/criteria/",
    }  # fmt: skip
    for old, new in moved.items():
        response = client.get(old)  # anonymous: the redirect says nothing about the object
        assert (response.status_code, response["Location"]) == (301, new)
    client.force_login(officer)  # agency staff keep reading both, at the new addresses
    assert client.get("/support/", follow=True).status_code == 200
    page = client.get(f"/programmes/{programme.pk}/criteria/", follow=True)
    assert page.status_code == 200 and "Console sections" not in page.content.decode()
    assert client.get("/programmes/999999/criteria/", follow=True).status_code == 404
