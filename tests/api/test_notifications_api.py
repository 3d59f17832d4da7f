"""GET /api/v1/notifications/ and POST /api/v1/notifications/{id}/read/ (issue 15)."""

import pytest

from networks.models import Kind, Notification
from networks.services import notifications as notification_services

pytestmark = pytest.mark.django_db


def told(user, network, count=1):
    rows = []
    for _ in range(count):
        rows += notification_services.notify(
            kind=Kind.HANDOVER_REMINDER, recipients=[user], network=network,
            url=f"/networks/{network.pk}/handover/",
            params={"due": "2027-01-15", "days": 42, "overdue": False},
        )  # fmt: skip
    return rows


def test_the_list_is_ones_own_newest_first_in_the_readers_language(
    api, facilitator, officer, network, settings
):
    settings.SITE_URL = "https://profo.example.cl"
    first, second = told(facilitator, network, count=2)
    told(officer, network)
    api.force_authenticate(facilitator)
    body = api.get("/api/v1/notifications/").json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    row = body["results"][0]
    assert row["kind"] == "handover_reminder" and row["unread"] is True
    assert row["headline"] == f"The handover of {network.name} is due on 15 Jan 2027"
    assert row["link"] == f"https://profo.example.cl/networks/{network.pk}/handover/"
    spanish = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert spanish["results"][0]["headline"] == (
        f"El traspaso de {network.name} está previsto para el 15-01-2027"
    )


def test_marking_read(api, facilitator, network):
    first, second = told(facilitator, network, count=2)
    api.force_authenticate(facilitator)
    response = api.post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["unread"] is False
    first.refresh_from_db()
    assert first.read_at is not None
    unread = api.get("/api/v1/notifications/?unread=1").json()
    assert [row["id"] for row in unread["results"]] == [second.pk]
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}


def test_another_users_notification_is_404(api, facilitator, officer, network):
    [theirs] = told(officer, network)
    api.force_authenticate(facilitator)
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_anonymous_is_401(api):
    assert api.get("/api/v1/notifications/").status_code == 401
    assert api.post("/api/v1/notifications/1/read/").status_code == 401
