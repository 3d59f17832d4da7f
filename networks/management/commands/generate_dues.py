"""Run monthly from cron (see the README): charges every running network's months so far."""

from django.core.management.base import BaseCommand

from networks.models import Network
from networks.services.term import dues_catch_up


class Command(BaseCommand):
    help = "Create the monthly dues of every network in its term (idempotent)."

    def handle(self, *args, **options):
        total = 0
        running = Network.objects.filter(
            phase__in=[Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE],
            term_start__isnull=False,
        )
        for network in running.select_related("programme"):
            total += dues_catch_up(network=network)
        self.stdout.write(f"{total} month(s) charged.")
