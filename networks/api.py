"""The REST API under /api/v1/. Same services and access rules as the pages.

Conventions: related objects are ids, dates ISO 8601, money decimal strings, lists paginated
as {count, next, previous, results}. Errors are JSON: 400 broken rule or field, 401 not logged
in, 403 may see but not change, 404 may not see, 409 conflicts with the current state.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from networks import access
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


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    agency = serializers.IntegerField(allow_null=True)
    firm = serializers.IntegerField(allow_null=True)
    networks = serializers.ListField(child=serializers.IntegerField())


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    user = request.user
    data = {
        "username": user.username,
        "role": user.role,
        "agency": user.agency_id,
        "firm": user.firm_id,
        "networks": list(access.visible_networks(user).order_by("pk").values_list("pk", flat=True)),
    }
    return Response(MeSerializer(data).data)
