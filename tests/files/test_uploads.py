"""Uploads are judged by their content."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from networks.files.uploads import (
    UPLOAD_EMPTY,
    UPLOAD_NAME_MISMATCH,
    UPLOAD_TOO_LARGE,
    UPLOAD_TYPE_REFUSED,
    check_upload,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
MZ = b"MZ\x90\x00" + b"\x00" * 64


def zip_bytes(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refused(name, data) -> list[str]:
    with pytest.raises(ValidationError) as err:
        check_upload(SimpleUploadedFile(name, data))
    return err.value.message_dict["file"]


@pytest.mark.parametrize(
    "name, data, kind",
    [
        ("photo.png", PNG, "png"),
        ("minutes.pdf", PDF, "pdf"),
        ("visit.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
        ("sheet.docx", zip_bytes({"[Content_Types].xml": "x", "word/document.xml": "x"}), "docx"),
        ("list.xlsx", zip_bytes({"[Content_Types].xml": "x", "xl/workbook.xml": "x"}), "xlsx"),
        ("acta.odt", zip_bytes({"mimetype": "application/vnd.oasis.opendocument.text"}), "odt"),
        ("lista.ods", zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
         "ods"),
    ],
)  # fmt: skip
def test_allowed_kinds(name, data, kind):
    checked = check_upload(SimpleUploadedFile(name, data))
    assert checked.kind == kind
    assert checked.size == len(data)


@pytest.mark.parametrize("data", [ELF, MZ, b"#!/bin/sh\nrm -rf /\n", b"<html><script>"])
def test_executables_and_scripts_renamed_pdf_are_refused(data):
    assert refused("minutes.pdf", data) == [str(UPLOAD_TYPE_REFUSED)]


def test_plain_archive_is_refused():
    assert refused("photos.docx", zip_bytes({"a.exe": MZ})) == [str(UPLOAD_TYPE_REFUSED)]


def test_name_must_match_content():
    assert refused("photo.pdf", PNG) == [str(UPLOAD_NAME_MISMATCH % {"ext": "pdf", "kind": "PNG"})]


def test_empty_and_too_large(settings):
    assert refused("a.pdf", b"") == [str(UPLOAD_EMPTY)]
    settings.ATTACHMENT_MAX_BYTES = 1024
    message = refused("a.pdf", PDF + b"\x00" * 2000)
    assert message == [str(UPLOAD_TOO_LARGE % {"limit": "1.0\xa0KB"})]


# --- archives that inflate: the checks read the central directory, never a whole entry -----------


def _streamed_zip(name: str, size: int, *, method=zipfile.ZIP_DEFLATED, extra: dict | None = None):
    """An archive whose entry `name` inflates to `size` bytes of zeros, written in chunks so that
    building it costs no memory."""
    buffer = io.BytesIO()
    chunk = b"\x00" * (1 << 20)
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for other, data in (extra or {}).items():
            archive.writestr(other, data)
        with archive.open(name, "w", force_zip64=True) as entry:
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


def _peak_bytes(func) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def deflate_bomb():
    # ~300 KB on the wire, 300 MB once read: the `mimetype` entry of a would-be ODT.
    return _streamed_zip("mimetype", 300 << 20)


def test_a_deflate_bomb_is_refused_without_inflating_it(deflate_bomb):
    import time

    assert len(deflate_bomb) < 1 << 20
    started = time.perf_counter()
    peak = _peak_bytes(lambda: pytest.raises(ValidationError, check_upload,
                                             SimpleUploadedFile("acta.odt", deflate_bomb)))  # fmt: skip
    elapsed = time.perf_counter() - started
    assert peak < 4 << 20, f"peak {peak} bytes"
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert refused("acta.odt", deflate_bomb) == [str(UPLOAD_TYPE_REFUSED)]


def test_only_stored_and_deflated_entries_are_accepted():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_BZIP2) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    assert refused("acta.odt", buffer.getvalue()) == [str(UPLOAD_TYPE_REFUSED)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_LZMA) as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("word/document.xml", "x")
    assert refused("acta.docx", buffer.getvalue()) == [str(UPLOAD_TYPE_REFUSED)]


def test_an_office_file_that_inflates_past_the_cap_is_refused():
    # A real-looking spreadsheet whose sheet inflates to 150 MB: openpyxl would read it all later.
    bomb = _streamed_zip(
        "xl/worksheets/sheet1.xml",
        150 << 20,
        extra={"[Content_Types].xml": "x", "xl/workbook.xml": "x"},
    )
    assert refused("list.xlsx", bomb) == [str(UPLOAD_TYPE_REFUSED)]


def test_a_highly_compressed_entry_is_refused_even_under_the_total_cap():
    # 20 MB of zeros squeezed ~1000:1: no office document compresses like that.
    bomb = _streamed_zip("word/document.xml", 20 << 20, extra={"[Content_Types].xml": "x"})
    assert refused("report.docx", bomb) == [str(UPLOAD_TYPE_REFUSED)]


def test_a_large_ordinary_spreadsheet_is_accepted():
    # Text that compresses like a real sheet (about 5:1), a few MB once inflated.
    import random

    rng = random.Random(1)
    rows = "".join(
        f'<row r="{i}"><c t="inlineStr"><is><t>Empresa {rng.randint(1, 10**9)} SpA</t></is></c>'
        f"<c><v>{rng.random() * 10**6:.2f}</v></c></row>"
        for i in range(40_000)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("xl/workbook.xml", "x")
        archive.writestr("xl/worksheets/sheet1.xml", rows)
    assert len(rows) > 3 << 20
    assert check_upload(SimpleUploadedFile("list.xlsx", buffer.getvalue())).kind == "xlsx"
