"""Sends each handover reminder that is due, once. The workers run it every hour (the periodic
job `send_reminders`, networks/tasks.py); this command is for a manual run."""

from django.core.management.base import BaseCommand

from networks.services.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the handover reminders that are due (each is sent once)."

    def handle(self, *args, **options):
        count = reminders_send()
        self.stdout.write(f"{count} reminder(s) sent.")
