"""Run from cron (see the README): sends each handover reminder once."""

from django.core.management.base import BaseCommand

from networks.services.reminders import reminders_send


class Command(BaseCommand):
    help = "E-mail the handover reminders that are due (each is sent once)."

    def handle(self, *args, **options):
        count = reminders_send()
        self.stdout.write(f"{count} reminder(s) sent.")
