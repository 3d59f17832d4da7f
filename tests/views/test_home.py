"""Logging in lands each role on its own home page."""

import pytest
from django.urls import reverse

from tests import factories
from tests.dashboard_scenes import AGENCY_QUERIES
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona, home",
    [
        ("officer", "networks:agency-home"),
        ("agency_admin", "networks:agency-home"),
        ("facilitator", "networks:facilitator-home"),
        ("firm_user", "networks:firm-home"),
    ],
)
def test_login_lands_each_role_on_its_home(client, request, network, persona, home):
    user = request.getfixturevalue(persona)
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(home)
    assert response.status_code == 200
    assert network.name.encode() in response.content


def test_wrong_password_shows_error(client, officer):
    response = client.post(reverse("login"), {"username": "officer", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("networks:agency-home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "persona, forbidden",
    [
        ("facilitator", "networks:agency-home"),
        ("firm_user", "networks:facilitator-home"),
        ("officer", "networks:firm-home"),
    ],
)
def test_other_roles_home_is_forbidden(client, request, persona, forbidden):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(forbidden)).status_code == 403


def test_agency_home_lists_only_own_agency(client, officer, network, other_network):
    client.force_login(officer)
    response = client.get(reverse("networks:agency-home"))
    assert network.name in response.content.decode()
    assert other_network.name not in response.content.decode()


def test_agency_home_query_count_does_not_grow(client, officer, django_assert_max_num_queries):
    # The dashboard's own count, pinned in tests/views/test_dashboards.py.
    client.force_login(officer)
    factories.NetworkFactory.create_batch(2, programme__agency=officer.agency)
    with django_assert_max_num_queries(AGENCY_QUERIES):
        client.get(reverse("networks:agency-home"))
    for n in factories.NetworkFactory.create_batch(5, programme__agency=officer.agency):
        factories.MembershipFactory.create_batch(3, network=n)
    with django_assert_max_num_queries(AGENCY_QUERIES):
        client.get(reverse("networks:agency-home"))


def test_roleless_user_gets_welcome_page(client):
    client.force_login(factories.UserFactory(role=""))
    response = client.get(reverse("networks:home"))
    assert b"no role yet" in response.content


def test_base_page_has_landmarks_skip_link_and_language_switch(client, officer):
    client.force_login(officer)
    html = client.get(reverse("networks:agency-home")).content.decode()
    assert 'class="skip-link" href="#main"' in html
    for landmark in ("<header", "<nav", '<main id="main"'):
        assert landmark in html
    assert 'name="language" value="es"' in html


def test_language_switch_is_remembered(client, officer):
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    response = client.get(reverse("networks:agency-home"))
    assert response.headers["Content-Language"] == "es"


def test_password_change_and_reset_pages(client, officer, mailoutbox, jobs):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-password-9",
            "new_password2": "a-new-long-password-9",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a-new-long-password-9")
    client.logout()
    client.post(reverse("password_reset"), {"email": officer.email})
    assert mailoutbox == []  # the request only queues it
    jobs.run()
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_logout_is_post_only_and_logs_out(client, officer):
    client.force_login(officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("networks:agency-home")).status_code == 302


def test_password_reset_answers_alike_for_known_and_unknown_addresses(client, officer,
                                                                       mailoutbox, jobs):  # fmt: skip
    known = client.post(reverse("password_reset"), {"email": officer.email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # One job each, with the address only: the worker looks the accounts up.
    emails = [job["args"] for job in jobs.deferred("password_reset_mail")]
    assert emails == [{"email": officer.email}, {"email": "nobody@example.org"}]
    jobs.run()
    assert [m.to for m in mailoutbox] == [[officer.email]]
