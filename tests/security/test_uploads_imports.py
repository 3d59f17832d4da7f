"""Hostile files through the pages and the API: uploads that lie about their type, files over the
size limit, archives dressed as office files (a zip bomb-like one too), and import files that are
malformed as a whole or row by row. Each is refused with a message naming the file, and nothing
is written: no row, no stored file."""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from networks.files import imports, uploads
from networks.lib.taxid import rut_check_digit
from networks.models import Attachment, Firm, GoalActual, Membership
from tests.security.conftest import PDF, PNG

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
SHELL = b"#!/bin/sh\nrm -rf /\n"


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _many_entries() -> bytes:
    """An archive of thousands of tiny entries dressed as a Word file."""
    entries = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}
    entries.update({f"word/media/{i}.bin": b"" for i in range(uploads.MAX_ZIP_ENTRIES + 10)})
    return _zip(entries)


def _bomb() -> bytes:
    """A small archive that inflates a hundredfold, dressed as a spreadsheet."""
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"0" * 5_000_000})


LIES = [
    ("program.png", ELF, uploads.UPLOAD_TYPE_REFUSED),
    ("setup.pdf", WINDOWS_EXE, uploads.UPLOAD_TYPE_REFUSED),
    ("page.pdf", HTML, uploads.UPLOAD_TYPE_REFUSED),
    ("image.png", SVG, uploads.UPLOAD_TYPE_REFUSED),
    ("script.png", SHELL, uploads.UPLOAD_TYPE_REFUSED),
    ("photo.pdf", PNG, None),  # a real PNG, named .pdf: the name does not match
    ("report.docx", _zip({"readme.txt": b"hello"}), uploads.UPLOAD_TYPE_REFUSED),
    ("report.docx", _many_entries(), uploads.UPLOAD_TYPE_REFUSED),
    ("empty.pdf", b"", None),  # Django's own "The submitted file is empty."
]
LIE_IDS = ["elf", "exe", "html", "svg", "shell", "name-mismatch", "plain-zip", "many-entries",
           "empty"]  # fmt: skip


def _stored_files(root: str) -> set[str]:
    return {os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files}


@pytest.fixture
def before(world):
    return {
        "files": _stored_files(world.media_root),
        "attachments": Attachment.objects.count(),
        "actuals": GoalActual.objects.count(),
    }


def _nothing_written(world, before) -> None:
    assert Attachment.objects.count() == before["attachments"]
    assert GoalActual.objects.count() == before["actuals"]
    assert _stored_files(world.media_root) == before["files"]


# --- attachments ----------------------------------------------------------------------------


@pytest.mark.parametrize("name, data, expected", LIES, ids=LIE_IDS)
def test_the_attachment_page_refuses_lying_files(client, world, db, before, name, data, expected):
    a = world.a
    world.login(client, a.facilitator)
    url = reverse("networks:attachment-add", args=[a.network.pk, a.activity.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is-invalid" in html or "invalid-feedback" in html
    if expected is not None:
        assert escape(str(expected)) in html
    _nothing_written(world, before)


@pytest.mark.parametrize("name, data, expected", LIES, ids=LIE_IDS)
def test_the_attachment_api_refuses_lying_files(client, world, db, before, name, data, expected):
    a = world.a
    world.login(client, a.facilitator)
    url = reverse("api:activity-attachment-upload", args=[a.activity.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"file"} and body["file"]
    if expected is not None:
        assert str(expected) in body["file"]
    _nothing_written(world, before)


@pytest.mark.parametrize(
    "name, data, expected", LIES[:4] + LIES[6:8], ids=LIE_IDS[:4] + LIE_IDS[6:8]
)
def test_goal_evidence_refuses_lying_files_and_keeps_no_value(
    client, world, db, before, name, data, expected
):
    a = world.a
    world.login(client, a.facilitator)
    form = {"period_end": "2025-06-30", "value": "4", "evidence": SimpleUploadedFile(name, data)}
    page = client.post(reverse("networks:goal-progress", args=[a.network.pk, a.goal.pk]), form)
    assert page.status_code == 200 and escape(str(expected)) in page.content.decode()
    form["evidence"] = SimpleUploadedFile(name, data)
    api = client.post(reverse("api:goal-actual-list", args=[a.goal.pk]), form)
    assert api.status_code == 400 and "evidence" in api.json()
    _nothing_written(world, before)


def test_files_over_the_limit_are_refused(client, world, db, before, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    a = world.a
    world.login(client, a.facilitator)
    big = PDF + b"0" * 2000
    page = client.post(
        reverse("networks:attachment-add", args=[a.network.pk, a.activity.pk]),
        {"file": SimpleUploadedFile("minutes.pdf", big)},
    )
    assert "The file is too large" in page.content.decode()
    api = client.post(
        reverse("api:activity-attachment-upload", args=[a.activity.pk]),
        {"file": SimpleUploadedFile("minutes.pdf", big)},
    )
    assert api.status_code == 400 and "too large" in api.json()["file"][0]
    _nothing_written(world, before)


def test_a_real_file_is_accepted_and_served_as_a_download(client, world, db):
    """The control case: the same paths take an honest file, and serve it inert."""
    a = world.a
    world.login(client, a.facilitator)
    response = client.post(
        reverse("api:activity-attachment-upload", args=[a.activity.pk]),
        {"file": SimpleUploadedFile("photo.png", PNG)},
    )
    assert response.status_code == 201
    download = client.get(reverse("api:attachment-download", args=[response.json()["id"]]))
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")


def test_a_file_field_given_as_text_is_refused(client, world, db, before):
    a = world.a
    world.login(client, a.facilitator)
    api = client.post(
        reverse("api:activity-attachment-upload", args=[a.activity.pk]), {"file": "not a file"}
    )
    assert api.status_code == 400 and "file" in api.json()
    page = client.post(
        reverse("networks:attachment-add", args=[a.network.pk, a.activity.pk]), {"file": "x"}
    )
    assert page.status_code == 200 and "invalid-feedback" in page.content.decode()
    _nothing_written(world, before)


# --- imports --------------------------------------------------------------------------------

HEADER = "name,tax_id,sector,region,commune,employees,email,phone,network,joined_on\n"


def _rut(n: int) -> str:
    number = 78_500_000 + n
    return f"{number}-{rut_check_digit(number)}"


def _import(client, data: bytes, name: str = "firms.csv"):
    return client.post(reverse("networks:import"), {"file": SimpleUploadedFile(name, data)})


def _no_upload_kept(world) -> bool:
    return not any("/imports/" in path for path in _stored_files(world.media_root))


MALFORMED_FILES = [
    ("empty", b"", "firms.csv", None),  # Django's own "The submitted file is empty."
    ("header-only", b"name,tax_id\n", "firms.csv", imports.IMPORT_NO_ROWS),
    ("utf-16", "name,tax_id\nA,1\n".encode("utf-16"), "firms.csv", imports.IMPORT_ENCODING),
    ("not-text", bytes(range(256)) * 4, "firms.csv", imports.IMPORT_NOT_A_TABLE),
    ("pdf", PDF, "firms.csv", imports.IMPORT_NOT_A_TABLE),
    ("png-as-xlsx", PNG, "firms.xlsx", imports.IMPORT_NOT_A_TABLE),
    ("exe", WINDOWS_EXE, "firms.csv", imports.IMPORT_NOT_A_TABLE),
    ("plain-zip", _zip({"a.csv": b"name,tax_id\n"}), "firms.xlsx", None),
    ("many-entries", _many_entries(), "firms.xlsx", None),
    ("bomb", _bomb(), "firms.xlsx", None),
    ("broken-zip", b"PK\x03\x04" + b"\x00" * 200, "firms.xlsx", None),
]


@pytest.mark.parametrize(
    "data, name, expected", [m[1:] for m in MALFORMED_FILES], ids=[m[0] for m in MALFORMED_FILES]
)
def test_the_import_page_refuses_malformed_files_as_a_whole(
    client, world, db, data, name, expected
):
    world.login(client, world.a.facilitator)
    firms = Firm.objects.count()
    response = _import(client, data, name)
    assert response.status_code == 200
    html = response.content.decode()
    assert "invalid-feedback" in html, html[-2000:]
    if expected is not None:
        assert escape(str(expected)) in html
    assert 'name="token"' not in html  # nothing to confirm
    assert Firm.objects.count() == firms
    assert _no_upload_kept(world)


def test_missing_headers_are_named_on_the_page(client, world, db):
    world.login(client, world.a.facilitator)
    response = _import(client, b"firm;phone\nA;2\n")
    assert "Missing: name, tax_id" in response.content.decode()


def test_every_malformed_row_is_reported_and_nothing_is_written(client, world, db):
    a = world.a
    world.login(client, a.facilitator)
    n = a.network.pk
    rows = [
        f"Good firm,{_rut(1)},Wood,Maule,Talca,12,a@example.org,1,{n},2025-01-01",
        f"No tax id,,Wood,Maule,Talca,1,,,{n},",
        f"Bad tax id,12.345.678-9,Wood,Maule,Talca,1,,,{n},",
        f"Huge staff,{_rut(2)},Wood,Maule,Talca,99999999999999,,,{n},",
        f"Negative staff,{_rut(3)},Wood,Maule,Talca,-4,,,{n},",
        f"Bad mail,{_rut(4)},Wood,Maule,Talca,1,not-a-mail,,{n},",
        f"Odd network,{_rut(5)},Wood,Maule,Talca,1,,,²,",
        f"Unknown network,{_rut(6)},Wood,Maule,Talca,1,,,999999999999999999999,",
        f"Other agency,{_rut(7)},Wood,Maule,Talca,1,,,{world.b.network.pk},",
        f"Impossible date,{_rut(8)},Wood,Maule,Talca,1,,,{n},2024-02-30",
        f"Future date,{_rut(9)},Wood,Maule,Talca,1,,,{n},2999-01-01",
        f"{'x' * 300},{_rut(10)},Wood,Maule,Talca,1,,,{n},",
        f"<script>alert(1)</script>,{_rut(11)},=cmd|' /C calc'!A0,Maule,Talca,1,,,{n},",
    ]
    firms, memberships = Firm.objects.count(), Membership.objects.count()
    response = _import(client, (HEADER + "\n".join(rows) + "\n").encode())
    assert response.status_code == 200
    html = response.content.decode()
    plan = response.context["plan"]
    by_line = {row.line: row for row in plan.rows}
    # Line 1 is the header; the first row (line 2) is fine, every other one is refused.
    assert not by_line[2].errors
    for line in range(3, 2 + len(rows)):
        if line == 14:
            continue  # the script is only a name: stored as text, shown escaped
        assert by_line[line].errors, f"line {line} ({rows[line - 2][:30]}) was not refused"
    assert "<script>alert(1)</script>" not in html
    assert 'name="token"' not in html  # a file with errors cannot be confirmed
    assert (Firm.objects.count(), Membership.objects.count()) == (firms, memberships)
    assert world.b.network.name not in html
