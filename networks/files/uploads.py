"""Checking uploaded files by their content, not only by their name.

Allowed: PDF, JPEG, PNG, and the office formats DOCX, XLSX, ODT, ODS. The office formats are
ZIP containers, so a ZIP is accepted only when its inside is one of them: a plain archive, or an
executable renamed `.pdf`, is refused.
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from networks.models import Attachment

UPLOAD_TYPE_REFUSED = _(
    "This file type is not accepted. Upload a PDF, JPEG, PNG, DOCX, XLSX, ODT or ODS file."
)
UPLOAD_TOO_LARGE = _("The file is too large: the limit is %(limit)s.")
UPLOAD_EMPTY = _("The file is empty.")
UPLOAD_NAME_MISMATCH = _("The file's name (.%(ext)s) does not match its content (%(kind)s).")

ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
EXTENSIONS = {
    "pdf": {"pdf"},
    "jpeg": {"jpg", "jpeg"},
    "png": {"png"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "odt": {"odt"},
    "ods": {"ods"},
}
# Limits on what an office file (a ZIP) may unpack to. They are checked against the archive's
# central directory before any entry is read, so a "zip bomb" costs nothing to refuse.
MAX_ZIP_ENTRIES = 5000  # an office file has dozens; thousands mean something else
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024  # all entries together, as the archive declares them
# Office XML compresses about 5-20 to 1; a thousandfold entry is made to fill memory. The ratio
# is judged only on entries large enough to matter (a tiny repetitive entry may squeeze well).
MAX_ZIP_RATIO = 100
ZIP_RATIO_FROM_BYTES = 1024 * 1024
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}  # bzip2 and lzma inflate far more
MAX_ZIP_ENTRY_READ = 4096  # the most read of any entry (the ODF `mimetype` is ~45 bytes)


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    size: int
    name: str


def _zip_is_safe(entries: list[zipfile.ZipInfo]) -> bool:
    """What the archive's directory declares stays within the limits.

    Python's zipfile never inflates an entry past its declared `file_size`, so checking the
    declared sizes bounds what any later reader (openpyxl included) can unpack.
    """
    if len(entries) > MAX_ZIP_ENTRIES:
        return False
    total = 0
    for info in entries:
        if info.compress_type not in ZIP_METHODS:
            return False
        if info.file_size >= ZIP_RATIO_FROM_BYTES and (
            info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)
        ):
            return False
        total += info.file_size
    return total <= MAX_ZIP_UNCOMPRESSED


def _sniff_zip(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if not _zip_is_safe(entries):
                return None
            names = [info.filename for info in entries]
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    return ODF_MIMETYPES.get(entry.read(MAX_ZIP_ENTRY_READ).strip())
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError):
        return None
    return None


def sniff(upload) -> str | None:
    """The allowed kind that the file's bytes show, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return None


def check_upload(upload, *, field: str = "file") -> CheckedUpload:
    """Validate an uploaded file; raise ValidationError naming `field` when it is refused."""
    limit = settings.ATTACHMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    if size == 0:
        raise ValidationError({field: [UPLOAD_EMPTY]})
    if size > limit:
        raise ValidationError({field: [UPLOAD_TOO_LARGE % {"limit": filesizeformat(limit)}]})
    kind = sniff(upload)
    if kind is None:
        raise ValidationError({field: [UPLOAD_TYPE_REFUSED]})
    name = (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EXTENSIONS[kind]:
        raise ValidationError(
            {field: [UPLOAD_NAME_MISMATCH % {"ext": ext or "?", "kind": kind.upper()}]}
        )
    return CheckedUpload(kind=kind, content_type=CONTENT_TYPES[kind], size=size, name=name)


def attachment_response(attachment: Attachment) -> FileResponse:
    """The stored file as a download under its original name; 404 if the file is gone."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    # Never let a browser guess a type (and run it) from the bytes.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
