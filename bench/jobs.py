"""The task queue's throughput (issue 15): notification mails sent by real workers.

    make bench-jobs                                   # a throwaway PostgreSQL
    scripts/with-postgres .venv/bin/python bench/jobs.py [--mails 1000] [--workers 1]

Not a test: it prints figures. On the PostgreSQL in DATABASE_URL (emptied of this script's own
rows first), it migrates, makes `--mails` users of one agency, and tells each of them one thing
through `notify()` (one Notification row and one mail job each, as a service does); then it runs
`--workers` workers (`manage.py procrastinate worker --one-shot`, each a process of its own, as
in production) until the queue is empty, with Django's locmem e-mail backend (no SMTP: the
figure is the queue's and the app's work per mail, not a mail server's). It prints the time to
defer, the time the workers took, jobs per second, and checks that every job succeeded and
every notification is marked sent, exactly once.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "profo.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.setdefault("PROCRASTINATE_LOG_LEVEL", "WARNING")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/jobs.py needs DATABASE_URL=postgres://… (scripts/with-postgres gives one)")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from networks.models import Agency, Kind, Notification, User
    from networks.services import notifications as notification_services

    agency, _ = Agency.objects.get_or_create(name="Bench agency")
    Notification.objects.filter(recipient__agency=agency).delete()
    User.objects.filter(agency=agency).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE task_name = 'notification_mail'")
    users = User.objects.bulk_create(
        User(username=f"bench-{n}", email=f"bench-{n}@example.org", role="agency_staff",
             agency=agency, language="es" if n % 2 else "en")
        for n in range(args.mails)
    )  # fmt: skip

    start = time.perf_counter()
    with transaction.atomic():
        for user in users:  # one notify() per event, as the services call it
            notification_services.notify(
                kind=Kind.APPLICATION_SUBMITTED, recipients=[user], url="/approvals/",
                params={"network": "Bench network", "actor": "Bench"},
            )  # fmt: skip
    deferred = time.perf_counter() - start

    command = [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot",
               "--no-listen-notify", "--queues", "mail"]  # fmt: skip
    start = time.perf_counter()
    workers = [subprocess.Popen(command, cwd=ROOT) for _ in range(args.workers)]
    for worker in workers:
        worker.wait()
    worked = time.perf_counter() - start

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, count(*) FROM procrastinate_jobs "
            "WHERE task_name = 'notification_mail' GROUP BY status"
        )
        statuses = dict(cursor.fetchall())
    sent = Notification.objects.filter(recipient__agency=agency, mail="sent").count()
    print("| mails | workers | defer (in one transaction) | workers' time | jobs/s | jobs |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.mails} | {args.workers} | {deferred:.2f} s ({args.mails / deferred:.0f}/s) "
        f"| {worked:.2f} s | {args.mails / worked:.0f} | {statuses} |"
    )
    print(f"notifications marked sent: {sent} of {args.mails}")
    if statuses != {"succeeded": args.mails} or sent != args.mails:
        sys.exit("some job did not succeed")


if __name__ == "__main__":
    main()
