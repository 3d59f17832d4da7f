"""Hardening: login throttling, health, the admin, headers, friendly error pages."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=ip)  # fmt: skip


def test_failed_logins_lock_out_with_a_clear_message(client, officer, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "officer", "wrong").status_code == 200
    assert login(client, "officer", "wrong").status_code == 429  # the limit is reached
    response = login(client, "officer", PASSWORD)  # even the right password now
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert b"15 minutes" in response.content


# Who a lock-out stops (the pair, the address, behind proxies): tests/test_lockout.py.


def test_lock_out_expires(client, officer, settings):
    from django.utils import timezone

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "officer", "wrong")
    later = timezone.now() + timezone.timedelta(minutes=16)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("axes.attempts.now", return_value=later),
        mock.patch("axes.handlers.proxy.now", return_value=later),
    ):
        assert login(client, "officer", PASSWORD).status_code == 302


def test_password_validators_minimum_length_10(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short-pw1")
    validate_password("a-long-enough-passphrase")


def test_healthz_ok_and_503_without_database(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    with mock.patch("profo.health.connection.cursor", side_effect=Exception("down")):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"unavailable\n")


def test_admin_is_for_operators_only(client, agency_admin, officer):
    operator = factories.UserFactory(username="operator", is_staff=True, is_superuser=True)
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200
    for person in (agency_admin, officer):
        person.is_staff = True  # even staff flag set by mistake
        person.save()
        client.force_login(person)
        assert client.get("/admin/").status_code == 302


def test_security_headers(client, officer):
    client.force_login(officer)
    response = client.get(reverse("networks:agency-home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@override_settings(DEBUG=False)
@pytest.mark.parametrize("language, text", [("en", b"Page not found"), ("es", None)])
def test_friendly_404_in_both_languages(client, officer, language, text):
    client.force_login(officer)
    client.cookies["django_language"] = language
    response = client.get("/networks/999999/")
    assert response.status_code == 404
    assert b"Traceback" not in response.content
    if text:
        assert text in response.content
    assert f'lang="{language}"'.encode() in response.content


def test_500_page_shows_no_stack_trace(client, officer, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    client.force_login(officer)
    with mock.patch("networks.selectors.lifecycle.network_list", side_effect=RuntimeError("x")):
        response = client.get(reverse("networks:agency-home"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"RuntimeError" not in response.content


def test_check_deploy_is_clean_with_production_settings():
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests only; production never has it.
    test_only = {"SECURE_SSL_REDIRECT", "SECURE_COOKIES", "STATIC_MANIFEST",
                 "DJANGO_ALLOW_ASYNC_UNSAFE"}  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(
        DEBUG="0", SECRET_KEY="k" * 60 + "-production-like", ALLOWED_HOSTS="profo.example.org"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_api_is_throttled_per_user_with_retry_after(officer, settings):
    from rest_framework.settings import api_settings
    from rest_framework.test import APIClient
    from rest_framework.throttling import UserRateThrottle

    api = APIClient()
    api.force_authenticate(officer)
    with mock.patch.object(UserRateThrottle, "THROTTLE_RATES",
                           {**api_settings.DEFAULT_THROTTLE_RATES, "user": "3/minute"}):  # fmt: skip
        codes = [api.get("/api/v1/me/").status_code for _ in range(4)]
        response = api.get("/api/v1/me/")
        other = APIClient()
        other.force_authenticate(factories.AgencyStaffFactory(agency=officer.agency))
        other_code = other.get("/api/v1/me/").status_code
    assert codes == [200, 200, 200, 429]
    assert int(response["Retry-After"]) > 0
    assert other_code == 200  # the limit is per user


def test_database_outage_is_503_not_500(client, officer, settings):
    from django.db import OperationalError

    settings.DEBUG = False
    client.raise_request_exception = False
    client.force_login(officer)
    with mock.patch("networks.selectors.lifecycle.network_list",
                    side_effect=OperationalError("server closed the connection")):  # fmt: skip
        page = client.get(reverse("networks:agency-home"))
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert b"Temporarily unavailable" in page.content and b"OperationalError" not in page.content
    from rest_framework.test import APIClient

    api = APIClient()
    api.raise_request_exception = False
    api.force_authenticate(officer)
    with mock.patch("networks.access.visible_networks",
                    side_effect=OperationalError("down")):  # fmt: skip
        response = api.get("/api/v1/me/")
    assert response.status_code == 503
    assert "temporarily unavailable" in response.json()["detail"]
