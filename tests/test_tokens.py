"""API tokens and sessions (issue 13): tokens expire, their owner lists and revokes them, and a
new password or a deactivation ends every token and every other session of the user.

Everything goes through real requests: the token endpoint, the login page, the password pages.
"""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"
ME = "/api/v1/me/"
TOKENS = "/api/v1/me/tokens/"
PASSWORD_URL = "/api/v1/me/password/"


def obtain(username, password=PASSWORD) -> dict:
    response = APIClient().post(
        reverse("api:token"), {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def with_token(key) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def works(key) -> bool:
    status = with_token(key).get(ME).status_code
    assert status in (200, 401), status
    return status == 200


def browser(username, password=PASSWORD) -> Client:
    """A browser logged in through the login page."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return client


def logged_in(client) -> bool:
    return client.get(ME).status_code == 200


def can_log_in(username, password) -> bool:
    return (
        Client().post(reverse("login"), {"username": username, "password": password}).status_code
        == 302
    )


# --- expiry -----------------------------------------------------------------------------------


def test_the_token_answer_says_when_it_expires_30_days_on(facilitator):
    before = timezone.now()
    body = obtain("facilitator")
    assert set(body) == {"token", "expiry"}
    expiry = parse_datetime(body["expiry"])
    assert before + datetime.timedelta(days=30) <= expiry
    assert expiry <= timezone.now() + datetime.timedelta(days=30)
    assert works(body["token"])


def test_an_expired_token_is_refused(facilitator):
    key = obtain("facilitator")["token"]
    later = timezone.now() + datetime.timedelta(days=30, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = with_token(key).get(ME)
    assert response.status_code == 401
    assert not works(key)  # and it stays refused: expired tokens are deleted


def test_every_call_of_the_token_endpoint_gives_a_new_token(facilitator):
    first, second = obtain("facilitator")["token"], obtain("facilitator")["token"]
    assert first != second
    assert works(first) and works(second)


# --- the owner's list -------------------------------------------------------------------------


def test_the_owner_lists_their_own_tokens_and_sees_which_one_is_calling(facilitator, officer):
    mine, other = obtain("facilitator")["token"], obtain("facilitator")["token"]
    obtain("officer")
    body = with_token(mine).get(TOKENS).json()
    assert body["count"] == 2
    rows = body["results"]
    assert {tuple(sorted(row)) for row in rows} == {
        ("created", "current", "expiry", "id", "starts_with")
    }
    assert sorted(row["starts_with"] for row in rows) == sorted([mine[:8], other[:8]])
    assert [row["current"] for row in rows if row["starts_with"] == mine[:8]] == [True]
    assert [row["current"] for row in rows if row["starts_with"] == other[:8]] == [False]


def test_the_owner_revokes_one_token(facilitator):
    mine, other = obtain("facilitator")["token"], obtain("facilitator")["token"]
    rows = with_token(mine).get(TOKENS).json()["results"]
    other_id = next(row["id"] for row in rows if not row["current"])
    response = with_token(mine).delete(f"{TOKENS}{other_id}/")
    assert response.status_code == 204
    assert not works(other)
    assert works(mine)
    assert with_token(mine).get(TOKENS).json()["count"] == 1


def test_another_users_token_is_not_found_and_stays(facilitator, officer):
    mine, theirs = obtain("facilitator")["token"], obtain("officer")["token"]
    their_id = with_token(theirs).get(TOKENS).json()["results"][0]["id"]
    response = with_token(mine).delete(f"{TOKENS}{their_id}/")
    missing = with_token(mine).delete(f"{TOKENS}{their_id + 1000}/")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()  # "someone else's" reads as "no such token"
    assert works(theirs)


def test_the_token_list_needs_a_login():
    assert APIClient().get(TOKENS).status_code == 401
    assert APIClient().delete(f"{TOKENS}1/").status_code == 401


# --- changing the password through the API ----------------------------------------------------


def test_changing_the_password_through_the_api_keeps_the_calling_token_only(facilitator):
    calling, other = obtain("facilitator")["token"], obtain("facilitator")["token"]
    session = browser("facilitator")
    response = with_token(calling).post(
        PASSWORD_URL, {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 204
    assert response.content == b""
    assert works(calling)
    assert not works(other)
    assert not logged_in(session)
    assert can_log_in("facilitator", NEW_PASSWORD)
    assert not can_log_in("facilitator", PASSWORD)


def test_a_wrong_old_password_is_400_naming_it_and_changes_nothing(facilitator):
    calling, other = obtain("facilitator")["token"], obtain("facilitator")["token"]
    response = with_token(calling).post(
        PASSWORD_URL, {"old_password": "not-it", "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["old_password"]
    assert works(other)
    facilitator.refresh_from_db()
    assert facilitator.check_password(PASSWORD)


@pytest.mark.parametrize("weak", ["short-pw1", "12345678901234", "password1234", "facilitator1"])
def test_the_new_password_passes_the_same_validators_as_the_page(facilitator, weak):
    calling = obtain("facilitator")["token"]
    response = with_token(calling).post(
        PASSWORD_URL, {"old_password": PASSWORD, "new_password": weak}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["new_password"]
    facilitator.refresh_from_db()
    assert facilitator.check_password(PASSWORD)


def test_the_password_endpoint_needs_a_login():
    response = APIClient().post(
        PASSWORD_URL, {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 401


# --- the password pages -----------------------------------------------------------------------


def test_changing_the_password_on_the_page_keeps_this_session_and_ends_the_rest(facilitator):
    here, elsewhere = browser("facilitator"), browser("facilitator")
    key = obtain("facilitator")["token"]
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert logged_in(here)
    assert not logged_in(elsewhere)
    assert not works(key)
    from networks.models import UserSession

    assert UserSession.objects.filter(user=facilitator).count() == 1  # this browser's only


def test_resetting_the_password_ends_every_session_and_token(facilitator, jobs):
    facilitator.email = "facilitator@example.org"
    facilitator.save(update_fields=["email"])
    session, key = browser("facilitator"), obtain("facilitator")["token"]
    anonymous = Client()
    anonymous.post(reverse("password_reset"), {"email": facilitator.email})
    jobs.run()
    link = re.search(r"https?://[^/\s]+(/\S+/)", mail.outbox[-1].body).group(1)
    form = anonymous.get(link, follow=True)
    response = anonymous.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert not logged_in(session)
    assert not works(key)
    assert can_log_in("facilitator", NEW_PASSWORD)


# --- deactivation -----------------------------------------------------------------------------


def test_deactivating_a_user_ends_their_tokens_and_sessions_for_good(facilitator):
    session, key = browser("facilitator"), obtain("facilitator")["token"]
    user = get_user_model().objects.get(pk=facilitator.pk)
    user.is_active = False
    user.save()  # as the admin or a service does
    assert not works(key)
    assert not logged_in(session)
    user.is_active = True
    user.save()
    # Taking the user back does not bring the old credentials back.
    assert not works(key)
    assert not logged_in(session)


def test_deactivating_in_the_admin_ends_the_tokens(facilitator, agency_admin):
    key = obtain("facilitator")["token"]
    operator = factories.UserFactory(username="operator", is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(operator)
    url = reverse("admin:networks_user_change", args=[facilitator.pk])
    form = admin.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups", "user_permissions"}
    }
    data.update(
        is_active="",
        last_login_0="",
        last_login_1="",
        date_joined_0=facilitator.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=facilitator.date_joined.strftime("%H:%M:%S"),
    )
    data = {k: v for k, v in data.items() if k not in {"last_login", "date_joined"}}
    response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    facilitator.refresh_from_db()
    assert not facilitator.is_active
    assert not works(key)
    facilitator.is_active = True
    facilitator.save()
    assert not works(key)


def test_a_token_of_a_user_deactivated_behind_the_models_back_is_refused_at_once(facilitator):
    key = obtain("facilitator")["token"]
    get_user_model().objects.filter(pk=facilitator.pk).update(is_active=False)
    response = with_token(key).get(ME)
    assert response.status_code == 401
