"""The token endpoint and /api/v1/me/."""

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_token_then_me(api, facilitator, network):
    response = api.post(
        "/api/v1/auth/token/", {"username": "facilitator", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {
        "username": "facilitator",
        "role": "facilitator",
        "agency": facilitator.agency_id,
        "firm": None,
        "networks": [network.pk],
    }


def test_token_with_wrong_password_is_400_with_message(api, facilitator):
    response = api.post(
        "/api/v1/auth/token/", {"username": "facilitator", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_token_missing_fields_names_them(api):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_me_requires_login_401(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "persona, role",
    [
        ("officer", "agency_staff"),
        ("agency_admin", "agency_admin"),
        ("firm_user", "firm_member"),
    ],
)
def test_me_for_each_role(api, request, network, persona, role):
    user = request.getfixturevalue(persona)
    api.force_authenticate(user)
    body = api.get("/api/v1/me/").json()
    assert body["role"] == role
    assert body["networks"] == [network.pk]
    assert body["agency"] == user.agency_id
    assert body["firm"] == user.firm_id


def test_openapi_schema_is_served(api, officer):
    api.force_authenticate(officer)
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/me/" in response.content
