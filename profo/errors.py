"""Error pages: a friendly page for every failure, and 503 (not 500) while the database is down.

Django turns any exception raised in a view or middleware into a call to `handler500`, inside
the `except` block, so the exception in flight tells a database outage from a real bug.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

DATABASE_ERRORS = (OperationalError, InterfaceError)


@requires_csrf_token
def bad_request(request, exception, *args, **kwargs):
    """A request Django refused before any view (an oversized form body, a bad host header):
    JSON on the API, as every other API error, and Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("The request could not be read.")}, status=400)
    return defaults.bad_request(request, exception)


@requires_csrf_token
def server_error(request, *args, **kwargs):
    _kind, exc, _tb = sys.exc_info()
    unavailable = isinstance(exc, DATABASE_ERRORS)
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        detail = (
            _("The service is temporarily unavailable. Try again in a moment.")
            if unavailable
            else _("The server could not finish your request.")
        )
        response = JsonResponse({"detail": detail}, status=status)
    else:
        template = loader.get_template("503.html" if unavailable else "500.html")
        response = HttpResponse(template.render({}), status=status)
    if unavailable:
        response["Retry-After"] = "5"
    return response
