"""Charges every running network's months so far. The workers run it every day (the periodic
job `generate_dues`, networks/tasks.py); this command is for a manual run (idempotent)."""

from django.core.management.base import BaseCommand

from networks.services.term import dues_catch_up_all


class Command(BaseCommand):
    help = "Create the monthly dues of every network in its term (idempotent)."

    def handle(self, *args, **options):
        total = dues_catch_up_all()
        self.stdout.write(f"{total} month(s) charged.")
