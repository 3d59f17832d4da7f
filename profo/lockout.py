"""Failed logins lock out the attacker, not the office (django-axes, configured in settings).

- The pair (username, address) is locked after AXES_FAILURE_LIMIT failures: someone guessing at
  one account from one address. The same user still logs in from another address, and the
  people behind the same office address are not touched.
- The address is stopped after AXES_ADDRESS_FAILURE_LIMIT failures over all names (password
  spraying: one password tried on many accounts), but not for the people who logged in
  successfully from it in the last AXES_KNOWN_ADDRESS_DAYS days, so a colleague is never locked
  out by a stranger in the same office.
- Both end by themselves after AXES_COOLOFF_TIME.

The address is the client's as our proxies saw it (`client_ip`), never what the client wrote.
"""

import datetime
import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

TEMPLATE = "registration/locked_out.html"


def client_ip(request) -> str | None:
    """The client's address behind settings.PROXY_COUNT proxies.

    Each proxy appends to X-Forwarded-For the address it received the request from, and the
    last one is REMOTE_ADDR: so the client's address is the PROXY_COUNT-th entry from the
    right. Entries further left were written by the client and prove nothing. When the header
    is shorter than that (a request that did not come through the proxies) or the entry is not
    an address, REMOTE_ADDR is the only address we know.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PairThenAddressHandler(AxesDatabaseHandler):
    """Axes' database handler, counting per pair and, separately, per address.

    AXES_LOCKOUT_PARAMETERS names only the pair, so that axes' own bookkeeping (the attempts it
    resets after a successful login, its logs) stays per pair; the address's count is added here.
    """

    def get_failures(self, request, credentials=None) -> int:
        pair = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if pair >= limit:
            return pair
        address = request.axes_ip_address
        recent = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        )
        if _failures(recent) < settings.AXES_ADDRESS_FAILURE_LIMIT:
            return pair
        username = get_client_username(request, credentials)
        if username and self._known_at(username, address):
            return pair
        request.axes_address_locked = True
        return limit

    @staticmethod
    def _known_at(username: str, address: str) -> bool:
        """Whether `username` logged in successfully from `address` lately (axes' access log)."""
        since = timezone.now() - datetime.timedelta(days=settings.AXES_KNOWN_ADDRESS_DAYS)
        return AccessLog.objects.filter(
            username=username, ip_address=address, attempt_time__gte=since
        ).exists()


def lockout_response(request, original_response=None, credentials=None):
    """429 with the cool-off in minutes: JSON for the API, the friendly page for the rest."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60))
    address_locked = getattr(request, "axes_address_locked", False)
    if request.path.startswith("/api/"):
        detail = ngettext(
            "Too many failed logins. Try again in %(minutes)s minute.",
            "Too many failed logins. Try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
        if address_locked:
            detail = " ".join([detail, _("Too many wrong passwords came from this address.")])
        response = JsonResponse({"detail": detail}, status=429)
    else:
        context = {"cooloff_timedelta": cool_off, "address_locked": address_locked}
        response = render(request, TEMPLATE, context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
