"""The inbox (the bell in the navigation, the list, marking read), the notification settings,
and for agency admins the e-mails that could not be sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from networks import access
from networks.forms.notifications import PreferencesForm
from networks.rules import NOTIFICATIONS_PER_PAGE
from networks.selectors import notifications as notification_selectors
from networks.services import notifications as notification_services


def bell(request: HttpRequest) -> dict:
    """Context processor: the unread count, counted only when a page shows the bell (one
    cheap query on a partial index), never for anonymous pages or JSON."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: notification_selectors.unread_count(user))
    }


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notification_selectors.inbox(request.user), NOTIFICATIONS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    return render(request, "networks/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with `open`, go on to the page it is about."""
    notification = access.get_own_notification_or_404(request.user, pk)
    notification_services.notification_mark_read(notification=notification, actor=request.user)
    target = notification.url if "open" in request.POST else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("networks:notification-list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notification_services.notifications_mark_all_read(actor=request.user)
    messages.success(request, notification_services.ALL_MARKED_READ)
    return redirect("networks:notification-list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    current = notification_selectors.preferences(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        notification_services.preferences_set(user=request.user, channels=form.channels())
        messages.success(request, notification_services.PREFERENCES_SAVED)
        return redirect("networks:notification-preferences")
    return render(request, "networks/notification_preferences.html", {"form": form})


@login_required
@require_safe
def failed_mail_list(request: HttpRequest) -> HttpResponse:
    """Agency admins: the e-mails to their agency's people (or about its networks) that could
    not be sent after every retry, with the error, so someone can fix an address or call."""
    access.require(access.can_see_failed_mails(request.user))
    rows = notification_selectors.failed_mails(request.user.agency_id)
    page = Paginator(rows, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "networks/failed_mail_list.html", {"page": page})
