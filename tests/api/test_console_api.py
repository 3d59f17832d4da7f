"""The agency console's API: programme settings (with the preview), the type lists, people and
invitations; for the agency's admins only, scoped to their agency, with strict input."""

import pytest
from django.core import mail

from networks.models import Invitation, JointActionType
from networks.services import programmes as programme_services
from tests import builders, factories

pytestmark = pytest.mark.django_db


def test_programme_settings_preview_then_save_with_a_reason(api, agency_admin, network):
    builders.add_members(network, 4)
    api.force_authenticate(agency_admin)
    url = f"/api/v1/programmes/{network.programme_id}/"
    body = api.get(url).json()
    assert body["min_firms"] == 10 and body["agency_share_schedule"] == [70, 50, 30]
    preview = api.patch(url, {"min_firms": 5, "preview": True}, format="json")
    assert preview.status_code == 200
    assert preview.json()["effects"][0]["networks"] == [f"{network.name} (4)"]
    network.programme.refresh_from_db()
    assert network.programme.min_firms == 10
    refused = api.patch(url, {"min_firms": 5}, format="json")
    assert refused.status_code == 400
    assert refused.json()["reason"] == [str(programme_services.SETTING_REASON_REQUIRED)]
    saved = api.patch(url, {"min_firms": 5, "reason": "Smaller towns."}, format="json")
    assert saved.status_code == 200 and saved.json()["min_firms"] == 5
    assert api.patch(url, {"name": "Other"}, format="json").status_code == 400  # read-only
    assert api.patch(url, {"min_firm": 5}, format="json").status_code == 400  # unknown


def test_programme_settings_are_404_to_another_agency_and_403_to_staff(
    api, agency_admin, officer, programme
):
    other = factories.ProgrammeFactory()
    api.force_authenticate(agency_admin)
    assert api.get(f"/api/v1/programmes/{other.pk}/").status_code == 404
    api.force_authenticate(officer)
    assert api.get(f"/api/v1/programmes/{programme.pk}/").status_code == 403
    assert api.get("/api/v1/joint-action-types/").status_code == 403
    assert api.get("/api/v1/users/").status_code == 403


def test_types_are_added_renamed_and_retired_with_stable_slugs(api, agency_admin, programme):
    api.force_authenticate(agency_admin)
    made = api.post("/api/v1/joint-action-types/",
                    {"programme": programme.pk, "name": "Cold store", "name_es": "Cámara de frío"},
                    format="json", HTTP_ACCEPT_LANGUAGE="es")  # fmt: skip
    assert made.status_code == 201, made.json()
    row = made.json()
    assert (row["slug"], row["is_active"]) == ("cold_store", True)
    url = f"/api/v1/joint-action-types/{row['id']}/"
    renamed = api.patch(url, {"name": "Cold room"}, format="json")
    assert (renamed.json()["slug"], renamed.json()["name"]) == ("cold_store", "Cold room")
    retired = api.patch(url, {"is_active": False}, format="json")
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    assert not JointActionType.objects.get(pk=row["id"]).is_active
    listed = api.get("/api/v1/joint-action-types/", {"programme": programme.pk}).json()
    assert "cold_store" in [t["slug"] for t in listed["results"]]
    assert api.patch(url, {"slug": "other"}, format="json").status_code == 400
    assert api.patch(url, {"programme": programme.pk + 1}, format="json").status_code == 400


def test_invitations_and_people_through_the_api(
    api,
    agency_admin,
    member_firm,
    firm_user,
    outsider_firm_user,
    jobs,
):
    api.force_authenticate(agency_admin)
    made = api.post("/api/v1/invitations/", {"email": "rosa@example.com",
                                             "role": "firm_member", "firm": member_firm.pk},
                    format="json")  # fmt: skip
    jobs.run()  # the worker sends the invitation
    assert made.status_code == 201, made.json()
    assert made.json()["status"] == "open" and "token" not in str(made.json())
    assert [m.to for m in mail.outbox] == [["rosa@example.com"]]
    assert Invitation.objects.get().invited_by == agency_admin
    listed = api.get("/api/v1/invitations/").json()["results"]
    assert [i["email"] for i in listed] == ["rosa@example.com"]
    found = api.get("/api/v1/users/", {"search": member_firm.name}).json()["results"]
    assert [u["id"] for u in found] == [firm_user.pk]
    everyone = {u["id"] for u in api.get("/api/v1/users/").json()["results"]}
    assert firm_user.pk in everyone and outsider_firm_user.pk not in everyone
    bad = api.post("/api/v1/invitations/", {"email": "x@example.com", "role": "firm_member",
                                            "firm": member_firm.pk, "admin": True},
                   format="json")  # fmt: skip
    assert bad.status_code == 400 and "admin" in bad.json()


def test_a_preview_of_an_invalid_change_is_refused_as_the_change_would_be(
    api, agency_admin, network
):
    """`"preview": true` checks the change as saving it would: the same field errors, 400, and
    nothing saved; a valid preview answers the effects and saves nothing, no audit row either."""
    api.force_authenticate(agency_admin)
    url = f"/api/v1/programmes/{network.programme_id}/"
    change = {"min_firms": 40, "currency": "us1", "agency_share_schedule": [70, 150]}
    saved = api.patch(url, {**change, "reason": "x"}, format="json")
    previewed = api.patch(url, {**change, "preview": True}, format="json")
    assert saved.status_code == previewed.status_code == 400
    assert set(previewed.json()) == {"max_firms", "currency", "agency_share_schedule"}
    assert previewed.json() == saved.json()
    audit_rows = network.programme.history.count()
    valid = api.patch(url, {"max_firms": 25, "preview": True}, format="json")
    assert valid.status_code == 200 and valid.json()["effects"]
    network.programme.refresh_from_db()
    assert (network.programme.min_firms, network.programme.max_firms) == (10, 30)
    assert network.programme.currency == "CLP"
    assert network.programme.history.count() == audit_rows


def test_goal_horizons_and_participation_through_the_api(api, agency_admin, programme):
    api.force_authenticate(agency_admin)
    url = f"/api/v1/programmes/{programme.pk}/"
    body = api.get(url).json()
    assert (body["goal_short_months"], body["goal_medium_months"]) == (12, 36)
    assert (body["participation_window_months"], body["participation_risk_percent"]) == (6, 50)
    refused = api.patch(url, {"goal_short_months": 40, "preview": True}, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"goal_medium_months"}
    saved = api.patch(url, {"participation_risk_percent": 40, "reason": "Rural firms."},
                      format="json")  # fmt: skip
    assert saved.status_code == 200 and saved.json()["participation_risk_percent"] == 40
    assert programme.history.first().history_change_reason == "Rural firms."
