"""A small, realistic demo world. Safe to run again: it finds what exists and adds what is missing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from networks.seed import demo

DEFAULT_PASSWORD = "profo-demo-2026"


class Command(BaseCommand):
    help = "Create the demo agencies, users, firms and networks (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="Password for every demo user (default: %(default)s).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off (for example on a staging server).",
        )

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a known password; it refuses to run with DEBUG "
                "off. Pass --force if you really mean it."
            )
        if settings.TASKS_INLINE:
            # The quick start runs each job in this process: the demo's backdated history (a
            # hundred-odd notifications) fills the inboxes without printing its mails here.
            settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        with transaction.atomic():
            summary = demo.build(password=password)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for line in summary:
            self.stdout.write(line)
