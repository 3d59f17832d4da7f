"""Light pages: the first load of each home page and of the network overview, with an empty
cache, stays under 400 KB as the production setup sends it, and every request goes to the
app's own host (no web fonts, scripts or styles from anywhere else).

"As sent": WhiteNoise serves the static files gzip-compressed (collectstatic writes .gz
files beside them), so a static file counts with its gzip size; the live server here sends
them plain, so the test compresses each body itself. Nothing in the production setup
compresses the HTML (no GZipMiddleware, gunicorn does not), so a page counts as it is.
"""

import gzip
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests import builders, factories
from tests.browser.scenes import working_scene

pytestmark = pytest.mark.django_db(transaction=True)

BUDGET = 400 * 1024
HOMES = [
    ("officer", "networks:agency-home"),
    ("facilitator", "networks:facilitator-home"),
    ("firmuser", "networks:firm-home"),
]


def _as_sent(url: str, body: bytes) -> int:
    if urlsplit(url).path.startswith("/static/"):
        # WhiteNoise keeps the plain file when compressing saves too little.
        return min(len(body), len(gzip.compress(body, compresslevel=9)))
    return len(body)


def _first_load(browser, server, storage_state, path) -> list[dict]:
    """Every response of one page load in a new context: a cold cache, only the cookies."""
    context = browser.new_context(storage_state=storage_state)
    responses = []
    page = context.new_page()
    page.on("response", lambda response: responses.append(response))
    page.goto(server + path, wait_until="networkidle")
    rows = []
    for response in responses:
        body = b"" if 300 <= response.status < 400 else response.body()
        rows.append({
            "url": response.url, "status": response.status,
            "type": response.request.resource_type,
            "raw": len(body), "sent": _as_sent(response.url, body),
        })  # fmt: skip
    context.close()
    return rows


def test_home_pages_are_light_and_self_hosted(
    browser, page, server, log_in, officer, facilitator, network, firm_user
):
    working_scene(network=network, officer=officer, facilitator=facilitator, firm_user=firm_user)
    # A fuller portfolio than the scene's two networks: a dozen more, in preparation.
    for _ in range(12):
        more = factories.NetworkFactory(programme=network.programme, facilitator=facilitator)
        builders.add_members(more, 12)
    own_origin = urlsplit(server)[:2]
    table, foreign, too_heavy = [], [], []
    # The homes, and the network's overview (issue 17): where each role starts its work.
    pages = [(username, url_name, reverse(url_name)) for username, url_name in HOMES]
    pages.append(("facilitator", "network overview", reverse("networks:network-detail",
                                                              args=[network.pk])))  # fmt: skip
    for username, url_name, path in pages:
        page.context.clear_cookies()
        log_in(username)
        rows = _first_load(browser, server, page.context.storage_state(), path)
        assert rows and rows[0]["status"] == 200, rows[:1]
        foreign += [row["url"] for row in rows if urlsplit(row["url"])[:2] != own_origin]
        raw, sent = sum(r["raw"] for r in rows), sum(r["sent"] for r in rows)
        table.append((url_name, len(rows), raw, sent, rows))
        if sent >= BUDGET:
            too_heavy.append(url_name)

    print("\nhome page                   requests   raw bytes   as sent (gzip static)")
    for url_name, count, raw, sent, rows in table:
        print(f"{url_name:<28}{count:>8}{raw:>12,}{sent:>12,}")
        for row in rows:
            path = urlsplit(row["url"]).path
            print(f"    {row['type']:<11}{path:<48}{row['raw']:>10,}{row['sent']:>10,}")
    assert foreign == [], "requests to other hosts"
    assert too_heavy == [], f"over {BUDGET:,} bytes"
