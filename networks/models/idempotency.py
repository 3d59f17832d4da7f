"""Duplicate writes: the keys that make a retried create (API or page form) write once."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.models.agencies import User


class IdempotencyKey(models.Model):
    """A key a user gave one write: an API `Idempotency-Key` or a page form's one-time token.

    The row is inserted in the same transaction as the write, so that the unique constraint,
    not a check before the write, decides which of two requests with one key writes; the
    other waits on the index and then answers with the stored `status` and `body`.
    """

    class Scope(models.TextChoices):
        API = "api", "API"
        FORM = "form", "form"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=255)
    # sha256 of what was asked (method, path, body): the same key for another request is a 409.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.scope} {self.key}"
