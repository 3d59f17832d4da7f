"""The OpenAPI schema documents every endpoint, and generates without a warning."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/networks/",
    "/api/v1/networks/{id}/",
    "/api/v1/networks/{id}/members/",
    "/api/v1/networks/{id}/members/{firm_id}/",
    "/api/v1/networks/{id}/diagnosis/",
    "/api/v1/networks/{id}/goals/",
    "/api/v1/networks/{id}/application/",
    "/api/v1/networks/{id}/submit/",
    "/api/v1/networks/{id}/decide/",
    "/api/v1/networks/{id}/appoint-manager/",
    "/api/v1/networks/{id}/replace-manager/",
    "/api/v1/networks/{id}/dissolve/",
    "/api/v1/networks/{id}/transitions/",
    "/api/v1/firms/",
]


def test_schema_lists_every_endpoint(api, officer):
    api.force_authenticate(officer)
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert set(PATHS) <= set(response.json()["paths"])


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn raises on any warning; --validate checks the result against OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "schema.yml")
