"""The settings refuse to start without a secret key when DEBUG is off."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import profo.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_missing_secret_key_with_debug_off_fails_clearly():
    result = _import_settings(DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_secret_key_given_with_debug_off_starts():
    result = _import_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_debug_on_allows_development_key():
    result = _import_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_database_url_selects_postgresql_and_default_is_sqlite():
    code = "from profo import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="1")
    sqlite = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert sqlite.stdout.strip() == "django.db.backends.sqlite3"
    env["DATABASE_URL"] = "postgres://u:p@127.0.0.1:5432/profo"
    pg = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert pg.stdout.strip() == "django.db.backends.postgresql"


def test_time_zone_and_languages(settings):
    assert settings.USE_TZ is True
    assert os.environ.get("TIME_ZONE", "America/Santiago") == settings.TIME_ZONE
    assert [code for code, _ in settings.LANGUAGES] == ["en", "es"]
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE


def test_token_lifetime_lock_out_limits_and_proxies_come_from_the_environment():
    code = (
        "from profo import settings as s; print(s.REST_KNOX['TOKEN_TTL'].days, s.PROXY_COUNT,"
        " s.REST_FRAMEWORK['NUM_PROXIES'], s.AXES_FAILURE_LIMIT, s.AXES_ADDRESS_FAILURE_LIMIT)"
    )
    names = {"API_TOKEN_DAYS", "PROXY_COUNT", "AXES_FAILURE_LIMIT", "AXES_ADDRESS_FAILURE_LIMIT"}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(DEBUG="1")

    def read(**values):
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env={**env, **values},
            capture_output=True, text=True,
        )  # fmt: skip
        return result.stdout.split()

    assert read() == ["30", "0", "0", "5", "50"]
    assert read(
        API_TOKEN_DAYS="7", PROXY_COUNT="2", AXES_FAILURE_LIMIT="3", AXES_ADDRESS_FAILURE_LIMIT="20"
    ) == ["7", "2", "2", "3", "20"]
