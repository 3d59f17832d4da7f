"""The benchmark of issue 9 (`make bench`): server time and queries per page on the scale data.

    make bench                       # the persistent .bench PostgreSQL; builds the data once
    scripts/bench-postgres .venv/bin/python bench/run.py [--repeat 20] [--skip-load] ...

Not a test: it prints figures and never fails on a time. What it does, on the PostgreSQL in
DATABASE_URL, with DEBUG off and the production cache (the database), as `make serve` runs:

1. migrates, and builds the scale data with `seed_scale --force` when it is missing;
2. requests every page of the list below `--repeat` times through Django's WSGI handler (the
   test Client, in this process: the time is the server's, without a network), after one
   request to warm it, and prints the median, p95 and slowest time and the query count;
3. times the bare SQL behind the agency home (bench/agency_sql.py) and prints the page's ratio
   to it;
4. runs `wrk` against gunicorn (two workers per core, as gunicorn.conf.py) on loopback for a
   network page and for /healthz, and prints requests per second and their ratio;
5. prints the index each hot read uses, from EXPLAIN ANALYZE (bench/explain.py);
6. runs bench/export_memory.py and bench/import_10k.py in their own processes, for the peak
   memory of the full activity export and the time of a 10,000-row import.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# As in production (scripts/serve): DEBUG off, the cache shared in the database. No TLS proxy
# in front of the test client, so no redirect to https.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "profo.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "CACHE_BACKEND": "db",
    "LOG_LEVEL": "WARNING",
    "API_USER_RATE": "1000000/hour",
    # Hashed, compressed static files as in production, collected for the run only.
    "STATIC_MANIFEST": "1",
    "STATIC_ROOT": tempfile.mkdtemp(prefix="profo-bench-static-"),
}
os.environ.update({key: os.environ.get(key, value) for key, value in BENCH_ENV.items()})

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import agency_sql, explain  # noqa: E402
from networks.models import Activity, Agency, ApiToken, Membership, Network, User  # noqa: E402
from networks.seed.scale.data import AGENCIES  # noqa: E402

TARGET_MS = 200
MAX_QUERIES = 20


def ensure_data() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    # The first request of each page below is then a cold one, whatever an earlier run left.
    cache.clear()
    if not Agency.objects.filter(name__in=AGENCIES).exists():
        print("No scale data yet: building it with seed_scale (several minutes, once).")
        call_command("seed_scale", force=True)


def subjects() -> dict:
    """The people and objects the pages are asked about."""
    officer = User.objects.get(username="scale.officer")
    facilitator = User.objects.get(username="scale.facilitator")
    # The facilitator's running network with the most activities: the heaviest page of the kind.
    network = (
        Network.objects.filter(facilitator=facilitator, phase=Network.Phase.CONSOLIDATION)
        .annotate(n=django.db.models.Count("activities"))
        .order_by("-n", "pk")
        .first()
    )
    firm_id = (
        Membership.objects.filter(network=network, left_on__isnull=True)
        .order_by("firm__tax_id")
        .values_list("firm_id", flat=True)
        .first()
    )
    return {
        "officer": officer,
        "facilitator": facilitator,
        "firm": User.objects.get(username="scale.firm"),
        "network": network,
        "firm_id": firm_id,
        "activities": Activity.objects.filter(network=network).count(),
        "agency_networks": Network.objects.filter(programme__agency=officer.agency).count(),
        "agency_activities": Activity.objects.filter(
            network__programme__agency=officer.agency
        ).count(),
    }


def pages(s: dict) -> list[tuple[str, str, str, bool]]:
    """(label, who, URL, through the API with a token)."""
    n = s["network"].pk
    return [
        (f"agency home ({s['agency_networks']} networks)", "officer",
         reverse("networks:agency-home"), False),
        ("facilitator home (15 networks)", "facilitator",
         reverse("networks:facilitator-home"), False),
        ("firm home", "firm", reverse("networks:firm-home"), False),
        ("network overview", "facilitator", reverse("networks:network-detail", args=[n]), False),
        ("network: members tab", "facilitator", reverse("networks:network-firms", args=[n]), False),
        ("network: money tab", "facilitator", reverse("networks:network-money", args=[n]), False),
        ("network: progress tab", "facilitator", reverse("networks:network-progress", args=[n]),
         False),
        ("network: history tab", "facilitator", reverse("networks:network-timeline", args=[n]),
         False),
        (f"activity list ({s['activities']} activities)", "facilitator",
         reverse("networks:activity-list", args=[n]), False),
        ("participation", "facilitator", reverse("networks:network-participation", args=[n]),
         False),
        ("collaboration graph", "facilitator", reverse("networks:network-graph", args=[n]),
         False),
        ("ledger", "facilitator", reverse("networks:network-ledger", args=[n]), False),
        ("a firm's ledger", "facilitator",
         reverse("networks:firm-ledger", args=[n, s["firm_id"]]), False),
        ("portfolio report", "officer", reverse("networks:report-portfolio"), False),
        ("API networks list", "officer", reverse("api:network-list"), True),
        ("API firms list", "officer", reverse("api:firm-list"), True),
        ("API activities list", "facilitator",
         reverse("api:network-activity-list", args=[n]), True),
        ("API joint actions list", "facilitator",
         reverse("api:joint-action-list", args=[n]), True),
        ("API dashboard", "officer", reverse("api:dashboard"), True),
        ("API portfolio report", "officer", reverse("api:report-portfolio"), True),
        (f"CSV export, all activities ({s['agency_activities']:,})", "officer",
         reverse("networks:export", args=["activities", "csv"]), False),
    ]  # fmt: skip


def request_once(client: Client, url: str, headers: dict) -> tuple[float, int, int, int]:
    """Seconds, queries, status and bytes of one request, its streamed body read to the end."""
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        size = (
            sum(len(chunk) for chunk in response) if response.streaming else len(response.content)
        )
        elapsed = time.perf_counter() - start
    return elapsed, len(queries), response.status_code, size


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def bench_pages(s: dict, repeat: int) -> dict[str, tuple[float, float]]:
    clients, tokens = {}, {}
    for who in ("officer", "facilitator", "firm"):
        clients[who] = Client()
        clients[who].force_login(s[who])
        tokens[who] = ApiToken.objects.create(user=s[who])[1]
    print(f"\n## Pages: {repeat} requests each after one to warm up, server time in ms\n")
    print("| page | median | p95 | slowest | first (cold) | queries | status | bytes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    medians = {}
    for label, who, url, api in pages(s):
        client = Client() if api else clients[who]
        headers = {"Authorization": f"Token {tokens[who]}"} if api else {}
        first, *_ = request_once(client, url, headers)
        times, counts = [], set()
        for _ in range(repeat):
            elapsed, queries, status, size = request_once(client, url, headers)
            times.append(elapsed * 1000)
            counts.add(queries)
        median = statistics.median(times)
        medians[label] = (median, first * 1000)
        flag = " ⚠" if median > TARGET_MS or max(counts) > MAX_QUERIES else ""
        print(
            f"| {label}{flag} | {median:.1f} | {p95(times):.1f} | {max(times):.1f} | "
            f"{first * 1000:.0f} | {'/'.join(map(str, sorted(counts)))} | {status} | {size:,} |"
        )
    return medians


def bench_agency_sql(s: dict, repeat: int, page: tuple[float, float]) -> None:
    """The page against its floor, warm (its aggregates in the cache, as most readings find
    them) and cold (the first reading after they expire, which computes them)."""
    page_median, page_cold = page
    agency = s["officer"].agency
    today = timezone.localdate()
    agency_sql.run(connection, agency.pk, today)  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        agency_sql.run(connection, agency.pk, today)
        times.append((time.perf_counter() - start) * 1000)
    floor = statistics.median(times)
    print("\n## The agency home against its bare SQL\n")
    print(f"- bare SQL (bench/agency_sql.py, {len(agency_sql.QUERIES)} queries): "
          f"median {floor:.1f} ms, p95 {p95(times):.1f} ms")  # fmt: skip
    print(f"- the page: median {page_median:.1f} ms; cold (first request) {page_cold:.0f} ms")
    print(
        f"- ratio page / bare SQL: **{page_median / floor:.2f}** warm, "
        f"**{page_cold / floor:.2f}** cold (target: at most 3)"
    )


def bench_indexes(s: dict) -> None:
    print("\n## Index use (EXPLAIN ANALYZE), one network and one firm\n")
    print("| read | index used | ms |")
    print("|---|---|---:|")
    for what, indexes, ms in explain.report(s["network"], s["firm_id"]):
        print(f"| {what} | {indexes} | {ms:.2f} |")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, headers: list[str], seconds: int, connections: int) -> float:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    non_2xx = [line for line in out.splitlines() if "Non-2xx" in line]
    if non_2xx:
        print(f"  WARNING {url}: {non_2xx[0].strip()}")
    latency = next((line.split()[1] for line in out.splitlines() if "50%" in line), "?")
    rps = float(next(line.split()[1] for line in out.splitlines() if "Requests/sec" in line))
    print(f"- {url}: {rps:,.1f} requests/s, median latency {latency}")
    return rps


def bench_load(s: dict, seconds: int, connections: int) -> None:
    print(f"\n## Throughput: wrk, {seconds} s, {connections} connections, against gunicorn\n")
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk); skipped.")
        return
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session.update(
        {
            "_auth_user_id": str(s["facilitator"].pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": s["facilitator"].get_session_auth_hash(),
        }
    )
    session.create()
    port = free_port()
    env = {**os.environ, "BIND": f"127.0.0.1:{port}"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        page = reverse("networks:network-detail", args=[s["network"].pk])
        cookie = [f"Cookie: sessionid={session.session_key}"]
        wrk(base + page, cookie, 5, connections)  # warm every worker (its first requests load)
        network = wrk(base + page, cookie, seconds, connections)
        health = wrk(base + "/healthz", [], seconds, connections)
        workers = env.get("WEB_CONCURRENCY", "2 × cores + 1")
        print(f"- gunicorn workers: {workers}")
        print(f"- ratio network page / healthz: **{network / health:.0%}** (target: at least 30%)")
    finally:
        server.terminate()
        server.wait(timeout=30)
        session.delete()


def run_script(title: str, args: list[str]) -> None:
    print(f"\n## {title}\n")
    env = {**os.environ, "DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    print(result.stdout.strip() or result.stderr.strip()[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (20)")
    parser.add_argument("--load-seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-scripts", action="store_true", help="no export or import")
    options = parser.parse_args()

    ensure_data()
    s = subjects()
    print("# PROFO benchmark")
    print(f"\n{time.strftime('%Y-%m-%d %H:%M %Z')} · {os.cpu_count()} cores · "
          f"PostgreSQL {connection.pg_version // 10000} · load average "
          f"{os.getloadavg()[0]:.2f} · network #{s['network'].pk} "
          f"({s['activities']} activities)")  # fmt: skip
    medians = bench_pages(s, options.repeat)
    agency = next(label for label in medians if label.startswith("agency home"))
    bench_agency_sql(s, options.repeat, medians[agency])
    bench_indexes(s)
    if not options.skip_load:
        bench_load(s, options.load_seconds, options.connections)
    shutil.rmtree(os.environ["STATIC_ROOT"], ignore_errors=True)
    if not options.skip_scripts:
        run_script(
            "Export of every activity of the agency, memory (own process)",
            ["bench/export_memory.py", "--scale"],
        )
        run_script("Import of 10,000 rows (own process)", ["bench/import_10k.py"])


if __name__ == "__main__":
    main()
