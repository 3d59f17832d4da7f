"""The admin: profo/admin.py restricts it to agency admins, whatever their staff flag (split
from test_url_matrix.py, which leaves the admin out of its matrix)."""

import pytest

from tests.security.test_url_matrix import PERSONAS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona", ["agency-staff", "facilitator", "firm-member", "other-agency-staff"]
)
def test_only_agency_admins_reach_the_admin(client, world, db, persona):
    user = PERSONAS[persona](world)
    user.is_staff = True  # even with the staff flag set by mistake
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    for url in (
        "/admin/",
        "/admin/networks/network/",
        f"/admin/networks/firm/{world.a.firms[0].pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_anonymous_is_sent_to_the_admin_login(client, world, db):
    response = client.get("/admin/networks/network/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_an_agency_admin_reaches_the_admin(client, world, db):
    admin_user = world.a.admin
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    client.force_login(admin_user)
    # In; what each model's pages allow then depends on the admin's Django permissions.
    assert client.get("/admin/").status_code == 200
