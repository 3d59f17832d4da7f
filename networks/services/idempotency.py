"""Duplicate writes: one write per key (an API `Idempotency-Key` or a page form's token).

The caller opens a transaction, claims the key, writes, stores its answer and commits: the key's
row and the write commit together or not at all. A second request with the same key either
finds the committed row (and answers the stored answer) or, when it comes at the same moment,
waits on the unique index until the first commits, then finds it. A request that fails rolls
back its key with its write, so the key may be used again.
"""

import datetime
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.models import IdempotencyKey, User
from networks.services.common import ConflictError

KEY_MALFORMED = _("The Idempotency-Key header must be 1 to 255 visible ASCII characters.")
KEY_REUSED = _(
    "This Idempotency-Key was already used for a different request. Use a new key for each "
    "new request."
)
KEY_IN_PROGRESS = _("A request with this Idempotency-Key is still being processed.")

_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def key_lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def key_is_valid(key: str) -> bool:
    return _VALID_KEY.fullmatch(key) is not None


def key_claim(*, user: User, scope: str, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """(row, True) when this request may write: the key's row is inserted, pending.
    (row, False) when the key already answered the same request: replay `row.status/body`.

    Must run inside the caller's transaction (the one that writes). Raises ConflictError when
    the key answered another request (another fingerprint).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("key_claim() must run in the transaction of the write it guards")
    row = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).first()
    if row is not None and row.created_at < timezone.now() - key_lifetime():
        row.delete()  # expired: the key is free again
        row = None
    if row is None:
        try:
            # A savepoint, so that losing the race leaves the caller's transaction usable.
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    user=user, scope=scope, key=key, fingerprint=fingerprint
                )
            return row, True
        except IntegrityError:
            # Another request inserted it and we waited on the index until it committed;
            # under READ COMMITTED this new statement sees its row.
            row = IdempotencyKey.objects.get(user=user, scope=scope, key=key)
    if row.fingerprint != fingerprint:
        raise ConflictError(KEY_REUSED)
    if row.status is None:
        # Not reachable while the row commits with its answer; kept so that a stored row
        # without one can never be replayed as an empty success.
        raise ConflictError(KEY_IN_PROGRESS)
    return row, False


def key_store(*, row: IdempotencyKey, status: int, body) -> None:
    """Keep the answer of the write `row` guarded, in the same transaction."""
    row.status, row.body = status, body
    row.save(update_fields=["status", "body"])


@transaction.atomic
def idempotency_keys_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the keys older than their lifetime (24 hours by default); returns how many.

    Run daily (`manage.py purge_idempotency_keys`); an expired key left in place is only
    ignored, never replayed, so a late run changes nothing but the table's size.
    """
    cutoff = (now or timezone.now()) - key_lifetime()
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
