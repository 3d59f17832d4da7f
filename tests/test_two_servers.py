"""Two gunicorn app servers on one PostgreSQL: nothing that matters lives in a server's memory.

A session started on one server continues on the other, a file uploaded through one downloads
through the other, and two handover confirmations sent to the two servers at the same moment
give one result. The servers run the test database (the test is transactional, so what it
writes is committed and visible to them) and are stopped however the test ends.
"""

import contextlib
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import Attachment, Handover, Network, PhaseTransition
from networks.services import activities as activity_services
from networks.services import term
from tests import builders, factories
from tests.builders import activity_type

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET_KEY = "two-servers-test-key-" + "x" * 40
PASSWORD = "two-servers-Passw0rd!"
START_TIMEOUT = 30  # seconds for a server to answer /healthz
REQUEST_TIMEOUT = 15

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url_now() -> str:
    """The URL of the database the test is using now (test_<name>), for another process."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{credentials}@" if credentials else ""
    return f"postgres://{host}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env(**overrides) -> dict:
    """The environment of a production-like server on the test database."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URLS"}
    env.update(
        DATABASE_URL=database_url_now(),
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        STATIC_MANIFEST="0",
        CACHE_BACKEND="db",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="1",
        GUNICORN_GRACEFUL_TIMEOUT="5",
        # No connection kept between requests: nothing left open when the test database goes.
        CONN_MAX_AGE="0",
    )
    env.update(overrides)
    return env


class AppServer:
    """One app server process (gunicorn's master and its workers) in its own process group."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{self.port}"},
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_healthy(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"{self.url} did not become healthy:\n{self.output()}")

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """Stop the master and its workers: politely first, then for sure."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        # Workers left behind by a master that died are in the same group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self._log_file.close()


@contextlib.contextmanager
def app_servers(
    count: int,
    env: dict,
    log_dir: Path,
    command: list[str] | None = None,
    timeout: float = START_TIMEOUT,
):
    """Start `count` servers, wait until each answers /healthz, and stop them all at the end."""
    command = command or [str(GUNICORN), "--config", "gunicorn.conf.py"]
    servers = []
    try:
        for number in range(count):
            servers.append(AppServer(command, env, log_dir / f"server{number + 1}.log"))
        for server in servers:
            server.wait_until_healthy(timeout)
        yield servers
    finally:
        for server in servers:
            server.stop()


def png_bytes() -> bytes:
    """A valid 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x99\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def token_for(user) -> dict:
    return {"Authorization": f"Token {factories.api_token(user)}"}


@pytest.fixture
def world(network, officer, tmp_path):
    """A network whose handover is due (term started 37 months ago) and a shared media folder."""
    assert connection.vendor == "postgresql"
    start = add_months(timezone.localdate(), -37)
    builders.consolidating_network(network, officer, start=start)
    facilitator = network.facilitator
    facilitator.first_name, facilitator.last_name = "Valentina", "Rojas"
    # The servers use the production hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    facilitator.password = hasher.encode(PASSWORD, hasher.salt())
    facilitator.save(update_fields=["first_name", "last_name", "password"])
    # Throttling counts live in the shared database cache.
    call_command("createcachetable", "profo_cache")
    media = tmp_path / "shared-media"
    media.mkdir()
    return {"network": network, "officer": officer, "facilitator": facilitator, "media": media}


def test_two_app_servers_share_sessions_files_and_one_handover(world, tmp_path):
    began = time.monotonic()
    network, facilitator = world["network"], world["facilitator"]
    env = server_env(MEDIA_ROOT=str(world["media"]))
    with app_servers(2, env, tmp_path) as (one, two):
        # (a) Log in through server 1, carry on through server 2 with the same cookies.
        browser = requests.Session()
        login = browser.get(f"{one.url}/accounts/login/", timeout=REQUEST_TIMEOUT)
        assert login.status_code == 200
        answer = browser.post(
            f"{one.url}/accounts/login/",
            data={
                "username": facilitator.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        assert answer.status_code == 302, one.output()
        other_browser = requests.Session()
        other_browser.cookies.update(browser.cookies)
        home = other_browser.get(f"{two.url}/", timeout=REQUEST_TIMEOUT)
        assert home.status_code == 200
        assert "/accounts/login/" not in home.url
        assert "Valentina Rojas" in home.text

        # (b) Upload through server 1, download the same bytes through server 2.
        activity = activity_services.activity_log(
            network=network, actor=facilitator, type=activity_type(network),
            title="Visit to the Talca workshop", date=timezone.localdate(),
            attendees=[m.firm for m in network.memberships.all()[:3]],
        )  # fmt: skip
        api = token_for(facilitator)
        image = png_bytes()
        uploaded = requests.post(
            f"{one.url}/api/v1/activities/{activity.pk}/attachments/",
            headers=api,
            files={"file": ("pixel.png", image, "image/png")},
            timeout=REQUEST_TIMEOUT,
        )
        assert uploaded.status_code == 201, uploaded.text
        attachment = Attachment.objects.get(pk=uploaded.json()["id"])
        assert (world["media"] / attachment.file.name).read_bytes() == image
        downloaded = requests.get(
            f"{two.url}/api/v1/attachments/{attachment.pk}/download/",
            headers=api,
            timeout=REQUEST_TIMEOUT,
        )
        assert downloaded.status_code == 200
        assert downloaded.content == image

        # (c) Two officers confirm the proposed handover at the same moment, one per server.
        firms = [m.firm for m in network.memberships.filter(left_on__isnull=True)]
        share = Decimal(100) / len(firms)
        term.handover_propose(
            network=network, actor=facilitator, date=network.handover_due,
            manager=facilitator, monthly_salary=Decimal("1100000"),
            commitments=dict.fromkeys(firms, share),
        )  # fmt: skip
        second_officer = factories.AgencyStaffFactory(agency=world["officer"].agency)
        headers = [token_for(world["officer"]), token_for(second_officer)]
        barrier = threading.Barrier(2)
        answers = [None, None]

        def confirm(index: int, server: AppServer) -> None:
            barrier.wait(timeout=10)
            response = requests.post(
                f"{server.url}/api/v1/networks/{network.pk}/handover/confirm/",
                headers=headers[index],
                timeout=REQUEST_TIMEOUT,
            )
            answers[index] = (response.status_code, response.json())

        threads = [threading.Thread(target=confirm, args=(i, s)) for i, s in enumerate([one, two])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 10)
        statuses = sorted(answer[0] for answer in answers if answer)
        assert statuses == [200, 409], f"{answers}\n{one.output()}\n{two.output()}"
        refused = next(body for status, body in answers if status == 409)
        assert refused["detail"] == str(term.HANDOVER_ALREADY_CONFIRMED)

        # The API's throttling counts went to the one cache both servers share.
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM profo_cache")
            keys = [row[0] for row in cursor.fetchall()]
        assert any("throttle_user" in key for key in keys), keys

    assert Handover.objects.filter(network=network, status="confirmed").count() == 1
    transitions = PhaseTransition.objects.filter(network=network, to_phase="independence")
    assert transitions.count() == 1
    network.refresh_from_db()
    assert network.phase == Network.Phase.INDEPENDENCE
    assert time.monotonic() - began < 60
