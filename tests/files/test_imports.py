"""The import of firms and memberships: reading files, the preview, and the all-or-nothing write."""

import io
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from networks.files import imports
from networks.files.imports import Status
from networks.lib.taxid import RUT_BAD_CHECK_DIGIT, rut_check_digit
from networks.models import Firm, Membership, Network
from networks.services import imports as service
from tests import factories
from tests import rows as data
from tests.factories import PNG
from tests.rows import xlsx

pytestmark = pytest.mark.django_db

HEADER = "name,tax_id,sector,region,commune,employees,email,phone,network,joined_on\n"


def rut(n: int) -> str:
    number = 76_000_000 + n
    return f"{number}-{rut_check_digit(number)}"


def dotted(n: int) -> str:
    number = 76_000_000 + n
    return f"{number:,}".replace(",", ".") + f"-{rut_check_digit(number)}"


def parse(text: str, encoding="utf-8") -> imports.ParsedFile:
    return imports.parse_file(text.encode(encoding), "firms.csv")


def refused(data: bytes, name="firms.csv") -> str:
    with pytest.raises(ValidationError) as caught:
        imports.parse_file(data, name)
    return " ".join(caught.value.message_dict["file"])


def plan(actor, text: str) -> imports.ImportPlan:
    return imports.plan_import(actor=actor, rows=parse(text).rows)


# --- reading files --------------------------------------------------------------------------


def test_csv_with_bom_and_semicolons_and_spanish_headers():
    parsed = parse(f"\ufeffNombre;RUT;Comuna;Otra\nMaderas Sur;{dotted(1)};Talca;x\n")
    assert parsed.rows == [
        imports.ImportRow(2, {"name": "Maderas Sur", "tax_id": dotted(1), "commune": "Talca"})
    ]
    assert parsed.ignored_columns == ["Otra"]


def test_windows_encoded_csv_is_read():
    parsed = parse(f"name,tax_id,commune\nPeñalolén Ltda,{rut(1)},Peñalolén\n", "cp1252")
    assert parsed.rows[0].values["name"] == "Peñalolén Ltda"


def test_blank_lines_are_skipped_and_lines_keep_their_numbers():
    parsed = parse(f"name,tax_id\n\nA,{rut(1)}\n,\nB,{rut(2)}\n")
    assert [r.line for r in parsed.rows] == [3, 5]


def test_xlsx_is_read_with_numbers_and_dates_as_text():
    import datetime

    content = xlsx(
        [
            ["name", "tax_id", "employees", "joined_on"],
            ["Maderas Sur", dotted(1), 12, datetime.datetime(2025, 3, 1)],
        ]
    )
    parsed = imports.parse_file(content, "firms.xlsx")
    assert parsed.rows[0].values == {
        "name": "Maderas Sur", "tax_id": dotted(1), "employees": "12", "joined_on": "2025-03-01",
    }  # fmt: skip


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", imports.IMPORT_EMPTY),
        (b"\n\n", imports.IMPORT_EMPTY),
        (b"name,tax_id\n", imports.IMPORT_NO_ROWS),
        (PNG, imports.IMPORT_NOT_A_TABLE),
        (b"%PDF-1.7 whatever", imports.IMPORT_NOT_A_TABLE),
        (b"name,tax_id\nA\x00B,1\n", imports.IMPORT_NOT_A_TABLE),
        (b"name,tax_id\nA\x01\x02\x03,1\n", imports.IMPORT_NOT_A_TABLE),
        (b"name,tax_id\n\x81\x8d\x8f\x90\x9d,1\n", imports.IMPORT_ENCODING),
        ("name,tax_id\nA,1\n".encode("utf-16"), imports.IMPORT_ENCODING),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_malformed_files_are_refused_as_a_whole(content, message):
    text = refused(content)
    if message is not None:
        assert text == str(message)


def test_missing_headers_are_named():
    text = refused(b"firm,rut_number\nA,1\n")
    assert "Missing: name, tax_id" in text
    assert "Missing: tax_id" in refused(b"name,phone\nA,1\n")


def test_a_zip_that_is_no_spreadsheet_is_refused(tmp_path):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert refused(out.getvalue(), "firms.xlsx")


def test_more_than_the_row_limit_is_refused():
    lines = "".join(f"F{i},{rut(i)}\n" for i in range(imports.MAX_ROWS + 1))
    text = refused(("name,tax_id\n" + lines).encode())
    assert "more than 50,000 rows" in text


# --- the preview ----------------------------------------------------------------------------


@pytest.fixture
def open_network(network):
    data.working(network)
    return network


def test_preview_statuses_and_reasons(facilitator, open_network, other_network):
    network = open_network
    existing = factories.FirmFactory(tax_id=rut(2), name="Old name", employees=12)
    factories.MembershipFactory(network=network, firm=existing)
    member = factories.FirmFactory(tax_id=rut(3), name="Member", sector="Furniture")
    factories.MembershipFactory(network=network, firm=member)
    right = rut_check_digit(76_000_001)
    bad_check = f"76000001-{'1' if right == '0' else '0'}"
    text = (
        HEADER
        + f"New firm,{rut(1)},Wood,Maule,Talca,5,a@example.org,,{network.pk},2025-01-02\n"
        + f"New name,{dotted(2)},,,,12,,,,\n"
        + f"Member,{rut(3)},Furniture,,,,,,{network.name},\n"
        + f"Bad check,{bad_check},,,,,,,,\n"
        + f",{rut(4)},,,,,,,,\n"
        + f"New firm,{rut(1)},Wood,,,,,,{network.pk},\n"
        + f"Foreign,{rut(5)},,,,,,,{other_network.pk},\n"
        + f"Counted,{rut(6)},,,,doce,,,,\n"
        + f"Solo,{rut(7)},,,,,,,,\n"
    )
    result = plan(facilitator, text)
    by_line = {row.line: row for row in result.rows}
    assert by_line[2].statuses == [Status.NEW_FIRM, Status.NEW_MEMBERSHIP]
    assert by_line[3].statuses == [Status.UPDATED_FIRM]
    assert [line[1:] for line in by_line[3].change_lines] == [("Old name", "New name")]
    assert by_line[4].statuses == [Status.UNCHANGED]
    assert str(by_line[4].notes[0]) == f"Already an active member of “{network.name}”."
    assert by_line[5].statuses == [Status.ERROR]
    assert str(RUT_BAD_CHECK_DIGIT) in str(by_line[5].errors[0])
    assert by_line[6].errors == [imports.ROW_NAME_REQUIRED]
    assert str(by_line[7].errors[0]) == "Duplicate of line 2 (same tax id and network)."
    assert str(by_line[8].errors[0]) == f"Unknown network “{other_network.pk}”."
    assert str(by_line[9].errors[0]) == "Employees must be a whole number, 0 or more (got “doce”)."
    assert by_line[10].statuses == [Status.NEW_FIRM]
    assert result.counts == {
        "error": 5, "new_firm": 2, "updated_firm": 1, "new_membership": 1, "unchanged": 1,
    }  # fmt: skip
    assert result.has_errors
    assert Firm.objects.filter(tax_id=rut(1)).count() == 0  # nothing written


def test_preview_refuses_closed_and_reviewed_networks_and_bad_values(
    officer, programme, facilitator
):
    dissolved = factories.NetworkFactory(programme=programme, phase=Network.Phase.DISSOLVED)
    reviewed = factories.NetworkFactory(programme=programme, name="Under review")
    reviewed.application.status = "submitted"
    reviewed.application.save()
    text = (
        HEADER
        + f"A,{rut(1)},,,,,,,{dissolved.pk},\n"
        + f"B,{rut(2)},,,,,,,Under review,\n"
        + f"C,{rut(3)},,,,,not-an-email,,,\n"
        + f"D,{rut(4)},,,,,,,,31-02-2025\n"
        + f"E,{rut(5)},,,,,,,{dissolved.pk},2999-01-01\n"
        + f"{'F' * 201},{rut(6)},,,,,,,,\n"
    )
    rows = plan(officer, text).rows
    assert str(rows[0].errors[0]) == f"The network “{dissolved.name}” is dissolved."
    assert "under review" in str(rows[1].errors[0])
    assert "not valid" in str(rows[2].errors[0])
    assert "must be a date" in str(rows[3].errors[0])
    assert imports.ROW_DATE_IN_FUTURE in rows[4].errors
    assert "too long" in str(rows[5].errors[0])


def test_a_network_the_user_may_only_see_is_refused(firm_user, network):
    rows = plan(firm_user, HEADER + f"A,{rut(1)},,,,,,,{network.pk},\n").rows
    assert str(rows[0].errors[0]) == f"You may not change the network “{network.name}”."


def test_same_firm_in_two_networks_and_conflicting_details(facilitator, open_network, programme):
    second = factories.NetworkFactory(programme=programme, facilitator=facilitator)
    text = (
        HEADER
        + f"Twice,{rut(1)},,,,,,,{open_network.pk},\n"
        + f"Twice,{rut(1)},,,,,,,{second.pk},\n"
        + f"Other name,{rut(1)},,,,,,,,\n"
    )
    rows = plan(facilitator, text).rows
    assert rows[0].statuses == [Status.NEW_FIRM, Status.NEW_MEMBERSHIP]
    assert rows[1].statuses == [Status.NEW_MEMBERSHIP]
    assert str(rows[2].errors[0]) == "Line 2 gives other details for the same tax id (name)."


def test_details_given_only_by_a_later_row_reach_the_firm(facilitator, open_network, programme):
    second = factories.NetworkFactory(programme=programme, facilitator=facilitator)
    text = (
        HEADER
        + f"Twice,{rut(1)},,,,,,,{open_network.pk},\n"
        + f"Twice,{rut(1)},Wood,,,7,,,{second.pk},\n"
    )
    service.import_apply(actor=facilitator, rows=parse(text).rows)
    firm = Firm.objects.get(tax_id=rut(1))
    assert (firm.sector, firm.employees, firm.memberships.count()) == ("Wood", 7, 2)


def test_firms_of_other_agencies_keep_their_details(officer, network, other_network):
    data.working(network)
    foreign = factories.FirmFactory(tax_id=rut(1), name="Foreign")
    factories.MembershipFactory(network=other_network, firm=foreign)
    rows = plan(officer, HEADER + f"Renamed,{rut(1)},,,,,,,{network.pk},\n").rows
    assert rows[0].statuses == [Status.NEW_MEMBERSHIP]
    assert rows[0].notes == [imports.NOTE_DETAILS_KEPT]
    assert rows[0].changes == {}
    # Nor does a firm in no network change: nobody's networks hold it.
    factories.FirmFactory(tax_id=rut(2), name="Loose")
    rows = plan(officer, HEADER + f"Renamed,{rut(2)},,,,,,,,\n").rows
    assert rows[0].statuses == [Status.UNCHANGED]
    assert rows[0].notes == [imports.NOTE_DETAILS_KEPT]


@pytest.mark.parametrize("size", [5, 60])
def test_preview_runs_a_fixed_number_of_queries(
    facilitator, open_network, django_assert_max_num_queries, size
):
    for i in range(0, size, 2):
        factories.MembershipFactory(network=open_network, firm=factories.FirmFactory(tax_id=rut(i)))
    text = HEADER + "".join(f"F{i},{rut(i)},,,,,,,{open_network.pk},\n" for i in range(size))
    rows = parse(text).rows
    with django_assert_max_num_queries(4):
        result = imports.plan_import(actor=facilitator, rows=rows)
    assert result.count(Status.NEW_FIRM) == size // 2


# --- the write ------------------------------------------------------------------------------


def test_apply_writes_firms_updates_and_memberships(facilitator, open_network):
    network = open_network
    existing = factories.FirmFactory(tax_id=rut(2), name="Old", phone="")
    factories.MembershipFactory(network=network, firm=existing)
    text = (
        HEADER
        + f"New firm,{rut(1)},Wood,Maule,Talca,5,a@example.org,+56 9 1,{network.pk},2025-01-02\n"
        + f"Old,{rut(2)},,,,,,+56 9 2,,\n"
        + f"Loose,{rut(3)},,,,,,,,\n"
    )
    result = service.import_apply(actor=facilitator, rows=parse(text).rows)
    assert result == service.ImportResult(2, 1, 1, 0)
    firm = Firm.objects.get(tax_id=rut(1))
    assert (firm.name, firm.employees, firm.email, firm.phone) == (
        "New firm", 5, "a@example.org", "+56 9 1"
    )  # fmt: skip
    membership = Membership.objects.get(network=network, firm=firm)
    assert membership.joined_on.isoformat() == "2025-01-02"
    existing.refresh_from_db()
    assert (existing.name, existing.phone) == ("Old", "+56 9 2")
    assert not Firm.objects.get(tax_id=rut(3)).memberships.exists()


def test_the_same_file_twice_changes_nothing_the_second_time(facilitator, open_network):
    text = HEADER + "".join(
        f"F{i},{dotted(i)},Wood,,,{i},,,{open_network.pk},\n" for i in range(1, 6)
    )
    service.import_apply(actor=facilitator, rows=parse(text).rows)
    before = (Firm.objects.count(), Membership.objects.count())
    again = plan(facilitator, text)
    assert {tuple(r.statuses) for r in again.rows} == {(Status.UNCHANGED,)}
    result = service.import_apply(actor=facilitator, rows=parse(text).rows)
    assert result == service.ImportResult(0, 0, 0, 5)
    assert (Firm.objects.count(), Membership.objects.count()) == before


def test_a_file_with_errors_writes_nothing(facilitator, open_network):
    text = HEADER + f"Good,{rut(1)},,,,,,,{open_network.pk},\n" + f",{rut(2)},,,,,,,,\n"
    with pytest.raises(ValidationError) as caught:
        service.import_apply(actor=facilitator, rows=parse(text).rows)
    assert "1 rows have errors" in caught.value.messages[0]
    assert not Firm.objects.filter(tax_id__in=[rut(1), rut(2)]).exists()


def test_a_failure_in_the_middle_of_the_write_leaves_nothing(facilitator, open_network):
    existing = factories.FirmFactory(tax_id=rut(9), name="Old")
    factories.MembershipFactory(network=open_network, firm=existing)
    text = (
        HEADER
        + "".join(f"F{i},{rut(i)},,,,,,,{open_network.pk},\n" for i in range(1, 4))
        + f"New name,{rut(9)},,,,,,,,\n"
    )
    boom = RuntimeError("disk full")
    with (
        mock.patch.object(service, "_create_memberships", side_effect=boom),
        pytest.raises(RuntimeError),
    ):
        service.import_apply(actor=facilitator, rows=parse(text).rows)
    assert not Firm.objects.filter(tax_id__in=[rut(1), rut(2), rut(3)]).exists()
    existing.refresh_from_db()
    assert existing.name == "Old"
    assert Membership.objects.filter(network=open_network).count() == 1


def test_a_race_on_the_same_tax_id_is_a_conflict(facilitator, open_network):
    text = HEADER + f"New,{rut(1)},,,,,,,,\n"
    rows = parse(text).rows
    planned = imports.plan_import(actor=facilitator, rows=rows)
    factories.FirmFactory(tax_id=rut(1))  # created by someone else after the plan was read
    with (
        mock.patch.object(service, "plan_import", return_value=planned),
        pytest.raises(service.ConflictError),
    ):
        service.import_apply(actor=facilitator, rows=rows)


def test_only_agency_people_and_facilitators_import(firm_user, officer, network):
    rows = parse(HEADER + f"A,{rut(1)},,,,,,,,\n").rows
    with pytest.raises(PermissionDenied):
        service.import_apply(actor=firm_user, rows=rows)
    assert service.import_apply(actor=officer, rows=rows).firms_created == 1
