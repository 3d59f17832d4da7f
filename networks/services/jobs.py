"""Deferring background work (networks/tasks.py) from a service.

A job is deferred by its task's name, in the caller's transaction: Procrastinate's Django
connector writes the job row through the request's own database connection, so the job and the
data commit or roll back together (the outbox), and a worker picks it up once committed.

The SQLite quick start (settings.TASKS_INLINE) has no job tables: there the job runs in this
process right after the transaction commits, and a failure is logged, not retried.
"""

import functools
import logging

from django.conf import settings
from django.db import transaction
from procrastinate.contrib.django import app

log = logging.getLogger(__name__)


def defer(task: str, **kwargs) -> None:
    """Queue the task named `task` (networks/tasks.py) with keyword arguments `kwargs` (JSON
    values), in the caller's transaction."""
    if settings.TASKS_INLINE:
        transaction.on_commit(functools.partial(_run_inline, task, kwargs))
        return
    app.configure_task(task, allow_unknown=False).defer(**kwargs)


def _run_inline(task: str, kwargs: dict) -> None:
    try:
        app.tasks[task](**kwargs)
    except Exception:
        log.exception("Job %s(%s) failed (run inline, not retried)", task, kwargs)
