"""Read replicas: reads go to the primary unless code asks for a replica, and never after a write.

Replicas are optional (`DATABASE_REPLICA_URLS` adds the aliases replica1, replica2… and lists
them in `settings.DATABASE_REPLICAS`). A replica lags behind the primary by a moment, so it is
only good for reads that may be a little stale and are heavy: reports and exports. Such code
asks for it explicitly::

    from profo.db_router import use_replica

    with use_replica():
        rows = list(report_queryset)  # evaluate inside the block

Inside `use_replica()` a read still goes to the primary when

- no replica is configured (so the block is a no-op on a single database),
- the current request (or command) has already written: it must see its own write,
- it runs inside a transaction on the primary (locks and uncommitted rows live there),
- it reads a table that authenticates or limits requests (users, sessions, tokens, the cache,
  django-axes), or anything outside the domain app: a lagging copy there would log people out
  or let them past a throttle.

`ReplicaRouterMiddleware` starts each request with a clean "has written" flag; commands that
want the same can wrap their work in `request_scope()`.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# Context variables, not thread-locals: each request (and each thread of a gthread worker)
# sees its own values, and nothing leaks from one request into the next.
_replica_wanted: ContextVar[bool] = ContextVar("profo_replica_wanted", default=False)
_has_written: ContextVar[bool] = ContextVar("profo_has_written", default=False)

# Only the domain's tables may be read from a copy; see the module docstring.
REPLICA_APP_LABELS = frozenset({"networks"})
# The domain app's tables that log people in: never from a copy either.
AUTHENTICATION_MODELS = frozenset({"networks.ApiToken", "networks.UserSession"})


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


@contextmanager
def use_replica() -> Iterator[None]:
    """Send the reads inside the block to a replica, where that is safe (see module docs).

    Also usable as a decorator. Querysets are lazy: evaluate them inside the block.
    """
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


@contextmanager
def request_scope() -> Iterator[None]:
    """A unit of work (a request, a command) that starts with no write behind it."""
    token = _has_written.set(False)
    try:
        yield
    finally:
        _has_written.reset(token)


def has_written() -> bool:
    return _has_written.get()


def note_write() -> None:
    """Keep the following reads on the primary: for writes the router does not see (raw SQL)."""
    _has_written.set(True)


class ReplicaRouter:
    """Primary for writes, migrations and reads by default; a replica inside `use_replica()`."""

    def db_for_read(self, model, **hints) -> str:
        if self._replica_allowed(model):
            return random.choice(replicas())
        # Explicitly the primary, not None: with None Django would follow an instance's own
        # database, so an object loaded from a replica would pull its relations from there too.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        _has_written.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        known = {DEFAULT_DB_ALIAS, *replicas()}
        if obj1._state.db in known and obj2._state.db in known:
            return True  # the same data: a replica is a copy of the primary
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS

    @staticmethod
    def _replica_allowed(model) -> bool:
        if not _replica_wanted.get() or _has_written.get() or not replicas():
            return False
        if model._meta.app_label not in REPLICA_APP_LABELS:
            return False
        if model._meta.label in {settings.AUTH_USER_MODEL, *AUTHENTICATION_MODELS}:
            return False
        return not connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouterMiddleware:
    """Each request starts with no write behind it (threads are reused between requests)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)
