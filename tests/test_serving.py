"""`make serve`'s pieces: the refusals, collectstatic with hashed and compressed files served
by WhiteNoise under gunicorn, and the settings that keep app servers stateless."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.test_two_servers import REQUEST_TIMEOUT, app_servers, server_env

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "scripts" / "serve"
BOOTSTRAP = "vendor/bootstrap/bootstrap.min.css"


def run_serve(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}
    }
    clean.update(VENV_BIN=str(Path(sys.executable).parent), STATIC_ROOT=str(tmp_path), **env)
    return subprocess.run(
        [str(SERVE)], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def settings_value(expression: str, **env) -> subprocess.CompletedProcess:
    """Evaluate `expression` on freshly imported settings in another process."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CACHE_", "STORAGE_"))}
    clean.update(env)
    code = f"import json, sys; from profo import settings as s; print(json.dumps({expression}))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "env, message",
    [
        ({"SECRET_KEY": "k" * 50}, "DATABASE_URL is not set"),
        (
            {"SECRET_KEY": "k" * 50, "DATABASE_URL": "sqlite:///served.sqlite3"},
            "DATABASE_URL is a sqlite database. Production uses PostgreSQL",
        ),
        ({"DATABASE_URL": "postgres://u:p@127.0.0.1:9/profo"}, "SECRET_KEY is not set"),
    ],
    ids=["no-database-url", "sqlite", "no-secret-key"],
)
def test_serve_refuses_without_postgresql_or_secret_key(tmp_path, env, message):
    result = run_serve(tmp_path, **env)
    assert result.returncode != 0
    assert "Refusing to serve PROFO" in result.stderr
    assert message in result.stderr
    # Refused before anything ran: no migration, no collected file, no SQLite file made.
    assert "Operations to perform" not in result.stdout
    assert not list(tmp_path.iterdir())
    assert not (ROOT / "served.sqlite3").exists()


def test_gunicorn_configuration_itself_refuses_sqlite(tmp_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {**os.environ, "DATABASE_URL": "sqlite:///x.sqlite3", "SECRET_KEY": "k" * 50}
    result = subprocess.run(
        [str(gunicorn), "--config", "gunicorn.conf.py", "--check-config"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Production uses PostgreSQL" in result.stderr


# --- make serve, for real -------------------------------------------------------------------


# Transactional, so that whatever the server's `migrate` adds is cleared after the test.
@pytest.mark.django_db(transaction=True)
def test_serve_migrates_collects_and_serves_hashed_compressed_static_files(tmp_path):
    static_root = tmp_path / "static"
    env = server_env(VENV_BIN=str(Path(sys.executable).parent), STATIC_ROOT=str(static_root))
    env.pop("STATIC_MANIFEST")
    env.pop("CACHE_BACKEND")  # scripts/serve chooses the shared database cache itself
    with app_servers(1, env, tmp_path, command=[str(SERVE)], timeout=90) as (server,):
        manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
        hashed = manifest[BOOTSTRAP]
        assert re.fullmatch(r"vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css", hashed)
        assert any((static_root / f"{hashed}.{ext}").exists() for ext in ("gz", "br"))

        served = requests.get(
            f"{server.url}/static/{hashed}",
            headers={"Accept-Encoding": "gzip"},
            timeout=REQUEST_TIMEOUT,
        )
        assert served.status_code == 200
        assert served.headers["Content-Encoding"] == "gzip"
        assert "immutable" in served.headers["Cache-Control"]
        assert served.text == (static_root / hashed).read_text()

        # Pages link the hashed name; DEBUG is off, so a missing page is a plain 404.
        login = requests.get(f"{server.url}/accounts/login/", timeout=REQUEST_TIMEOUT)
        assert f"/static/{hashed}" in login.text
        missing = requests.get(f"{server.url}/no-such-page/", timeout=REQUEST_TIMEOUT)
        assert missing.status_code == 404
        assert "Traceback" not in missing.text and "DEBUG" not in missing.text
        assert "/accounts/login/" in server.output()  # the access log goes to stdout

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('profo_cache') IS NOT NULL")
        assert cursor.fetchone()[0], "createcachetable did not run"


# --- the settings that make app servers stateless --------------------------------------------


def test_cache_is_per_process_unless_a_shared_one_is_chosen():
    backend = "s.CACHES['default']['BACKEND']"
    assert (
        settings_value(backend).stdout.strip() == '"django.core.cache.backends.locmem.LocMemCache"'
    )
    shared = settings_value(
        f"[{backend}, s.CACHES['default']['LOCATION']]", CACHE_BACKEND="db"
    )  # fmt: skip
    assert json.loads(shared.stdout) == [
        "django.core.cache.backends.db.DatabaseCache",
        "profo_cache",
    ]


@pytest.mark.parametrize(
    "env, message",
    [
        ({"CACHE_BACKEND": "memcached"}, "CACHE_BACKEND must be 'locmem', 'db' or 'redis'"),
        ({"CACHE_BACKEND": "redis"}, "CACHE_BACKEND=redis needs CACHE_URL"),
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be 'filesystem' or 's3'"),
    ],
)
def test_unusable_cache_or_storage_choices_are_refused_clearly(env, message):
    result = settings_value("1", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_uploads_go_to_media_root_by_default(tmp_path):
    result = settings_value(
        "[s.STORAGES['default']['BACKEND'], str(s.MEDIA_ROOT)]", MEDIA_ROOT=str(tmp_path)
    )
    assert json.loads(result.stdout) == [
        "django.core.files.storage.FileSystemStorage",
        str(tmp_path),
    ]


def test_s3_storage_is_chosen_by_environment_and_imported_only_when_used():
    result = settings_value(
        "[s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']['bucket_name'],"
        " 'storages' in sys.modules, 'boto3' in sys.modules]",
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="profo-uploads",
    )
    assert json.loads(result.stdout) == [
        "storages.backends.s3.S3Storage",
        "profo-uploads",
        False,
        False,
    ]
