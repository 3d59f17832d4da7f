"""The background jobs, run by Procrastinate workers (`manage.py procrastinate worker`).

Services defer the mail jobs by name (services.jobs.defer) in their own transaction. The
periodic ones are deferred by the workers themselves: Procrastinate writes one row per task and
scheduled time under a unique constraint, so a schedule fires once however many workers run
(on any number of machines); the work itself is idempotent too (ReminderSent, DigestSent,
EventNotified, one MonthlyCharge per month), so a manual run beside it changes nothing.

Schedules are in UTC (cron strings). Each task is thin: it calls a service.
"""

import functools
import logging

from django.conf import settings
from django.core.management import call_command
from procrastinate import RetryStrategy, builtin_tasks
from procrastinate.contrib.django import app

from networks.models import Agency
from networks.rules import MAIL_ATTEMPTS, MAIL_RETRY_EXPONENT
from networks.selectors.dashboard import homes as dashboard_homes
from networks.services import confirmations as confirmation_services
from networks.services import idempotency as idempotency_services
from networks.services import notifications as notification_services
from networks.services import reminders as reminder_services
from networks.services import term as term_services

log = logging.getLogger(__name__)

# 16 retries after the first try, 2, 4, 8… 65,536 s apart: about 36 hours in all.
MAIL_RETRY = RetryStrategy(max_attempts=MAIL_ATTEMPTS - 1, exponential_wait=MAIL_RETRY_EXPONENT)


@app.task(name="notification_mail", queue="mail", retry=MAIL_RETRY)
def notification_mail(*, notification_id: int) -> None:
    notification_services.notification_mail_send(notification_id=notification_id)


@app.task(name="digest_mail", queue="mail", retry=MAIL_RETRY)
def digest_mail(*, user_id: int) -> None:
    notification_services.digest_mail_send(user_id=user_id)


@app.task(name="password_reset_mail", queue="mail", retry=MAIL_RETRY)
def password_reset_mail(*, email: str) -> None:
    notification_services.password_reset_mail_send(email=email)


@app.task(name="invitation_mail", queue="mail", retry=MAIL_RETRY)
def invitation_mail(*, invitation_id: int) -> None:
    notification_services.invitation_mail_send(invitation_id=invitation_id)


# --- periodic -------------------------------------------------------------------------------
# `timestamp` is the scheduled time Procrastinate passes to a periodic task. A queueing lock
# keeps at most one waiting job of each (a worker down for a day does not pile them up).


@app.periodic(cron="5 * * * *")
@app.task(name="send_reminders", queue="periodic", queueing_lock="send_reminders")
def send_reminders(timestamp: int) -> None:
    count = reminder_services.reminders_send()
    log.info("%s handover reminder(s) sent", count)


@app.periodic(cron="15 3 * * *")
@app.task(name="generate_dues", queue="periodic", queueing_lock="generate_dues")
def generate_dues(timestamp: int) -> None:
    count = term_services.dues_catch_up_all()
    log.info("%s month(s) charged", count)


@app.periodic(cron="45 3 * * *")
@app.task(name="check_arrears", queue="periodic", queueing_lock="check_arrears")
def check_arrears(timestamp: int) -> None:
    count = term_services.arrears_check()
    log.info("%s firm(s) newly in arrears", count)


@app.periodic(cron="50 3 * * *")
@app.task(name="check_risk", queue="periodic", queueing_lock="check_risk")
def check_risk(timestamp: int) -> None:
    """The networks at risk as each agency's home shows them (selectors.dashboard: a job, like
    a page, is an entry point that reads the dashboards), told once when they become so."""
    count = 0
    for agency in Agency.objects.order_by("pk"):
        reader = notification_services.agency_reviewers(agency.pk).order_by("pk").first()
        if reader is None:
            continue
        dashboard = dashboard_homes.agency_dashboard(user=reader)
        at_risk = {
            item.network: functools.partial(_reasons_text, item.facts) for item in dashboard.at_risk
        }
        count += notification_services.networks_at_risk(agency_id=agency.pk, at_risk=at_risk)
    log.info("%s network(s) newly at risk", count)


def _reasons_text(facts) -> str:
    # Read again under each recipient's language: the reasons are made in the active one.
    return "; ".join(str(reason.text) for reason in facts.risk_reasons)


@app.periodic(cron="0 11 * * *")
@app.task(name="send_digests", queue="periodic", queueing_lock="send_digests")
def send_digests(timestamp: int) -> None:
    count = notification_services.digests_queue()
    log.info("%s digest(s) queued", count)


@app.periodic(cron="10 12 * * *")
@app.task(name="send_answer_reminders", queue="periodic", queueing_lock="send_answer_reminders")
def send_answer_reminders(timestamp: int) -> None:
    count = confirmation_services.answer_reminders_send()
    log.info("%s people reminded of an answer their firm owes", count)


@app.periodic(cron="20 4 * * *")
@app.task(name="purge_idempotency_keys", queue="periodic", queueing_lock="purge_keys")
def purge_idempotency_keys(timestamp: int) -> None:
    count = idempotency_services.idempotency_keys_purge()
    log.info("%s idempotency key(s) deleted", count)


@app.periodic(cron="25 4 * * *")
@app.task(name="clear_sessions", queue="periodic", queueing_lock="clear_sessions")
def clear_sessions(timestamp: int) -> None:
    # Sessions live in the database; Django's own command removes the expired ones.
    call_command("clearsessions")


@app.periodic(cron="35 4 * * 0")
@app.task(name="axes_reset_logs", queue="periodic", queueing_lock="axes_reset_logs")
def axes_reset_logs(timestamp: int) -> None:
    # django-axes' log of logins, kept as long as the lock-outs look back (AXES_KNOWN_ADDRESS_DAYS).
    call_command("axes_reset_logs", age=settings.AXES_KNOWN_ADDRESS_DAYS)


@app.periodic(cron="*/10 * * * *")
@app.task(name="retry_stalled_jobs", queue="periodic", queueing_lock="retry_stalled_jobs",
          pass_context=True)  # fmt: skip
async def retry_stalled_jobs(context, timestamp: int) -> None:
    """A job whose worker died (a machine lost, a kill -9) stays "doing"; once that worker's
    heartbeat is older than a few minutes, put the job back in the queue (Procrastinate's
    documented recipe). The mail jobs are safe to run again: a sent mail is marked."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=300):
        await manager.retry_job(job)


# Procrastinate's own cleanup: finished jobs (not failed ones) older than JOBS_KEEP_HOURS.
app.periodic(
    cron="30 4 * * *",
    periodic_id="remove_old_jobs",
    queueing_lock="remove_old_jobs",
    task_kwargs={"max_hours": settings.JOBS_KEEP_HOURS},
)(builtin_tasks.remove_old_jobs)
