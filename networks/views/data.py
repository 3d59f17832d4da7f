"""Data out and in: CSV/XLSX exports, the import of firms and memberships, the printable network report."""

import csv
import datetime
import io
import re
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from networks import access
from networks.files import exports, imports
from networks.forms.data import ExportFilterForm, ImportConfirmForm, ImportUploadForm
from networks.selectors import data as data_selectors
from networks.services.common import ConflictError
from networks.services.imports import import_apply
from networks.views.common import once_per_form, posted, show_conflict, show_errors

IMPORT_EXPIRED = gettext_lazy(
    "This upload is no longer available (it expired or was already imported). Upload the file "
    "again."
)
IMPORT_SALT = "networks.imports.upload"
IMPORT_MAX_AGE = 24 * 3600  # seconds an upload waits for its confirmation
IMPORT_DIR = "imports"
PREVIEW_ROWS = 500  # rows listed on the preview besides the errors
PREVIEW_MAX_ROWS = 2000
_STORED_NAME = re.compile(r"^u(\d+)-[0-9a-f]{32}\.bin$")


# --- exports --------------------------------------------------------------------------------


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    """The exports the user's role offers, as CSV and XLSX links, for one network or all."""
    access.require(access.can_export(request.user))
    form = ExportFilterForm(request.GET or None, user=request.user)
    network = form.cleaned_data["network"] if form.is_bound and form.is_valid() else None
    context = {
        "form": form,
        "kinds": exports.kinds_for(request.user),
        "network": network,
        "query": urlencode({"network": network.pk}) if network else "",
        "can_import": access.can_register_firm(request.user),
    }
    return render(request, "networks/export_list.html", context)


@login_required
def export_download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """One export as a file; ?network=<id> narrows it to one network (404 if not theirs)."""
    access.require(access.can_export(request.user))
    return exports.export_response(request.user, kind, fmt, request.GET.get("network"))


# --- import ---------------------------------------------------------------------------------


def _stored_path(name: str) -> str:
    return f"{IMPORT_DIR}/{name}"


def _sweep_old_uploads() -> None:
    """Forget uploads nobody confirmed within the allowed time."""
    if not default_storage.exists(IMPORT_DIR):
        return
    limit = timezone.now() - datetime.timedelta(seconds=IMPORT_MAX_AGE)
    for name in default_storage.listdir(IMPORT_DIR)[1]:
        stored = _stored_path(name)
        if _STORED_NAME.match(name) and default_storage.get_modified_time(stored) < limit:
            default_storage.delete(stored)


def _store_upload(user, data: bytes, original_name: str) -> str:
    """Keep the upload on the server and return a signed token that names it (and its owner).

    The client only ever holds the token: the rows it confirms are the ones it previewed.
    """
    _sweep_old_uploads()
    saved = default_storage.save(
        _stored_path(f"u{user.pk}-{secrets.token_hex(16)}.bin"), ContentFile(data)
    )
    name = saved.rsplit("/", 1)[-1]
    payload = {"file": name, "user": user.pk, "name": original_name[:200]}
    return signing.dumps(payload, salt=IMPORT_SALT)


def _load_upload(user, token: str) -> tuple[str, str, bytes] | None:
    """(stored name, original name, bytes) of the user's own upload, or None."""
    try:
        payload = signing.loads(token, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        return None
    name = payload.get("file", "")
    match = _STORED_NAME.match(name)
    if not match or int(match.group(1)) != user.pk or payload.get("user") != user.pk:
        return None
    try:
        with default_storage.open(_stored_path(name), "rb") as handle:
            return name, payload.get("name", ""), handle.read()
    except FileNotFoundError:
        return None


def _forget_upload(name: str) -> None:
    default_storage.delete(_stored_path(name))


def _render_preview(request, plan: imports.ImportPlan, *, token, file_name, ignored):
    shown = [row for i, row in enumerate(plan.rows) if row.has_error or i < PREVIEW_ROWS]
    context = {
        "plan": plan,
        "counts": plan.counts,
        "rows": shown[:PREVIEW_MAX_ROWS],
        "hidden_rows": len(plan.rows) - min(len(shown), PREVIEW_MAX_ROWS),
        "file_name": file_name,
        "ignored": ignored,
        "confirm_form": ImportConfirmForm(initial={"token": token}) if token else None,
        "upload_form": ImportUploadForm(),
    }
    return render(request, "networks/import_preview.html", context)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or XLSX of firms (and memberships), then see the preview: nothing is
    written until the user confirms it."""
    access.require(access.can_register_firm(request.user))
    form = ImportUploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = imports.read_upload(upload)
            parsed = imports.parse_file(data, upload.name)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            plan = imports.plan_import(actor=request.user, rows=parsed.rows)
            # A file with errors cannot be confirmed, so it is not kept either.
            token = None if plan.has_errors else _store_upload(request.user, data, upload.name)
            return _render_preview(
                request, plan, token=token, file_name=upload.name, ignored=parsed.ignored_columns
            )
    return render(request, "networks/import_form.html", {"form": form})


@login_required
@require_POST
@once_per_form
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Write the previewed file, all or nothing."""
    access.require(access.can_register_firm(request.user))
    form = ImportConfirmForm(request.POST)
    loaded = _load_upload(request.user, form.cleaned_data["token"]) if form.is_valid() else None
    if loaded is None:
        messages.error(request, IMPORT_EXPIRED)
        return redirect("networks:import")
    stored, file_name, data = loaded
    try:
        parsed = imports.parse_file(data, file_name)
    except ValidationError as exc:
        _forget_upload(stored)
        messages.error(request, " ".join(exc.messages))
        return redirect("networks:import")
    try:
        result = import_apply(actor=request.user, rows=parsed.rows)
    except ValidationError as exc:
        # The data changed since the preview and some rows are now wrong: show them.
        _forget_upload(stored)
        messages.error(request, " ".join(exc.messages))
        plan = imports.plan_import(actor=request.user, rows=parsed.rows)
        return _render_preview(
            request, plan, token=None, file_name=file_name, ignored=parsed.ignored_columns
        )
    except ConflictError as exc:
        show_conflict(request, exc)
        return redirect("networks:import")
    _forget_upload(stored)
    messages.success(
        request,
        _(
            "Imported: %(created)s new firms, %(updated)s updated firms, %(memberships)s new "
            "memberships; %(unchanged)s rows unchanged."
        )
        % {
            "created": result.firms_created,
            "updated": result.firms_updated,
            "memberships": result.memberships_created,
            "unchanged": result.unchanged,
        },
    )
    return redirect("networks:import")


@login_required
@require_POST
def import_cancel(request: HttpRequest) -> HttpResponse:
    access.require(access.can_register_firm(request.user))
    form = ImportConfirmForm(request.POST)
    loaded = _load_upload(request.user, form.cleaned_data["token"]) if form.is_valid() else None
    if loaded is not None:
        _forget_upload(loaded[0])
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("networks:import")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """An empty CSV with the expected header row."""
    access.require(access.can_register_firm(request.user))
    buffer = io.StringIO()
    csv.writer(buffer).writerow(imports.COLUMNS)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="profo-import-template.csv"'
    return response


# --- the printable report -------------------------------------------------------------------


@login_required
def network_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One printable page per network, for anyone who may see it (a firm member without the
    other firms' confidential figures)."""
    network = access.get_network_or_404(request.user, pk)
    context = {
        "network": network,
        "programme": network.programme,
        **data_selectors.network_report(network, request.user),
    }
    return render(request, "networks/report_network.html", context)
