"""Uploads are judged by their content."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from networks.uploads import (
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
