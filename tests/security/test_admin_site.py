"""The Django admin (`/admin/`) has no per-agency scoping, so it is for the platform's operators
(superusers with no PROFO role) only: every one of its pages, called by every persona of the URL
matrix, agency admins included, sends them to the admin's login; an operator gets in."""

import pytest
from django.contrib import admin

from networks.models import User
from tests import factories
from tests.security.test_url_matrix import PERSONAS, call

pytestmark = pytest.mark.django_db


def _admin_urls(world) -> list[str]:
    """Every model the admin shows (its list and add pages), and the change page of each of
    agency B's rows the admin lists."""
    b = world.b
    objects = {
        "agency": b.agency, "programme": b.programme, "user": b.officer, "firm": b.firms[0],
        "network": b.network, "activitytype": b.activity.type,
        "jointactiontype": b.joint_action.type,
    }  # fmt: skip
    urls = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(f"/admin/{meta.app_label}/{meta.model_name}/")
        urls.append(f"/admin/{meta.app_label}/{meta.model_name}/add/")
        if meta.model_name in objects:
            pk = objects[meta.model_name].pk
            urls.append(f"/admin/{meta.app_label}/{meta.model_name}/{pk}/change/")
            urls.append(f"/admin/{meta.app_label}/{meta.model_name}/{pk}/history/")
    return urls


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_nobody_with_a_profo_role_reaches_the_admin(client, world, db, persona):
    user = PERSONAS[persona](world)
    user.is_staff = True  # even with the staff flag set by mistake
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    for url in _admin_urls(world):
        for method in ("GET", "POST"):
            response = call(client, method, url, api=False)
            where = f"{method} {url} as {persona}"
            assert response.status_code == 302, where
            assert response["Location"].startswith("/admin/login/"), where


def test_an_agency_admin_is_refused_even_as_a_superuser_left_by_the_old_demo(client, world, db):
    """The data migration clears the flag; should one come back, the role still keeps them out
    of the unscoped admin: agency A's admin never lists agency B's users there."""
    admin_user = world.a.admin
    User.objects.filter(pk=admin_user.pk).update(is_superuser=True, is_staff=True)
    admin_user.refresh_from_db()
    client.force_login(admin_user)
    response = client.get("/admin/networks/user/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "BRAVO" not in response.content.decode()


def test_anonymous_is_sent_to_the_admin_login(client, world, db):
    for url in _admin_urls(world):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_an_operator_reaches_every_admin_page(client, world, db):
    operator = factories.UserFactory(username="operator", is_staff=True, is_superuser=True)
    client.force_login(operator)
    for url in _admin_urls(world):
        response = client.get(url)
        # Adding is refused (403) where rows are made only by the services or by logins.
        expected = {200, 403} if url.endswith("/add/") else {200}
        assert response.status_code in expected, url
