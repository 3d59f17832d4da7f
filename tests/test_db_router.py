"""Read replicas: only what asks for one reads from it, and never the read after a write."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from networks.models import Activity, ApiToken, Network, UserSession
from profo import db_router
from profo.db_router import ReplicaRouter, ReplicaRouterMiddleware, request_scope, use_replica
from tests.factories import api_token

ROOT = Path(__file__).resolve().parent.parent
router = ReplicaRouter()


@pytest.fixture
def one_replica(settings):
    settings.DATABASE_REPLICAS = ["replica1"]


@pytest.fixture(scope="module")
def replica1(django_db_setup, django_db_blocker):
    """A second connection alias to the same test database, as a mirror of `default`.

    Module-scoped so that it exists before pytest-django validates the test's `databases`.
    """
    primary = connections["default"].settings_dict
    connections.settings["replica1"] = {
        **copy.deepcopy(primary),
        "TEST": {**primary["TEST"], "MIRROR": "default"},
    }
    yield "replica1"
    with django_db_blocker.unblock():
        connections["replica1"].close()
    del connections.settings["replica1"]
    if hasattr(connections._connections, "replica1"):
        delattr(connections._connections, "replica1")


# --- the router's answers -------------------------------------------------------------------


def test_reads_go_to_the_primary_unless_a_replica_is_asked_for(one_replica):
    with request_scope():
        assert router.db_for_read(Network) == "default"
        with use_replica():
            assert router.db_for_read(Network) == "replica1"
            assert router.db_for_read(Activity) == "replica1"
        assert router.db_for_read(Network) == "default"


def test_use_replica_is_a_no_op_without_replicas(settings):
    settings.DATABASE_REPLICAS = []
    with request_scope(), use_replica():
        assert router.db_for_read(Network) == "default"


def test_after_a_write_reads_stay_on_the_primary_until_the_next_request(one_replica):
    with request_scope():
        assert router.db_for_write(Network) == "default"
        with use_replica():
            assert router.db_for_read(Network) == "default"
    with request_scope(), use_replica():
        assert router.db_for_read(Network) == "replica1"


def test_raw_writes_can_be_noted(one_replica):
    with request_scope(), use_replica():
        db_router.note_write()
        assert router.db_for_read(Network) == "default"


def _cache_table_model():
    # The database cache's table is a stand-in model of a "django_cache" app.
    return BaseDatabaseCache("profo_cache", {}).cache_model_class


@pytest.mark.parametrize(
    "model",
    [get_user_model(), UserSession, ApiToken, _cache_table_model()],
    ids=["user", "session", "token", "cache"],
)
def test_authentication_and_cache_tables_never_come_from_a_replica(one_replica, model):
    with request_scope(), use_replica():
        assert router.db_for_read(model) == "default"


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(one_replica):
    with request_scope(), use_replica(), transaction.atomic():
        assert router.db_for_read(Network) == "default"


def test_migrations_only_on_the_primary_and_relations_across_copies(one_replica):
    assert router.allow_migrate("default", "networks") is True
    assert router.allow_migrate("replica1", "networks") is False
    a, b, elsewhere = Network(), Network(), Network()
    a._state.db, b._state.db, elsewhere._state.db = "default", "replica1", "archive"
    assert router.allow_relation(a, b) is True
    assert router.allow_relation(a, elsewhere) is None


def test_use_replica_works_as_a_decorator(one_replica):
    @use_replica()
    def report():
        return router.db_for_read(Network)

    with request_scope():
        assert report() == "replica1"


def test_middleware_gives_each_request_a_clean_slate(one_replica, settings):
    assert settings.MIDDLEWARE[0] == "profo.db_router.ReplicaRouterMiddleware"
    seen = []

    def view(request):
        with use_replica():
            seen.append(router.db_for_read(Network))
            if request.method == "POST":
                router.db_for_write(Network)
            seen.append(router.db_for_read(Network))
        return None

    middleware = ReplicaRouterMiddleware(view)
    db_router.note_write()  # a write left over from an earlier request on this thread
    middleware(RequestFactory().post("/"))
    middleware(RequestFactory().get("/"))
    assert seen == ["replica1", "default", "replica1", "replica1"]


# --- for real, on a second connection ---------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=["default", "replica1"])
def test_queries_go_where_the_router_says(replica1, one_replica, network):
    primary, replica = connections["default"], connections[replica1]
    with request_scope():
        with (
            CaptureQueriesContext(primary) as on_primary,
            CaptureQueriesContext(replica) as on_replica,
            use_replica(),
        ):
            names = list(Network.objects.values_list("name", flat=True))
            loaded = Network.objects.get(pk=network.pk)
        assert names == [network.name]
        assert len(on_replica) == 2
        assert len(on_primary) == 0
        assert loaded._state.db == "replica1"

        # Saving an object read from a replica writes to the primary, and what follows reads
        # the primary too, even inside use_replica().
        loaded.name = "Renamed network"
        with (
            CaptureQueriesContext(primary) as on_primary,
            CaptureQueriesContext(replica) as on_replica,
        ):
            loaded.save(update_fields=["name"])
            with use_replica():
                assert Network.objects.get(pk=network.pk).name == "Renamed network"
        assert len(on_replica) == 0
        statements = [query["sql"].split()[0] for query in on_primary.captured_queries]
        # The update, its audit-history row, then the read.
        assert statements == ["UPDATE", "INSERT", "SELECT"]
    replica.close()


@pytest.mark.django_db(transaction=True, databases=["default", "replica1"])
@pytest.mark.parametrize(
    "url, api",
    [
        ("/reports/portfolio/", False),
        ("/api/v1/reports/portfolio/", True),
        ("/exports/activities.csv", False),
        ("/exports/activities.xlsx", False),
        ("/api/v1/exports/activities/?format=csv", True),
    ],
)
def test_reports_and_exports_read_their_rows_from_a_replica(
    client, replica1, one_replica, officer, network, url, api
):
    """The domain's rows of a report or an export come from the replica; the login, the
    session and the token stay on the primary (the router keeps those tables there)."""
    from tests.builders import activity, members

    activity(network, *members(network, 3), title="Read from the copy")
    if api:
        headers = {"Authorization": f"Token {api_token(officer)}"}
    else:
        client.force_login(officer)
        headers = {}
    primary, replica = connections["default"], connections[replica1]
    with (
        CaptureQueriesContext(primary) as on_primary,
        CaptureQueriesContext(replica) as on_replica,
    ):
        response = client.get(url, headers=headers)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, body[:500]
    domain = [q["sql"] for q in on_replica.captured_queries if '"networks_' in q["sql"]]
    assert domain, "no domain read went to the replica"
    on_primary_domain = [
        q["sql"] for q in on_primary.captured_queries
        if '"networks_activity"' in q["sql"] or '"networks_evaluation"' in q["sql"]
    ]  # fmt: skip
    assert not on_primary_domain, on_primary_domain
    replica.close()


# --- the settings -------------------------------------------------------------------------------


def test_replica_urls_become_mirrored_aliases():
    code = (
        "from profo import settings as s; "
        "print(s.DATABASE_REPLICAS); "
        "print(s.DATABASES['replica2']['HOST'], s.DATABASES['replica2']['TEST']); "
        "print(s.DATABASE_ROUTERS)"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://u:p@primary:5432/profo",
        "DATABASE_REPLICA_URLS": "postgres://u:p@copy-a:5432/profo, postgres://u:p@copy-b:5432/profo",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['replica1', 'replica2']",
        "copy-b {'MIRROR': 'default'}",
        "['profo.db_router.ReplicaRouter']",
    ]


def test_a_streamed_export_after_a_write_reads_the_primary(one_replica):
    """The stream runs after the request's scope has ended; it carries the request's write."""
    from networks.files.exports import _on_replica

    def where():
        yield router.db_for_read(Network)

    with request_scope():
        clean = _on_replica(where())
    with request_scope():
        db_router.note_write()
        after_write = _on_replica(where())
    assert list(clean) == ["replica1"]
    assert list(after_write) == ["default"]
