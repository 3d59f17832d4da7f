"""Where a user is logged in: API tokens and browser sessions, each tied to its user, so that a
new password or a deactivation can end them all at once (networks.signals)."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class ApiToken(AbstractAuthToken):
    """A django-rest-knox token (settings.KNOX_TOKEN_MODEL): only a digest of the secret is
    stored, and it expires. Knox's own model is keyed by that digest; this one has a plain id,
    so that its owner can name a token in a URL without showing anything derived from it."""

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @property
    def starts_with(self) -> str:
        """The first characters of the token (knox keeps 15 to find it), for its owner to tell
        their tokens apart."""
        return self.token_key[:8]


class UserSession(AbstractBaseSession):
    """A browser session (SESSION_ENGINE = "networks.sessions") that names its user."""

    # No database constraint: a request may save its session just after an admin deleted its
    # user; that must not fail. Deleting a user still deletes their sessions (Django cascades).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls):
        from networks.sessions import SessionStore

        return SessionStore
