"""Memory and time of the activity CSV export over 100,000 activities (not a test).

    scripts/with-postgres .venv/bin/python bench/export_memory.py [--rows 100000] [--xlsx]

Creates (or reuses) a network in consolidation with 20 member firms and `--rows` activities,
three attendees each, on the database in DATABASE_URL (migrating it first); then downloads
/exports/activities.csv through Django's test Client as the network's facilitator, reading the
streamed body chunk by chunk, and reports the time, tracemalloc's peak (Python allocations
during the download) and the process's peak resident size before and after.
"""

import argparse
import datetime
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "profo.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from networks.lib.taxid import rut_check_digit  # noqa: E402
from networks.models import (  # noqa: E402
    Activity,
    ActivityType,
    Agency,
    Attendance,
    Firm,
    Membership,
    Network,
    Programme,
    User,
)
from networks.services.programmes import programme_create  # noqa: E402

NAME = "Bench export network"
BATCH = 5000


def maxrss_mb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(rows: int) -> tuple[User, Network]:
    agency, _ = Agency.objects.get_or_create(name="Bench agency")
    programme = Programme.objects.filter(
        agency=agency, name="Bench programme"
    ).first() or programme_create(agency=agency, name="Bench programme")
    facilitator, _ = User.objects.get_or_create(
        username="bench-facilitator", defaults={"role": User.Role.FACILITATOR, "agency": agency}
    )
    network, created = Network.objects.get_or_create(
        name=NAME,
        programme=programme,
        defaults={
            "facilitator": facilitator, "region": "Maule", "sector": "Wood",
            "phase": Network.Phase.CONSOLIDATION,
        },
    )  # fmt: skip
    if created or not network.memberships.exists():
        firms = Firm.objects.bulk_create(
            Firm(
                name=f"Bench firm {i:02}",
                tax_id=f"{60_000_000 + i}-{rut_check_digit(60_000_000 + i)}",
            )  # fmt: skip
            for i in range(20)
        )
        Membership.objects.bulk_create(
            Membership(network=network, firm=f, joined_on=datetime.date(2024, 1, 1)) for f in firms
        )
    firm_ids = list(network.memberships.values_list("firm_id", flat=True))
    have = Activity.objects.filter(network=network).count()
    kind = ActivityType.objects.get(programme=programme, slug="group_workshop")
    start = time.perf_counter()
    day = datetime.date(2020, 1, 1)
    while have < rows:
        size = min(BATCH, rows - have)
        batch = Activity.objects.bulk_create(
            Activity(
                network=network, type=kind, title=f"Workshop {have + i}",
                date=day + datetime.timedelta(days=(have + i) % 2000), place="Talca",
                created_by=facilitator, description="A bench row with some words in it.",
            )
            for i in range(size)
        )  # fmt: skip
        Attendance.objects.bulk_create(
            Attendance(activity=a, firm_id=firm_ids[(a.pk + k) % len(firm_ids)])
            for a in batch
            for k in range(3)
        )
        have += size
    if time.perf_counter() - start > 1:
        print(f"created rows up to {rows:,} in {time.perf_counter() - start:.1f} s")
    return facilitator, network


def download(client: Client, path: str) -> tuple[int, int]:
    response = client.get(path, secure=True)  # production settings redirect plain HTTP
    assert response.status_code == 200, response.status_code
    size = chunks = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        chunks += 1
    response.close()
    return size, chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="also measure the XLSX export")
    parser.add_argument(
        "--scale", action="store_true",
        help="export every activity of the seed_scale agency North as scale.officer instead",
    )  # fmt: skip
    args = parser.parse_args()

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    if args.scale:
        user = User.objects.get(username="scale.officer")
        query = ""
        count = Activity.objects.filter(network__programme__agency=user.agency).count()
        print(f"database: {connection.vendor}; activities of {user.agency}: {count:,}")
    else:
        user, network = setup(args.rows)
        query = f"?network={network.pk}"
        count = Activity.objects.filter(network=network).count()
        print(f"database: {connection.vendor}; activities in the network: {count:,}")

    client = Client()
    client.force_login(user)
    formats = ["csv", "xlsx"] if args.xlsx else ["csv"]
    for fmt in formats:
        path = f"/exports/activities.{fmt}{query}"
        rss_before = maxrss_mb()
        start = time.perf_counter()
        size, chunks = download(client, path)
        elapsed = time.perf_counter() - start
        rss_after = maxrss_mb()

        tracemalloc.start()
        download(client, path)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        print(
            f"{fmt}: {size / 1e6:.1f} MB in {chunks:,} chunks, {elapsed:.1f} s "
            f"({count / elapsed:,.0f} rows/s); tracemalloc peak {peak / 1e6:.1f} MB; "
            f"ru_maxrss {rss_before:.0f} MB before, {rss_after:.0f} MB after"
        )


if __name__ == "__main__":
    main()
