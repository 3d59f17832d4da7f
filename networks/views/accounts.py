"""The user's own account: API tokens, the language switch, the password reset page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import i18n
from django.views.decorators.http import require_POST, require_safe

from networks import access
from networks.forms.accounts import QueuedPasswordResetForm
from networks.selectors import accounts as account_selectors
from networks.services import accounts as account_services


@login_required
@require_safe
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's live tokens, newest first: when made, when they expire, how they begin."""
    tokens = account_selectors.token_list(request.user)
    context = {"tokens": tokens, "token_days": settings.API_TOKEN_DAYS}
    return render(request, "networks/token_list.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    account_services.token_revoke(token=access.get_own_token_or_404(request.user, pk))
    messages.success(request, account_services.TOKEN_REVOKED)
    return redirect("networks:token-list")


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (a cookie remembers the choice in this browser), and for a
    logged-in user the choice saved on the account too, so that e-mails come in it."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    user = request.user
    # An unknown value changes nothing here, as in Django's own switch.
    if request.method == "POST" and user.is_authenticated and language in dict(settings.LANGUAGES):
        account_services.user_language_set(user=user, language=language)
    return response


# Django's page, with its e-mail deferred to a worker (forms.accounts.QueuedPasswordResetForm).
password_reset = auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)
