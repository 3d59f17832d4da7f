"""A database outage under load: 503s during it, service again soon after, no write lost.

This test starts its own throwaway PostgreSQL and a gunicorn server on loopback, sends a steady,
bounded loop of reads and writes, stops PostgreSQL for 10 seconds and starts it again.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTAGE_SECONDS = 10
RECOVERY_LIMIT = 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    for candidate in [
        os.environ.get("PG_TEST_BIN", ""),
        *sorted(Path("/usr/lib/postgresql").glob("*/bin")),
    ]:  # noqa: E501
        if candidate and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


class Postgres:
    """A PostgreSQL server of our own, run as the `postgres` user when we are root."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix="profo-outage-"))
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")

    def _run(self, *args):
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in command)]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def init(self):
        self._run("initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def start(self):
        options = f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl",
            "-D",
            f"{self.dir}/data",
            "-l",
            f"{self.dir}/log",
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self):
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop")

    def remove(self):
        with contextlib.suppress(Exception):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


def _request(url, data=None, token=None, timeout=5):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return None, b""


SETUP = """
import datetime, decimal
from networks.models import ApiToken, Network, User
from tests import builders, factories
officer = factories.AgencyStaffFactory(username="outage-officer")
network = factories.NetworkFactory(programme__agency=officer.agency)
builders.consolidating_network(network, officer, start=datetime.date(2025, 1, 1))
token = ApiToken.objects.create(user=network.facilitator)[1]
firm = network.memberships.first().firm
print(network.pk, firm.pk, token)
"""


@pytest.mark.skipif(_pg_bin() is None, reason="PostgreSQL server binaries are not installed")
def test_database_outage_under_load(tmp_path):
    pg = Postgres(_pg_bin())
    server = None
    try:
        pg.init()
        pg.start()
        env = {
            **os.environ, "DATABASE_URL": pg.url, "DEBUG": "0", "SECRET_KEY": "outage-test-" * 5,
            "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
            "STATIC_MANIFEST": "0", "CONN_MAX_AGE": "60", "API_USER_RATE": "100000/hour",
            "MEDIA_ROOT": str(tmp_path), "PYTHONPATH": str(ROOT),
        }  # fmt: skip
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT, timeout=300)
        out = subprocess.run([*manage, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT,
                             capture_output=True, text=True, timeout=120).stdout  # fmt: skip
        network_id, firm_id, token = out.strip().splitlines()[-1].split()
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "profo.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "2", "--threads", "2", "--timeout", "20"],
            env={**env, "GUNICORN_CMD_ARGS": ""}, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while _request(f"{base}/healthz")[0] != 200:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)

        log, stop_loop = [], threading.Event()
        payments_url = f"{base}/api/v1/networks/{network_id}/payments/"

        def load():
            n = 0
            # Bounded: at most 90 seconds, whatever happens.
            until = time.monotonic() + 90
            while not stop_loop.is_set() and time.monotonic() < until:
                n += 1
                status, body = _request(f"{base}/healthz")
                log.append((time.monotonic(), "health", status, body))
                status, body = _request(payments_url, token=token, data={
                    "firm": int(firm_id), "date": "2025-02-01", "amount": "1000",
                    "reference": f"load-{n}"})  # fmt: skip
                log.append((time.monotonic(), "write", status, body))
                time.sleep(0.05)

        worker = threading.Thread(target=load)
        worker.start()
        time.sleep(4)
        pg.stop()
        down_at = time.monotonic()  # the server is down once pg_ctl -w returns
        time.sleep(OUTAGE_SECONDS)
        starting_at = time.monotonic()
        pg.start()
        up_at = time.monotonic()
        time.sleep(RECOVERY_LIMIT + 4)
        stop_loop.set()
        worker.join(timeout=30)

        # Answers logged while the database was down (a request sent just before the stop may
        # finish just after it, hence the short grace period).
        during = [entry for entry in log if down_at + 1 < entry[0] < starting_at]
        assert during, "no requests were made during the outage"
        assert {status for _t, _k, status, _b in during} <= {503, None}
        assert all(b"Traceback" not in body for _t, _k, _s, body in log)
        assert not [entry for entry in log if entry[2] == 500]
        healthy_again = [t for t, kind, status, _b in log if kind == "health" and status == 200
                         and t > up_at]  # fmt: skip
        assert healthy_again and healthy_again[0] - up_at <= RECOVERY_LIMIT
        writes_after = [
            s for t, kind, s, _b in log if kind == "write" and t > up_at + RECOVERY_LIMIT
        ]
        assert writes_after and all(s == 201 for s in writes_after)

        confirmed = {json.loads(body)["reference"] for _t, kind, status, body in log
                     if kind == "write" and status == 201}  # fmt: skip
        with psycopg2.connect(pg.url) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT reference FROM networks_payment WHERE reference LIKE 'load-%%'")
            stored = {row[0] for row in cursor.fetchall()}
        assert confirmed and confirmed <= stored  # every write answered with success is there
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        pg.remove()
