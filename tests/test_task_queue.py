"""The task queue on PostgreSQL, as production runs it: Procrastinate's Django connector writes
jobs in the request's transaction, and real workers run them.

- the outbox: a rolled-back write leaves no job, a committed one exactly one per mail;
- a worker delivers the mails (a real SMTP server in the test, aiosmtpd);
- the mail outage: with the SMTP port closed, then with a server that accepts and never
  answers, requests answer at once and their data is committed; once a server is back, a
  worker delivers every mail exactly once;
- a mail that fails every try ends failed, with its error, for operators and agency admins;
- two workers running the periodic reminders at once tell each person once;
- `manage.py procrastinate worker` itself, in a subprocess, delivers a mail.

Each test commits (transaction=True), so the job tables, which Django's flush does not know,
are emptied here before and after.
"""

import asyncio
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.urls import reverse
from procrastinate.contrib.django import app
from procrastinate.periodic import PeriodicDeferrer

from networks.models import Application, Notification, ReminderSent
from networks.rules import MAIL_ATTEMPTS
from networks.services import lifecycle as lifecycle_services
from networks.services import reminders as reminder_services
from tests import builders, factories

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_queue]
QUEUE_TABLES = (
    "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, procrastinate_workers"
)
FAST = 1.0  # seconds: a request that waits on a mail server takes EMAIL_TIMEOUT or more


def _sql(query: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else None


@pytest.fixture(autouse=True)
def empty_queue():
    _sql(f"TRUNCATE {QUEUE_TABLES} CASCADE")
    yield
    _sql(f"TRUNCATE {QUEUE_TABLES} CASCADE")
    # The workers' threads keep their connections open; the test database must be droppable.
    _sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )


def job_rows(task: str = "notification_mail") -> list[tuple]:
    rows = _sql(
        "SELECT id, status, attempts, args::text FROM procrastinate_jobs WHERE task_name = %s "
        "ORDER BY id",
        task,
    )
    return [(pk, status, attempts, json.loads(args)) for pk, status, attempts, args in rows]


def in_own_thread(function):
    """Run `function` in a thread of its own: after the browser tests, Playwright's event loop
    still runs in this thread, where Procrastinate's worker cannot start its own."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(function).result()


def run_worker() -> None:
    """One worker in this process until the queue is caught up (Procrastinate's wait=False),
    on the worker's own connector, as `manage.py procrastinate worker` runs it."""

    def work():
        with app.replace_connector(app.connector.get_worker_connector()):
            app.run_worker(
                wait=False, install_signal_handlers=False, listen_notify=False, queues=["mail"]
            )

    in_own_thread(work)


def retries_due_now() -> None:
    """Time passes: the retries scheduled for later are due (the backoff is hours long)."""
    _sql("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """A working SMTP server (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        self.messages: list = []
        self.port = _free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((tuple(envelope.rcpt_tos), envelope.content.decode()))
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(to for tos, _content in self.messages for to in tos)


@pytest.fixture
def smtp():
    inbox = Inbox()
    inbox.controller.start()
    yield inbox
    inbox.controller.stop()


@pytest.fixture
def silent_smtp():
    """A server that accepts connections and never says a word (the probe's hanging server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


@pytest.fixture
def mail_server(settings):
    """Mail goes over SMTP to 127.0.0.1:<port>, with a short timeout."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 1

    def point_to(port: int) -> None:
        settings.EMAIL_PORT = port

    point_to(_free_port())  # nothing listens there: connection refused
    return point_to


@pytest.fixture
def people(network, facilitator, officer, agency_admin):
    builders.submittable_network(network)
    return network


def timed(call):
    start = time.perf_counter()
    response = call()
    return response, time.perf_counter() - start


# --- the outbox -----------------------------------------------------------------------------


def test_a_rolled_back_write_leaves_no_job_and_a_committed_one_leaves_one_per_mail(
    people, facilitator, officer, agency_admin
):
    network = people
    with pytest.raises(RuntimeError), transaction.atomic():
        lifecycle_services.application_submit(network=network, actor=facilitator)
        assert len(job_rows()) == 2  # deferred inside the transaction…
        raise RuntimeError("the request fails after the service")
    assert job_rows() == []  # …and gone with it
    assert not Notification.objects.exists()
    assert Application.objects.get(network=network).status == "draft"

    lifecycle_services.application_submit(network=network, actor=facilitator)
    rows = job_rows()
    assert [(status, attempts) for _id, status, attempts, _args in rows] == [("todo", 0)] * 2
    told = Notification.objects.filter(network=network)
    assert sorted(n.recipient_id for n in told) == sorted([officer.pk, agency_admin.pk])
    assert sorted(args["notification_id"] for *_rest, args in rows) == sorted(n.pk for n in told)


def test_a_worker_delivers_each_mail_once(people, facilitator, officer, agency_admin, smtp,
                                          mail_server):  # fmt: skip
    mail_server(smtp.port)
    lifecycle_services.application_submit(network=people, actor=facilitator)
    run_worker()
    assert smtp.recipients() == sorted([officer.email, agency_admin.email])
    assert all("/networks/" in content for _to, content in smtp.messages)  # the direct link
    assert {row[1] for row in job_rows()} == {"succeeded"}
    assert set(Notification.objects.values_list("mail", flat=True)) == {"sent"}
    run_worker()  # nothing left: nothing sent twice
    assert len(smtp.messages) == 2


# --- the mail outage ------------------------------------------------------------------------


def test_mail_outage_requests_answer_at_once_and_every_mail_goes_once_when_back(
    client, people, facilitator, officer, agency_admin, smtp, silent_smtp, mail_server
):
    network = people
    figures = []
    # 1. The SMTP port is closed.
    client.force_login(facilitator)
    response, seconds = timed(
        lambda: client.post(reverse("networks:application-submit", args=[network.pk]))
    )
    figures.append(("submit, SMTP refused", response.status_code, seconds))
    assert response.status_code == 302 and seconds < FAST
    assert Application.objects.get(network=network).status == "submitted"
    run_worker()  # each mail fails and is scheduled again
    assert [(status, attempts) for _id, status, attempts, _a in job_rows()] == [("todo", 1)] * 2
    errors = set(Notification.objects.values_list("mail", "mail_attempts"))
    assert errors == {("pending", 1)}
    assert "refused" in Notification.objects.first().mail_error.lower()

    # 2. A server that accepts the connection and never answers.
    mail_server(silent_smtp)
    client.force_login(officer)
    response, seconds = timed(
        lambda: client.post(
            reverse("networks:application-decide", args=[network.pk]),
            {"decision": "return", "reason": "Add the medium-term goal's baseline."},
        )
    )
    figures.append(("decide, SMTP silent", response.status_code, seconds))
    assert response.status_code == 302 and seconds < FAST
    assert Application.objects.get(network=network).status == "returned"
    client.logout()
    times = {facilitator.email: [], "nobody@example.org": []}
    for _round in range(5):  # alternately, so that neither gets the warm-up
        for address, spent in times.items():
            response, seconds = timed(
                lambda: client.post(reverse("password_reset"), {"email": address})  # noqa: B023
            )
            assert response.status_code == 302 and seconds < FAST
            assert response.headers["Location"] == reverse("password_reset_done")
            spent.append(seconds)
    for address, spent in times.items():
        figures.append((f"password reset {address} (median of 5)", 302, sorted(spent)[2]))
    _sql(
        "DELETE FROM procrastinate_jobs WHERE task_name = 'password_reset_mail' AND id NOT IN "
        "(SELECT min(id) FROM procrastinate_jobs WHERE task_name = 'password_reset_mail' "
        "GROUP BY args::text)"
    )  # one request per address is enough for what follows
    started = time.perf_counter()
    retries_due_now()
    run_worker()  # every try waits EMAIL_TIMEOUT, then fails and is scheduled again
    assert time.perf_counter() - started >= 1
    assert {row[1] for row in job_rows()} == {"todo"}
    assert "timed out" in Notification.objects.filter(mail="pending").first().mail_error

    # 3. The server is back: every mail goes, once.
    mail_server(smtp.port)
    retries_due_now()
    run_worker()
    expected = sorted([officer.email, agency_admin.email, facilitator.email, facilitator.email])
    assert smtp.recipients() == expected  # submitted ×2, decided, the password reset
    assert {row[1] for row in job_rows()} == {"succeeded"}
    assert {row[1] for row in job_rows("password_reset_mail")} == {"succeeded"}
    retries_due_now()
    run_worker()
    assert len(smtp.messages) == 4
    for name, status, seconds in figures:
        print(f"OUTAGE {name}: {status} in {seconds * 1000:.0f} ms")
    print(f"OUTAGE delivered after recovery: {len(smtp.messages)} mails, each once")


def test_a_mail_that_fails_every_try_ends_failed_with_its_error(
    client, people, facilitator, officer, agency_admin, mail_server
):
    lifecycle_services.application_submit(network=people, actor=facilitator)
    runs = 0
    while any(status == "todo" for _id, status, _a, _args in job_rows()):
        retries_due_now()
        run_worker()
        runs += 1
        assert runs <= MAIL_ATTEMPTS
    assert runs == MAIL_ATTEMPTS
    assert [(s, a) for _id, s, a, _args in job_rows()] == [("failed", MAIL_ATTEMPTS)] * 2
    failed = Notification.objects.get(recipient=officer)
    assert (failed.mail, failed.mail_attempts) == ("failed", MAIL_ATTEMPTS)
    assert "refused" in failed.mail_error.lower()
    # Operators: the jobs in the Django admin (Procrastinate's own pages), failed ones listed.
    root = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(root)
    page = client.get("/admin/procrastinate/procrastinatejob/?status=failed")
    assert page.status_code == 200 and "notification_mail" in page.content.decode()
    # Agency admins: who was not told, and why.
    client.force_login(agency_admin)
    page = client.get(reverse("networks:failed-mail-list"))
    html = page.content.decode()
    assert page.status_code == 200 and officer.email in html and "refused" in html.lower()
    assert page.context["page"].paginator.count == 2


# --- periodic work on several workers --------------------------------------------------------


def test_two_workers_running_the_reminders_at_once_tell_each_person_once(
    network, officer, facilitator
):
    builders.consolidating_network(network, officer)
    network.refresh_from_db()
    firm_user = factories.FirmMemberFactory(firm=network.memberships.first().firm)
    day = network.handover_due
    Notification.objects.all().delete()
    _sql("TRUNCATE procrastinate_jobs CASCADE")
    barrier, counts = threading.Barrier(2), []

    def worker():
        from django.db import connection as own

        barrier.wait()
        counts.append(reminder_services.reminders_send(today=day))
        own.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 1]
    assert ReminderSent.objects.count() == 1
    told = sorted(Notification.objects.values_list("recipient_id", flat=True))
    assert told == sorted([officer.pk, facilitator.pk, firm_user.pk])
    assert len(job_rows()) == 3  # one mail job each, from the one run that sent it


def test_two_workers_defer_the_hourly_reminders_once_and_run_them_once(
    network, officer, facilitator
):
    builders.term_network(network, officer, months=36)  # the handover is due next month
    Notification.objects.all().delete()
    _sql("TRUNCATE procrastinate_jobs CASCADE")
    registry = app.periodic_registry
    [hourly] = [p for p in registry.periodic_tasks.values() if p.task.name == "send_reminders"]
    tick = int(time.time()) // 3600 * 3600 + 5 * 60  # this hour's schedule

    async def two_workers():
        async with app.open_async():
            # Each worker has its own periodic deferrer; both see the same tick.
            await asyncio.gather(
                *(PeriodicDeferrer(registry).defer_jobs([(hourly, tick)]) for _ in range(2))
            )
            deferred = await app.job_manager.list_jobs_async(task="send_reminders")
            assert len(list(deferred)) == 1
            await asyncio.gather(
                *(
                    app.run_worker_async(
                        wait=False,
                        listen_notify=False,
                        install_signal_handlers=False,
                        queues=["periodic"],
                        name=f"worker-{n}",
                    )  # fmt: skip
                    for n in range(2)
                )
            )

    def work():
        with app.replace_connector(app.connector.get_worker_connector()):
            asyncio.run(two_workers())

    in_own_thread(work)
    assert [row[1] for row in job_rows("send_reminders")] == ["succeeded"]
    assert ReminderSent.objects.filter(network=network).count() == 1
    told = list(Notification.objects.values_list("recipient_id", flat=True))
    assert sorted(told) == sorted({*told}) and officer.pk in told and facilitator.pk in told
    assert len(job_rows()) == len(told)  # one mail job each


# --- the command operators run ----------------------------------------------------------------


def test_the_worker_command_delivers_the_mail(people, facilitator, smtp):
    lifecycle_services.application_submit(network=people, actor=facilitator)
    db = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "SECRET_KEY": "tests-only-secret-key",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot",
         "--no-listen-notify", "--queues", "mail"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(smtp.messages) == 2
    assert {row[1] for row in job_rows()} == {"succeeded"}
