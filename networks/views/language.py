"""The language switch in the navigation bar."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views import i18n


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (a cookie remembers the choice in this browser), and for a
    logged-in user the choice saved on the account too, so that e-mails come in it."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response
