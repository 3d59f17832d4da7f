"""The browser harness: Debian's Chromium, a live server on PostgreSQL, logins, axe-core."""

import datetime
import os
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip

# Playwright's sync API keeps an event loop on the main thread; the tests' own ORM calls are
# still synchronous, so Django's async-safety guard must stand aside here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if Path(CHROMIUM).exists() or not browser_items:
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(
            f"{CHROMIUM} is missing and CI=true: the browser tests must run. "
            "Install it with `apt-get install chromium` (make test does this as root)."
        )
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed: browser tests skipped")
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_ARGS}


@pytest.fixture
def server(live_server, settings):
    """The live server's address; static files are served by WhiteNoise from the source tree."""
    return live_server.url


@pytest.fixture
def log_in(page, server):
    """Log in through the login form, as a person would."""
    from tests.factories import PASSWORD

    def go(username, password=PASSWORD, language=None):
        if language:
            page.context.add_cookies([{"name": "django_language", "value": language,
                                       "url": server}])  # fmt: skip
        page.goto(f"{server}/accounts/login/")
        page.get_by_label("Username" if language != "es" else "Nombre de usuario").fill(username)
        page.get_by_label("Password" if language != "es" else "Contraseña").fill(password)
        page.get_by_role("button", name="Log in" if language != "es" else "Iniciar sesión").click()
        page.wait_for_load_state()

    return go


@pytest.fixture
def screenshot(page):
    def take(name):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def csp_violations(page):
    """Collect every Content-Security-Policy violation the console reports."""
    found = []
    page.on(
        "console",
        lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return found


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page and return the serious and critical violations."""
    # Evaluated through the DevTools protocol, so the page's CSP does not block it.
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }  # fmt: skip
        for v in result["violations"]
        if v["impact"] in impacts
    ]


from tests.browser.scenes import months_later  # noqa: E402 (after the harness settings)


@pytest.fixture
def months_on():
    """Move the app's clock forward: the live server runs in this process (another thread), and
    every date in networks/ comes from timezone.now()/localdate() looked up on the module, so
    patching django.utils.timezone.now moves them all (localdate calls now)."""
    patches = []

    def move(months: int) -> datetime.date:
        shift = months_later(months)
        real_now = timezone.now
        patch = mock.patch.object(timezone, "now", lambda: real_now() + shift)
        patch.start()
        patches.append(patch)
        return timezone.localdate()

    yield move
    for patch in patches:
        patch.stop()
