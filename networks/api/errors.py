"""The API's errors as JSON: the services' ValidationError, PermissionDenied, Http404 and
ConflictError become 400, 403, 404 and 409 (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"])."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from networks.services.common import ConflictError

BODY_TOO_LARGE = _("The request body is over the limit of %(limit)s bytes.")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc, context):
    """Turn the services' exceptions into the API's status codes."""
    if isinstance(exc, ConflictError):
        exc = Conflict(detail=" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(detail=exc.message_dict)
        else:
            exc = exceptions.ValidationError(detail={"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # Keep the service's reason ("Only staff of the network's agency...") when it gives one.
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        # Django's own answer would be its HTML 400 page.
        exc = exceptions.ParseError(
            BODY_TOO_LARGE % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    return drf_exception_handler(exc, context)
