"""The page where a user sees and revokes their own API tokens (issue 13)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db


def obtain(username) -> str:
    response = APIClient().post(
        reverse("api:token"), {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return response.json()["token"]


def works(key) -> bool:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/me/").status_code == 200


def test_the_page_lists_only_the_users_own_tokens(client, facilitator, officer,
                                                  django_assert_max_num_queries):  # fmt: skip
    mine = [obtain("facilitator") for _ in range(3)]
    theirs = obtain("officer")
    client.force_login(facilitator)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("networks:token-list"))
    assert response.status_code == 200
    page = response.content.decode()
    for key in mine:
        assert key[:8] in page
        assert key not in page  # never the whole token
    assert theirs[:8] not in page
    assert page.count('action="/account/tokens/') == 3


def test_the_page_is_linked_from_the_user_menu(client, facilitator):
    client.force_login(facilitator)
    page = client.get(reverse("password_change")).content.decode()
    assert f'href="{reverse("networks:token-list")}"' in page


def test_with_no_tokens_the_page_says_so(client, firm_user):
    client.force_login(firm_user)
    response = client.get(reverse("networks:token-list"))
    assert shows(response, "You have no API tokens.")


def test_revoking_a_token_from_the_page(client, facilitator):
    from networks.services.accounts import TOKEN_REVOKED

    kept, revoked = obtain("facilitator"), obtain("facilitator")
    client.force_login(facilitator)
    token_id = facilitator.auth_token_set.get(token_key=revoked[:15]).pk
    response = client.post(reverse("networks:token-revoke", args=[token_id]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("networks:token-list")
    assert shows(response, TOKEN_REVOKED)
    assert not works(revoked)
    assert works(kept)


def test_another_users_token_is_not_found(client, facilitator, officer):
    theirs = obtain("officer")
    token_id = officer.auth_token_set.get().pk
    client.force_login(facilitator)
    response = client.post(reverse("networks:token-revoke", args=[token_id]))
    assert response.status_code == 404
    assert works(theirs)


def test_revoking_needs_a_post(client, facilitator):
    obtain("facilitator")
    client.force_login(facilitator)
    token_id = facilitator.auth_token_set.get().pk
    assert client.get(reverse("networks:token-revoke", args=[token_id])).status_code == 405


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("networks:token-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_speaks_spanish(client, facilitator):
    obtain("facilitator")
    client.force_login(facilitator)
    client.cookies["django_language"] = "es"
    page = client.get(reverse("networks:token-list")).content.decode()
    assert 'lang="es"' in page
    assert "Tokens de la API" in page
    assert "Revocar" in page
