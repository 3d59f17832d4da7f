"""Time of the import of a 10,000-row file: reading, the preview, the write, and a second run.

    scripts/with-postgres .venv/bin/python bench/import_10k.py [--rows 10000]

Generates a CSV of `--rows` new firms (valid RUTs), half of them joining one of five networks,
on the database in DATABASE_URL (migrating it first; earlier bench firms are removed), then
times `parse_file`, `plan_import` (the preview) and `import_apply` as an agency officer, and
the same file again (every row unchanged).
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "profo.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from networks.files import imports  # noqa: E402
from networks.lib.taxid import rut_check_digit  # noqa: E402
from networks.models import Agency, Firm, Membership, Network, Programme, User  # noqa: E402
from networks.services.imports import import_apply  # noqa: E402
from networks.services.programmes import programme_create  # noqa: E402

PREFIX = "Bench import firm"


def setup() -> tuple[User, list[Network]]:
    agency, _ = Agency.objects.get_or_create(name="Bench import agency")
    programme = Programme.objects.filter(
        agency=agency, name="Bench import programme"
    ).first() or programme_create(agency=agency, name="Bench import programme")
    officer, _ = User.objects.get_or_create(
        username="bench-officer", defaults={"role": User.Role.AGENCY_STAFF, "agency": agency}
    )
    facilitator, _ = User.objects.get_or_create(
        username="bench-import-facilitator",
        defaults={"role": User.Role.FACILITATOR, "agency": agency},
    )
    networks = [
        Network.objects.get_or_create(
            name=f"Bench import network {i}", programme=programme,
            defaults={"facilitator": facilitator, "region": "Maule", "sector": "Wood"},
        )[0]
        for i in range(5)
    ]  # fmt: skip
    old = Firm.objects.filter(name__startswith=PREFIX)
    Membership.objects.filter(firm__in=old).delete()
    old.delete()
    return officer, networks


def csv_file(rows: int, networks: list[Network]) -> bytes:
    out = io.StringIO()
    out.write("name,tax_id,sector,region,commune,employees,email,phone,network,joined_on\n")
    for i in range(rows):
        number = 50_000_000 + i
        tax_id = f"{number:,}".replace(",", ".") + f"-{rut_check_digit(number)}"
        network = networks[i % len(networks)].pk if i % 2 == 0 else ""
        joined = "2025-03-01" if network else ""
        out.write(
            f"{PREFIX} {i},{tax_id},Wood,Maule,Talca,{i % 90},firm{i}@example.org,"
            f"+56 9 {i:08},{network},{joined}\n"
        )
    return out.getvalue().encode("utf-8")


def timed(label: str, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label:<28} {time.perf_counter() - start:6.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    officer, networks = setup()
    content = csv_file(args.rows, networks)
    print(f"database: {connection.vendor}; file: {args.rows:,} rows, {len(content) / 1e6:.1f} MB")
    for run in ("first run", "second run"):
        print(f"-- {run}")
        total = time.perf_counter()
        parsed = timed("read the file", imports.parse_file, content, "firms.csv")
        plan = timed("preview (plan)", imports.plan_import, actor=officer, rows=parsed.rows)
        print(f"{'':<28} {plan.counts}")
        result = timed("confirm (plan + write)", import_apply, actor=officer, rows=parsed.rows)
        print(f"{'':<28} {result}")
        print(f"{'upload to done':<28} {time.perf_counter() - total:6.2f} s")
    today = datetime.date.today().isoformat()
    print(f"firms now: {Firm.objects.filter(name__startswith=PREFIX).count():,} ({today})")


if __name__ == "__main__":
    main()
