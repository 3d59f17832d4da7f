"""No page shows template source to its reader.

Django's `{# #}` comment is single-line: a multi-line one is printed as text, and the network
page and the graph page once showed theirs to every user. Every page that the hidden-paths walk
reads (every list, home, report and every route with an id, as each kind of person of agency A)
is rendered here, and its visible text must not contain template syntax. Script and style
contents are left out: JSON and CSS may hold braces legitimately.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.security import test_hidden_paths as hidden

pytestmark = pytest.mark.django_db

MARKERS = ("{#", "#}", "{%", "%}", "{{", "}}")
SCRIPTS_AND_STYLES = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)


def _visible(html: str) -> str:
    return SCRIPTS_AND_STYLES.sub("", html)


def test_no_template_file_has_a_comment_over_several_lines():
    unclosed = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            # Each `{#` must be closed on its own line, or Django prints the rest as text.
            for start in (m.start() for m in re.finditer(r"\{#", line)):
                if "#}" not in line[start:]:
                    unclosed.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert not unclosed, "use {% comment %} for comments over several lines: " + ", ".join(unclosed)


@pytest.mark.parametrize("persona", sorted(hidden.A_PEOPLE))
def test_no_page_shows_template_source(client, world, db, persona):
    pages = 0
    shown = []
    for url, body in hidden._read_everything(client, world, persona):
        if url.startswith("/api/") or "<html" not in body[:500].lower():
            continue
        pages += 1
        text = _visible(body)
        shown += [f"{url}: {marker}" for marker in MARKERS if marker in text]
    assert pages >= 20, f"{persona} read too few pages ({pages}) for this test to mean anything"
    assert not shown, "template source on screen: " + "; ".join(shown)
