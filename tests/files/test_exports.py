"""The CSV and XLSX exports: content, formula injection, access scope, and streaming."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from networks.files import export_tables, exports
from tests import factories
from tests import rows as data

pytestmark = pytest.mark.django_db

NASTY = ['=HYPERLINK("http://evil.example","click")', "+1", "-2", "@SUM(A1:A9)", "\tTab", "\rCR"]


def url(kind, fmt="csv", network=None):
    base = reverse("networks:export", args=[kind, fmt])
    return f"{base}?network={network.pk}" if network else base


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def read_xlsx(response):
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


def column(rows, header) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# --- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", NASTY)
def test_strings_that_start_a_formula_are_neutralised(text):
    assert exports.neutralise(text) == "'" + text
    assert exports.csv_cell(text) == "'" + text
    assert exports.xlsx_cell(text).startswith("'")


@pytest.mark.parametrize("value", [Decimal("-2.50"), -2, 0, 3.5, None, datetime.date(2026, 1, 2)])
def test_numbers_and_dates_are_left_alone(value):
    assert exports.neutralise(value) is value
    assert exports.xlsx_cell(value) == value


def test_plain_text_is_untouched_and_xlsx_drops_control_characters():
    assert exports.neutralise("Maderas del Sur") == "Maderas del Sur"
    assert exports.xlsx_cell("a\x00b\x07c") == "abc"
    assert exports.csv_cell(Decimal("-1500.00")) == "-1500.00"
    assert exports.csv_cell(True) == "yes"


# --- formula injection end to end -----------------------------------------------------------


@pytest.fixture
def nasty_firms(network):
    data.working(network)
    firms = [factories.FirmFactory(name=name, phone="+56 9 1234") for name in NASTY]
    for firm in firms:
        factories.MembershipFactory(network=network, firm=firm)
    return firms


def test_csv_export_neutralises_formulas_in_text(client, officer, network, nasty_firms):
    client.force_login(officer)
    rows = read_csv(client.get(url("members")))
    names = column(rows, "Firm")
    assert sorted(names) == sorted("'" + n for n in NASTY)
    assert set(column(rows, "Phone")) == {"'+56 9 1234"}


def test_xlsx_export_neutralises_formulas_and_keeps_numbers(client, officer, network, nasty_firms):
    firm = nasty_firms[0]
    data.due(network, firm, "1000")
    data.payment(network, firm, "1500")  # paid ahead: a negative balance
    client.force_login(officer)
    rows = read_xlsx(client.get(url("members", "xlsx")))
    header = [c.value for c in rows[0]]
    names = [row[header.index("Firm")] for row in rows[1:]]
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in names)
    assert not any(cell.data_type == "f" for row in rows for cell in row)
    employees = [row[header.index("Employees")] for row in rows[1:]]
    assert all(cell.data_type == "n" and cell.value == 12 for cell in employees)

    rows = read_xlsx(client.get(url("contributions", "xlsx")))
    header = [c.value for c in rows[0]]
    (line,) = [r for r in rows[1:] if r[header.index("Firm id")].value == firm.pk]
    balance = line[header.index("Balance")]
    assert balance.data_type == "n" and balance.value == -500
    assert line[header.index("Firm")].value == "'" + firm.name


def test_csv_keeps_negative_numbers_as_numbers(client, officer, network, member_firm):
    data.working(network)
    data.due(network, member_firm, "1000")
    data.payment(network, member_firm, "1250.50")
    client.force_login(officer)
    rows = read_csv(client.get(url("contributions")))
    assert column(rows, "Balance") == ["-250.50"]


# --- content --------------------------------------------------------------------------------


def test_activities_export_joins_attendees_in_one_row(client, facilitator, network):
    firms = data.working(network, 3)
    data.activity(network, attendees=firms[:2], title="Visit")
    data.activity(network, attendees=[], title="Empty")
    client.force_login(facilitator)
    response = client.get(url("activities"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="profo-activities-{timezone.localdate().isoformat()}.csv"'
    )
    rows = read_csv(response)
    by_title = {row[rows[0].index("Title")]: row for row in rows[1:]}
    names = "; ".join(sorted(f.name for f in firms[:2]))
    assert by_title["Visit"][rows[0].index("Attending firms")] == names
    assert by_title["Visit"][rows[0].index("Attendees")] == "2"
    assert by_title["Empty"][rows[0].index("Attendees")] == "0"
    assert by_title["Visit"][rows[0].index("Type")] == "group workshop"


def test_activities_export_without_string_agg(client, facilitator, network, monkeypatch):
    """The SQLite path (names prefetched per chunk) gives the same rows."""
    firms = data.working(network, 2)
    data.activity(network, attendees=firms, title="Visit")
    monkeypatch.setattr(export_tables, "_on_postgres", lambda: False)
    client.force_login(facilitator)
    rows = read_csv(client.get(url("activities")))
    assert rows[1][rows[0].index("Attending firms")] == "; ".join(sorted(f.name for f in firms))
    assert rows[1][rows[0].index("Attendees")] == "2"


def test_joint_actions_export_counts_participants_and_confirmations(client, officer, network):
    firms = data.working(network, 3)
    data.joint_action(network, firms=firms, confirmed=firms[:1], status="done", value=900000)
    client.force_login(officer)
    rows = read_csv(client.get(url("joint-actions")))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Participants"] == "3"
    assert row["Confirmed participants"] == "1"
    assert row["Status"] == "done"
    assert row["Money value"] == "900000.00"
    assert row["Participating firms"] == "; ".join(sorted(f.name for f in firms))


def test_evaluations_export_has_a_column_per_criterion(client, officer, network):
    data.working(network)
    data.evaluation(network, officer, {"joint_purchasing", "dues_paid"})
    client.force_login(officer)
    rows = read_csv(client.get(url("evaluations")))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Criteria met"] == "2"
    assert row["Joint purchasing"] == "yes"
    assert row["Firms paying their share of the manager"] == "yes"
    assert row["Shared equipment"] == "no"
    assert len(rows[0]) == 8 + 12


def test_indicators_panel_has_a_row_per_firm_and_date(client, officer, network, member_firm):
    data.working(network)
    data.indicator(member_firm, datetime.date(2024, 1, 31), baseline=True, employees=10,
                   annual_sales=Decimal("50000000"))  # fmt: skip
    data.indicator(member_firm, datetime.date(2025, 1, 31), employees=14)
    client.force_login(officer)
    rows = read_csv(client.get(url("indicators")))
    assert [r[rows[0].index("Date")] for r in rows[1:]] == ["2024-01-31", "2025-01-31"]
    assert [r[rows[0].index("Baseline")] for r in rows[1:]] == ["yes", "no"]
    assert [r[rows[0].index("Employees")] for r in rows[1:]] == ["10", "14"]
    assert rows[1][rows[0].index("Annual sales")] == "50000000.00"
    assert rows[1][rows[0].index("Networks")] == network.name
    assert rows[1][rows[0].index("Tax id")] == member_firm.tax_id


def test_indicators_hold_only_the_rows_recorded_for_the_readers_networks(
    client, officer, facilitator, firm_user, network, member_firm, other_network
):
    """The firm is also in another agency's network: that network's rows never go out to this
    agency, the firm's own rows only once it shares them; the firm itself gets everything."""
    factories.MembershipFactory(network=other_network, firm=member_firm)
    data.indicator(member_firm, datetime.date(2024, 1, 31), baseline=True, employees=10,
                   network=network)  # fmt: skip
    data.indicator(member_firm, datetime.date(2024, 1, 31), baseline=True, employees=20,
                   network=other_network)  # fmt: skip
    own = data.indicator(member_firm, datetime.date(2024, 3, 31), employees=30)
    own.network = None
    own.save()
    same_agency = factories.NetworkFactory(programme=network.programme)
    factories.MembershipFactory(network=same_agency, firm=member_firm)
    data.indicator(member_firm, datetime.date(2024, 2, 29), employees=40, network=same_agency)

    def employees(user, network=None):
        client.force_login(user)
        rows = read_csv(client.get(url("indicators", network=network)))
        return sorted(int(value) for value in column(rows, "Employees"))

    assert employees(officer) == [10, 40]  # every network of the agency
    assert employees(officer, network) == [10]  # narrowed to one: that network's rows
    assert employees(facilitator) == [10]  # only the network they run
    assert employees(firm_user) == [10, 20, 30, 40]
    rows = read_csv(client.get(url("indicators")))
    assert sorted(column(rows, "Recorded for")) == sorted(
        [network.name, other_network.name, same_agency.name, "the firm's own record"]
    )
    member_firm.memberships.filter(network=network).update(shares_figures=True)
    assert employees(facilitator) == [10, 20, 30, 40]
    assert employees(officer, network) == [10, 20, 30, 40]


def test_every_kind_downloads_in_both_formats(client, agency_admin, network, member_firm):
    data.working(network)
    data.activity(network, attendees=[member_firm])
    client.force_login(agency_admin)
    for kind in exports.KINDS:
        csv_response = client.get(url(kind))
        assert csv_response.status_code == 200
        assert read_csv(csv_response)[0][0]  # a header row
        xlsx_response = client.get(url(kind, "xlsx"))
        assert xlsx_response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
        assert read_xlsx(xlsx_response)[0][0].value


# --- access ---------------------------------------------------------------------------------


@pytest.fixture
def two_agencies(network, other_network, member_firm):
    data.working(network, 2)
    (foreign,) = data.working(other_network, 1)
    for net, firm in ((network, member_firm), (other_network, foreign)):
        data.activity(net, attendees=[firm], title=f"Activity of {net.name}")
        data.uptake(net, firm)
        data.due(net, firm, "1000")
        data.indicator(firm, datetime.date(2024, 6, 30), baseline=True, employees=5)
        data.joint_action(net, firms=[firm])
        data.evaluation(net, net.facilitator, {"dues_paid"})
    return foreign


@pytest.mark.parametrize("kind", list(exports.KINDS))
def test_an_officer_never_gets_another_agencys_rows(client, outsider_officer, network, two_agencies, kind):  # fmt: skip
    client.force_login(outsider_officer)
    body = b"".join(client.get(url(kind)).streaming_content).decode()
    assert network.name not in body
    assert "Other network" in body
    for firm in network.memberships.values_list("firm__name", flat=True):
        assert firm not in body


@pytest.mark.parametrize("kind", list(exports.KINDS))
def test_another_agencys_network_is_not_found(client, outsider_officer, network, kind):
    client.force_login(outsider_officer)
    assert client.get(url(kind, network=network)).status_code == 404
    assert client.get(url(kind, "xlsx", network=network)).status_code == 404


def test_facilitator_of_another_network_gets_404_and_own_network_filter_works(
    client, facilitator, network, other_network, two_agencies
):
    client.force_login(facilitator)
    assert client.get(url("activities", network=other_network)).status_code == 404
    assert client.get(f"{url('activities')}?network=abc").status_code == 404
    rows = read_csv(client.get(url("activities", network=network)))
    assert {r[1] for r in rows[1:]} == {network.name}


@pytest.mark.parametrize("kind", ["contributions", "indicators", "uptakes"])
def test_a_firm_member_gets_only_their_own_firms_confidential_rows(
    client, firm_user, network, member_firm, two_agencies, kind
):
    others = [m.firm for m in network.memberships.exclude(firm=member_firm)]
    for firm in others:
        data.uptake(network, firm)
        data.due(network, firm, "2000")
        data.indicator(firm, datetime.date(2024, 6, 30), baseline=True, employees=50)
    client.force_login(firm_user)
    rows = read_csv(client.get(url(kind)))
    firm_ids = {r[rows[0].index("Firm id")] for r in rows[1:]}
    assert firm_ids == {str(member_firm.pk)}
    body = "\n".join(",".join(r) for r in rows)
    assert all(firm.name not in body for firm in others)


def test_a_firm_member_reads_other_members_names_but_not_their_contacts(
    client, firm_user, network, member_firm
):
    other = factories.FirmFactory(email="other@example.org", phone="22334455")
    factories.MembershipFactory(network=network, firm=other)
    member_firm.email = "me@example.org"
    member_firm.save()
    client.force_login(firm_user)
    rows = read_csv(client.get(url("members")))
    by_name = {r[rows[0].index("Firm")]: r for r in rows[1:]}
    assert by_name[other.name][rows[0].index("E-mail")] == ""
    assert by_name[other.name][rows[0].index("Phone")] == ""
    assert by_name[member_firm.name][rows[0].index("E-mail")] == "me@example.org"


def test_exports_need_a_role_and_a_known_kind(client, officer, network):
    client.force_login(factories.UserFactory(username="norole"))
    assert client.get(url("members")).status_code == 403
    client.force_login(officer)
    assert client.get(url("secrets")).status_code == 404
    assert client.get(url("members", "pdf")).status_code == 404
    client.logout()
    assert client.get(url("members")).status_code == 302


# --- streaming and queries ------------------------------------------------------------------


def _rows_of_each_kind(network, count) -> None:
    """`count` members, activities (with attendance), joint actions and indicator reports."""
    firms = data.working(network, count)
    for i, firm in enumerate(firms):
        data.activity(network, attendees=firms[: 1 + i % 4], title=f"Activity {i}")
        data.joint_action(network, firms=firms[:2], confirmed=firms[:1])
        data.indicator(firm, datetime.date(2024, 1, 31), baseline=True, employees=i)


CSV_QUERIES = 4  # session, user, the ?network= lookup, the rows (names and counts in SQL)
EVALUATION_QUERIES = 6  # ... and the criteria, and each chunk's results
CONTRIBUTION_QUERIES = 8  # ... and the ledger summary: four per network, whatever its firms


@pytest.mark.parametrize("count", [3, 40])
@pytest.mark.parametrize("kind", ["activities", "joint-actions", "members", "indicators"])
def test_csv_streams_with_a_fixed_number_of_queries(
    client, facilitator, network, django_assert_max_num_queries, count, kind
):
    _rows_of_each_kind(network, count)
    client.force_login(facilitator)
    with django_assert_max_num_queries(CSV_QUERIES):
        response = client.get(url(kind, network=network))
        assert isinstance(response, StreamingHttpResponse)
        rows = read_csv(response)
    assert len(rows) == count + 1


@pytest.mark.parametrize("count", [3, 40])
def test_xlsx_has_a_fixed_number_of_queries(
    client, facilitator, network, django_assert_max_num_queries, count
):
    _rows_of_each_kind(network, count)
    client.force_login(facilitator)
    with django_assert_max_num_queries(CSV_QUERIES):
        response = client.get(url("activities", "xlsx"))
        rows = read_xlsx(response)
    assert len(rows) == count + 1


@pytest.mark.parametrize("count", [2, 12])
def test_evaluations_and_contributions_have_a_fixed_number_of_queries(
    client, officer, network, django_assert_max_num_queries, count
):
    firms = data.working(network, count)
    for firm in firms:
        data.due(network, firm, "1000")
        data.payment(network, firm, "400")
        data.evaluation(network, officer, {"dues_paid"})
    client.force_login(officer)
    with django_assert_max_num_queries(EVALUATION_QUERIES):
        assert len(read_csv(client.get(url("evaluations", network=network)))) == count + 1
    with django_assert_max_num_queries(CONTRIBUTION_QUERIES):
        assert len(read_csv(client.get(url("contributions", network=network)))) == count + 1
