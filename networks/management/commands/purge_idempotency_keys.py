"""Forget the duplicate-write keys older than a day. The workers run it daily (the periodic job
`purge_idempotency_keys`, networks/tasks.py); this command is for a manual run."""

from django.core.management.base import BaseCommand

from networks.services.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = "Delete the Idempotency-Key and form-token rows older than IDEMPOTENCY_KEY_HOURS."

    def handle(self, *args, **options):
        count = idempotency_keys_purge()
        if options["verbosity"]:
            self.stdout.write(f"{count} key(s) deleted.")
