"""A user's own account: the language of their e-mails, their password, API tokens and browser
sessions.

A new password (changed or reset, on a page, through the API, in the admin or by a command)
and a deactivation end every API token and every session of the user: `credentials_revoke`,
called by networks.signals whenever a user is saved that way. Where the user changes their own
password, the session or token they did it with goes on working (see `password_change`).
"""

import logging

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from networks.models import ApiToken, User, UserSession

log = logging.getLogger(__name__)

WRONG_OLD_PASSWORD = _("Your old password was entered incorrectly. Please enter it again.")
TOKEN_REVOKED = _("The token was revoked; programs using it can no longer log in with it.")
LANGUAGE_UNKNOWN = _("Choose one of the site's languages.")


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """The language e-mails to this user are written in (one of settings.LANGUAGES)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [LANGUAGE_UNKNOWN]})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def credentials_revoke(*, user: User, keep_token_id: int | None = None) -> None:
    """End every API token (but `keep_token_id`) and every session of `user`.

    A session ended here is deleted; the page that changed the password keeps its own session
    because Django saves it again under a new key (update_session_auth_hash).
    """
    tokens, _by_model = ApiToken.objects.filter(user=user).exclude(pk=keep_token_id).delete()
    sessions, _by_model = UserSession.objects.filter(user=user).delete()
    if tokens or sessions:
        log.info("Ended %d API tokens and %d sessions of user %s.", tokens, sessions, user.pk)


@transaction.atomic
def password_change(
    *, user: User, old_password: str, new_password: str, keep_token: ApiToken | None = None
) -> None:
    """Change `user`'s own password, checked by the same validators as the password page.

    Every other token and session of the user ends; `keep_token`, the token the request came
    with, keeps working, so a program that changes its user's password is not logged out.
    """
    if not user.check_password(old_password):
        raise ValidationError({"old_password": [WRONG_OLD_PASSWORD]})
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from error
    user.set_password(new_password)
    # Read by networks.signals when the save below revokes the user's credentials.
    user.keep_token_id = keep_token.pk if keep_token else None
    try:
        user.save(update_fields=["password"])
    finally:
        user.keep_token_id = None


@transaction.atomic
def token_revoke(*, token: ApiToken) -> None:
    """End one API token (its owner's choice; access.get_own_token_or_404 finds it)."""
    token.delete()
    log.info("User %s revoked API token %s.", token.user_id, token.pk)
