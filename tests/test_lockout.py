"""Lock-outs hit the attacker, not the office (issue 13).

Failed logins lock the pair (username, address) after AXES_FAILURE_LIMIT tries; an address as a
whole is stopped only after AXES_ADDRESS_FAILURE_LIMIT failures, and even then not for the people
who have logged in from it before. The login page and the token endpoint count alike. Behind
PROXY_COUNT proxies the address is the client's, read from X-Forwarded-For as the proxies wrote
it, not what the client put there.
"""

from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "198.51.100.20"  # one address for everyone in the office (NAT)
HOME = "203.0.113.5"
PROXY = "10.0.0.2"


def login(username, password, ip=OFFICE, client=None, **extra):
    client = client or Client()
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def token(username, password, ip=OFFICE, **extra):
    return APIClient().post(
        reverse("api:token"),
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
        **extra,
    )


@pytest.fixture
def colleague(officer):
    return factories.AgencyStaffFactory(username="colleague", agency=officer.agency)


def test_a_strangers_failures_never_stop_a_colleague_at_the_same_address(
    officer, colleague, settings
):
    factories.AgencyStaffFactory(username="stranger", agency=officer.agency)
    # The stranger locks their own pair, and guesses a few other names too.
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 2):
        login("stranger", "wrong")
    for name in ("admin", "root", "test"):
        login(name, "wrong")
    assert login("stranger", PASSWORD).status_code == 429  # the stranger's pair is locked

    assert login("colleague", PASSWORD).status_code == 302
    assert token("officer", PASSWORD).status_code == 200


def test_a_locked_pair_stays_locked_from_its_address_and_only_there(officer, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login("officer", "wrong").status_code == 200
    assert login("officer", "wrong").status_code == 429  # the limit is reached
    response = login("officer", PASSWORD)  # the right password, from the same address
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert token("officer", PASSWORD).status_code == 429  # the API counts with the page

    assert login("officer", PASSWORD, ip=HOME).status_code == 302  # elsewhere: not locked


def test_the_address_limit_stops_a_spraying_address_but_not_its_known_people(
    officer, colleague, settings
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    newcomer = factories.AgencyStaffFactory(username="newcomer", agency=officer.agency)
    assert login("officer", PASSWORD).status_code == 302  # officer works from this office

    # One wrong password for each of many names: no pair reaches its limit.
    for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        assert login(f"guess{number}", "Summer2026!").status_code in (200, 429)
    assert login("guess-more", "Summer2026!").status_code == 429

    # Nobody new logs in from the spraying address, even with the right password...
    page = login(newcomer.username, PASSWORD)
    assert page.status_code == 429
    assert b"logging in from this address is paused" in page.content
    api = token(newcomer.username, PASSWORD)
    assert api.status_code == 429
    assert "Too many wrong passwords came from this address." in api.json()["detail"]
    # ...but who has logged in from it before still can, and the newcomer can from elsewhere.
    assert login("officer", PASSWORD).status_code == 302
    assert login(newcomer.username, PASSWORD, ip=HOME).status_code == 302


def test_the_token_endpoint_locks_the_pair_with_a_json_answer(officer, colleague, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        token("stranger", "wrong")
    assert token("colleague", PASSWORD).status_code == 200  # the office is not locked

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        token("officer", "wrong")
    response = token("officer", PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "Too many failed logins" in response.json()["detail"]
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME * 3600
    assert token("officer", PASSWORD, ip=HOME).status_code == 200


def test_the_locked_out_page_speaks_spanish(officer, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login("officer", "wrong")
    response = login("officer", PASSWORD, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 429
    assert 'lang="es"' in response.content.decode()
    assert "Demasiados intentos fallidos" in response.content.decode()
    api = token("officer", PASSWORD, HTTP_ACCEPT_LANGUAGE="es")
    assert "Demasiados intentos fallidos" in api.json()["detail"]


# --- the client's address behind proxies ------------------------------------------------------


@pytest.fixture
def behind_one_proxy(settings):
    settings.PROXY_COUNT = 1


def test_behind_a_proxy_failures_count_for_the_client_address(officer, behind_one_proxy):
    # nginx appends the address it received the request from; REMOTE_ADDR is the proxy itself.
    login("officer", "wrong", ip=PROXY, HTTP_X_FORWARDED_FOR=HOME)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [HOME]


def test_a_client_cannot_pick_its_address_behind_a_proxy(officer, colleague, settings,
                                                         behind_one_proxy):  # fmt: skip
    # What the client sends is kept on the left; the proxy's entry on the right is the truth.
    for number in range(settings.AXES_FAILURE_LIMIT):
        login("officer", "wrong", ip=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {HOME}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HOME}
    spoofed = login("officer", PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.99, {HOME}")
    assert spoofed.status_code == 429
    # Another client behind the same proxy is another address.
    assert login("officer", PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR=OFFICE).status_code == 302


def test_two_proxies_take_the_second_entry_from_the_right(officer, settings):
    settings.PROXY_COUNT = 2
    login("officer", "wrong", ip=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {HOME}, 10.0.0.1")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [HOME]


def test_without_a_proxy_x_forwarded_for_is_ignored(officer):
    login("officer", "wrong", ip=OFFICE, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [OFFICE]


def test_the_api_throttle_cannot_be_dodged_with_x_forwarded_for(officer):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "3/minute"}
    with mock.patch.object(AnonRateThrottle, "THROTTLE_RATES", rates):
        codes = [
            token("nobody", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
            for n in range(4)
        ]
    assert codes == [400, 400, 400, 429]
