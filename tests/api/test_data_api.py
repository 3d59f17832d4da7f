"""GET /api/v1/exports/{kind}/: the same files as the export pages, under the same rules."""

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from networks.files import exports
from tests import factories
from tests import rows as data

pytestmark = pytest.mark.django_db


def url(kind, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/exports/{kind}/" + (f"?{query}" if query else "")


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def test_anonymous_is_401(api):
    assert api.get(url("members")).status_code == 401


def test_csv_by_token_is_the_pages_file(api, client, officer, network, member_firm):
    data.working(network)
    data.activity(network, attendees=[member_firm])
    api.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_token(officer)}")
    response = api.get(url("activities", format="csv"))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "profo-activities-" in response["Content-Disposition"]
    client.force_login(officer)
    page = client.get("/exports/activities.csv")
    assert rows_of(response) == rows_of(page)


def test_csv_is_the_default_and_xlsx_on_request(api, officer, network):
    api.force_authenticate(officer)
    assert rows_of(api.get(url("networks")))[1][1] == network.name
    response = api.get(url("networks", format="xlsx"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.cell(row=2, column=2).value == network.name


def test_bad_format_is_400_and_unknown_kind_404(api, officer):
    api.force_authenticate(officer)
    response = api.get(url("members", format="pdf"))
    assert response.status_code == 400
    assert response.json() == {"format": ["Choose csv or xlsx."]}
    assert api.get(url("payroll")).status_code == 404


def test_another_agencys_network_is_404(api, outsider_officer, network):
    api.force_authenticate(outsider_officer)
    response = api.get(url("members", network=network.pk))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert network.name not in rows_of(api.get(url("members")))[-1]


def test_a_user_without_a_role_is_403(api):
    from tests import factories

    api.force_authenticate(factories.UserFactory(username="norole"))
    assert api.get(url("members")).status_code == 403


def test_a_firm_member_gets_only_their_own_figures(api, firm_user, network, member_firm):
    others = data.working(network, 2)
    for firm in [member_firm, *others]:
        data.indicator(firm, datetime.date(2024, 1, 31), baseline=True, employees=3)
        data.due(network, firm, "1000")
    api.force_authenticate(firm_user)
    for kind in ("indicators", "contributions"):
        rows = rows_of(api.get(url(kind, network=network.pk)))
        assert {r[rows[0].index("Firm id")] for r in rows[1:]} == {str(member_firm.pk)}
