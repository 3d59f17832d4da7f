"""A large, realistic data set for performance work: a thousand networks, three years of history.

    python manage.py seed_scale [--networks 1000] [--firms 25000] [--months 36] ...

Every user's password is "profo-scale-2026"; see docs/performance.md for the logins.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from networks.seed.scale import build as scale_build
from networks.seed.scale import data as scale_data
from networks.seed.scale import plan as scale_plan
from networks.seed.scale import write as scale_write

SIZE_OUT_OF_BOUNDS = "--firms must be between 10 and 30 per network ({low:,} to {high:,})."


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def not_negative(value: str) -> float:
    number = float(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Build the scale data set (two 'SERCOTEC Scale' agencies, their networks, firms and "
        "three years of history) with bulk inserts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--networks", type=positive, default=1000, help="default: 1000")
        parser.add_argument(
            "--firms", type=positive, help="member firms in all (default: 25 per network)"
        )
        parser.add_argument(
            "--months", type=positive, default=36, help="months of history (default: 36)"
        )
        parser.add_argument(
            "--activities-per-month",
            type=not_negative,
            default=25 / 3,
            help="activities per network and month of history, on average (default: 8.33)",
        )
        parser.add_argument(
            "--joint-actions",
            type=int,
            help="joint actions in all (default: 100 per network)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default: 2026)")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the scale agencies and everything under them first",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even when DEBUG is off (for example on a staging server)",
        )

    def handle(self, *args, **o):
        if not settings.DEBUG and not o["force"]:
            raise CommandError(
                "seed_scale creates users with a known password; it refuses to run with DEBUG "
                "off. Pass --force if you really mean it."
            )
        networks = o["networks"]
        firms = o["firms"] or 25 * networks
        if not 10 * networks <= firms <= 30 * networks:
            raise CommandError(SIZE_OUT_OF_BOUNDS.format(low=10 * networks, high=30 * networks))
        joint_actions = 100 * networks if o["joint_actions"] is None else o["joint_actions"]
        if joint_actions < 0:
            raise CommandError("--joint-actions cannot be negative.")
        options = scale_plan.Options(
            networks=networks, firms=firms, months=o["months"],
            activities_per_month=o["activities_per_month"], joint_actions=joint_actions,
            seed=o["seed"],
        )  # fmt: skip
        started = time.monotonic()
        log = self.stdout.write
        log(f"seed_scale on {connection.vendor}: {networks:,} networks, {firms:,} firms")
        try:
            # One transaction: a failure or Ctrl-C leaves the database as it was.
            with transaction.atomic():
                if o["reset"]:
                    scale_write.reset(log)
                counts = scale_build.build(options, log)
        except scale_build.ScaleDataExists as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"seed_scale failed, nothing was written: {exc}") from exc
        log(f"committed ({time.monotonic() - started:.1f} s)")
        self._analyze(counts)
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(
            f"Scale data ready: {total:,} rows in {time.monotonic() - started:.1f} s."
        ))  # fmt: skip
        for table, count in sorted(counts.items(), key=lambda item: -item[1]):
            log(f"  {table:<24} {count:>12,}")
        log(f'Logins (password "{scale_data.PASSWORD}"): scale.officer (agency staff, North), '
            "scale.facilitator (15 networks), scale.firm (member firm).")  # fmt: skip

    def _analyze(self, counts) -> None:
        """Fresh planner statistics, so the first pages after a load are not planned blind."""
        if connection.vendor != "postgresql":
            return
        started = time.monotonic()
        from django.apps import apps

        tables = [apps.get_model("networks", name)._meta.db_table for name in counts]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        self.stdout.write(f"analyze: {len(tables)} tables ({time.monotonic() - started:.1f} s)")
