"""The `Idempotency-Key` header, for every API POST that creates a record.

A client that may send a request twice (a retry after a timeout, a double tap) sends a key of
its choice, e.g. a UUID:

- the same key and the same request (method, path, body) from the same user within 24 hours
  answers the first answer again (status and body, with `Idempotent-Replayed: true`) and writes
  nothing;
- the same key with another request is a 409;
- another user's keys are their own;
- two requests with one key at the same moment: the second waits until the first has
  committed, then answers its answer (never a 409 "in progress": the first is quick, and a
  retrying client gets what it asked for);
- a request that fails (4xx, 5xx) keeps nothing: the key may be sent again;
- without the header nothing changes.

`tests/api/test_idempotency.py` walks the schema so that no creating endpoint goes without.
"""

import hashlib
import json

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import QueryDict
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from networks.models import IdempotencyKey
from networks.services import idempotency as idempotency_services

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional; 1 to 255 visible ASCII characters, e.g. a UUID. Sent again with the same "
        "body within 24 hours, the request answers the first answer (with the header "
        "`Idempotent-Replayed: true`) and writes nothing more; with another body it is a 409. "
        "Keys are per user. A refused request keeps no key."
    ),
)


class IdempotencySchema(AutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST":
            parameters = [*parameters, IDEMPOTENCY_PARAMETER]
        return parameters


class _Replay(Exception):
    def __init__(self, row: IdempotencyKey):
        super().__init__(row.key)
        self.row = row


def _file_digest(upload: UploadedFile) -> dict:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)  # the view reads it next
    return {"file": upload.name, "size": upload.size, "sha256": digest.hexdigest()}


def _plain(data):
    """The request's data as JSON-able values, the same for the same request whatever the
    order of its keys or the multipart boundary."""
    if isinstance(data, QueryDict):
        data = {key: data.getlist(key) for key in data}
    if isinstance(data, dict):
        return {str(key): _plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(value) for value in data]
    if isinstance(data, UploadedFile):
        return _file_digest(data)
    return data


def fingerprint(request) -> str:
    what = [request.method, request.get_full_path(), _plain(request.data)]
    text = json.dumps(what, sort_keys=True, cls=JSONEncoder, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


class IdempotentCreateMixin:
    """For API views whose POST creates a record. Put it first among the bases.

    The whole request runs in one transaction when the header is sent: the key's row is
    claimed after authentication and the access checks (outsiders still get 404, and their
    keys are never looked at), then the view writes, then the answer is stored with the key.
    """

    schema = IdempotencySchema()

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST" or IDEMPOTENCY_HEADER not in request.headers:
            return super().dispatch(request, *args, **kwargs)
        self._idempotency_sent, self._idempotency_row = True, None
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            row = self._idempotency_row
            if row is not None:
                if 200 <= response.status_code < 300:
                    body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                    idempotency_services.key_store(row=row, status=response.status_code, body=body)
                else:
                    # Refused or failed: nothing of it stays, the key included.
                    transaction.set_rollback(True)
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not getattr(self, "_idempotency_sent", False):
            return
        key = request.headers[IDEMPOTENCY_HEADER]
        if not idempotency_services.key_is_valid(key):
            raise exceptions.ValidationError(
                {IDEMPOTENCY_HEADER: [idempotency_services.KEY_MALFORMED]}
            )
        row, is_new = idempotency_services.key_claim(
            user=request.user,
            scope=IdempotencyKey.Scope.API,
            key=key,
            fingerprint=fingerprint(request),
        )
        if not is_new:
            raise _Replay(row)
        self._idempotency_row = row

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            response = Response(exc.row.body, status=exc.row.status)
            response[REPLAYED_HEADER] = "true"
            return response
        return super().handle_exception(exc)
