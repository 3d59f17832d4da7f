"""Every form of the app, posted with random and hostile values: overlong strings, NUL and other
control characters, HTML and script, SQL, emoji and accents, huge and negative numbers,
impossible dates, several values where one goes, missing fields.

Each example starts from a valid submission read off the page itself (the form's own inputs,
filled with sensible values) and replaces or drops some fields, so that a hostile value reaches
the service and the database, not only the first field check. The property: never a 500, and a
refused form comes back with its error on the page (or a message after a redirect).
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security import test_url_matrix as matrix
from tests.security.conftest import hostile_text

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ERROR_MARKERS = ("is-invalid", "invalid-feedback", "alert-danger", "errorlist", "alert-block")


class FormReader(HTMLParser):
    """The fields of the page's main POST form, with their current or first offered value."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": {},
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "button"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                fields.setdefault(name, [])
                self._form.setdefault("options", {}).setdefault(name, []).append(
                    a.get("value", "on")
                )
                if "checked" in a:
                    fields[name].append(a.get("value", "on"))
            else:
                fields[name] = [a.get("value", "")]
        elif tag == "select" and name:
            self._select = name
            fields[name] = []
            self._form.setdefault("options", {})[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if value:
                self._form["options"][self._select].append(value)
            if "selected" in a and value:
                fields[self._select] = [value]
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self._form["fields"][self._textarea] = [data.strip()]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _sensible(name: str) -> str:
    """A valid value for a field left blank on the page, by its name."""
    today = timezone.localdate()
    if name.startswith("share_"):
        return ""
    if name.startswith("evidence_") or name in ("reason", "notes", "comment", "outcome"):
        return "Checked with the firms."
    if name.startswith("met_"):
        return "met"
    if name in ("due_date", "new_due_date"):
        return (today + datetime.timedelta(days=2000)).isoformat()
    if "date" in name or name == "period_end":
        return (today - datetime.timedelta(days=1)).isoformat()
    if name in ("amount", "monthly_salary", "value", "cost", "baseline", "target"):
        return "1000"
    if name in ("annual_sales", "exports", "average_wage", "people_trained", "certifications",
                "technologies"):  # fmt: skip
        return "5"
    if name == "tax_id":
        return "76.123.456-0"
    if name == "email":
        return "someone@example.org"
    if name == "employees":
        return "12"
    return "Fuzz value"


def form_base(client, url: str) -> dict:
    """A submission of the page's main form: its own values, blanks filled sensibly."""
    reader = FormReader()
    reader.feed(client.get(url).content.decode())
    # Not the language switch nor the logout button of every page's header.
    skip = (reverse("set_language"), reverse("logout"))
    posts = [f for f in reader.forms if f["method"] == "post" and f["action"] not in skip]
    assert posts, f"{url} has no form to post"
    form = max(posts, key=lambda f: len(f["fields"]))
    data = {}
    for name, values in form["fields"].items():
        if name == "csrfmiddlewaretoken":
            continue
        options = form.get("options", {}).get(name)
        if values and values != [""]:
            data[name] = values
        elif options == ["on"]:
            data[name] = []  # a lone checkbox, left unticked
        elif options:
            data[name] = options[:2]  # two firms where firms are ticked, else one choice
        else:
            data[name] = [_sensible(name)]
    return data


# (url name, who posts, extra form data, a plain page without errors is a right answer)
PAGES = [
    ("networks:network-create", "agency-staff", {}, False),
    ("networks:network-members", "facilitator", {}, False),
    ("networks:member-add", "facilitator", {"tax_id": "76.123.456-0", "q": "x"}, True),
    ("networks:member-remove", "facilitator", {}, False),
    ("networks:network-diagnosis", "facilitator", {}, False),
    ("networks:goal-create", "facilitator", {}, False),
    ("networks:goal-edit", "facilitator", {}, False),
    ("networks:application-decide", "agency-staff", {"decision": "approve", "reason": "x"}, True),
    ("networks:manager-replace", "agency-staff", {}, False),
    ("networks:network-dissolve", "agency-staff", {}, False),
    ("networks:activity-create", "facilitator", {}, False),
    ("networks:activity-edit", "facilitator", {}, False),
    ("networks:joint-action-create", "facilitator", {}, False),
    ("networks:joint-action-edit", "facilitator", {}, False),
    ("networks:uptake-create", "facilitator", {}, False),
    ("networks:uptake-edit", "facilitator", {}, False),
    ("networks:goal-progress", "facilitator", {}, False),
    ("networks:firm-indicators", "facilitator", {}, False),
    ("networks:payment-create", "facilitator", {}, False),
    ("networks:share-weights", "facilitator", {}, False),
    ("networks:term-extend", "agency-staff", {}, False),
    ("networks:early-handover", "agency-staff", {}, False),
    ("networks:handover-propose", "facilitator", {}, False),
    ("networks:evaluation-create", "agency-staff", {}, False),
    ("networks:criteria-set", "agency-admin", {}, False),
    ("networks:criterion-edit", "agency-admin", {}, False),
    ("networks:criterion-move", "agency-admin", {"direction": "up"}, True),
    (
        "networks:support-catalogue",
        "agency-staff",
        {"action": "provider", "provider-name": "P"},
        True,
    ),
]
# Filters and searches: GET with hostile query strings.
SEARCHES = [
    ("networks:member-search", "facilitator", ["q"]),
    ("networks:network-members", "facilitator", ["q"]),
    ("networks:activity-list", "facilitator", ["type", "date_from", "date_to", "page"]),
    ("networks:joint-action-list", "firm-member", ["status", "type", "waiting", "page"]),
    ("networks:uptake-list", "facilitator", ["page"]),
    ("networks:network-history", "agency-staff", ["page"]),
    (
        "networks:report-portfolio",
        "agency-staff",
        [
            "programme",
            "region",
            "sector",
            "min_age_months",
            "max_age_months",
            "thresholds",
            "date_from",
            "date_to",
            "k",
        ],
    ),  # fmt: skip
    ("networks:export-list", "agency-staff", ["network"]),
    ("networks:export", "agency-staff", ["network"]),
]


def _url(name: str, world) -> str:
    if name == "networks:export":
        return reverse(name, args=["members", "csv"])
    if name in matrix.ROUTES and matrix.ROUTES[name] in matrix.KINDS:
        return matrix.url_for(name, world.a)
    return reverse(name)


def _changes(names: list[str]):
    """One or two fields replaced by hostile values (one or several each), maybe one dropped:
    the rest stays valid, so the hostile value goes all the way to the service."""
    value = st.one_of(hostile_text().map(lambda v: [v]), st.lists(hostile_text(), max_size=3))
    return st.tuples(
        st.dictionaries(st.sampled_from([*names, "unexpected"]), value, min_size=1, max_size=2),
        st.sets(st.sampled_from(names), max_size=1) if names else st.just(set()),
    )


def pages_to_reread(world) -> list[str]:
    """Pages that show what the forms stored: they must still render whatever was saved."""
    a = world.a
    n = a.network.pk
    return [
        reverse("networks:network-detail", args=[n]),
        reverse("networks:network-ledger", args=[n]),
        reverse("networks:network-report", args=[n]),
        reverse("networks:network-history", args=[n]),
        reverse("networks:activity-list", args=[n]),
        reverse("networks:joint-action-list", args=[n]),
        reverse("networks:uptake-list", args=[n]),
        reverse("networks:network-indicators", args=[n]),
        reverse("networks:goal-progress", args=[n, a.goal.pk]),
        reverse("networks:firm-indicators", args=[a.firms[1].pk]),
        reverse("networks:criteria-set", args=[a.programme.pk]),
        reverse("networks:agency-home"),
        reverse("networks:report-portfolio"),
        reverse("api:dashboard"),
        reverse("api:network-list"),
        reverse("networks:export", args=["activities", "xlsx"]),
        reverse("networks:export", args=["joint-actions", "csv"]),
    ]


def _shows_an_error(response) -> bool:
    html = response.content.decode()
    return any(marker in html for marker in ERROR_MARKERS)


@pytest.mark.parametrize("name, persona, extra, plain_ok", PAGES, ids=[p[0] for p in PAGES])
def test_forms_never_fail_on_hostile_input(client, world, db, name, persona, extra, plain_ok):
    client.raise_request_exception = False
    world.login(client, matrix.PERSONAS[persona](world))
    url = _url(name, world)
    base = {k: [v] for k, v in extra.items()} if extra else form_base(client, url)
    names = sorted(base)

    @FUZZ
    @given(change=_changes(names))
    def post(change):
        replaced, dropped = change
        data = {k: v for k, v in {**base, **replaced}.items() if k not in dropped}
        response = client.post(url, data)
        assert response.status_code != 500, (url, data)
        if response.status_code == 200 and not plain_ok:
            assert _shows_an_error(response), (url, data)

    post()
    world.login(client, world.a.officer)
    for page in pages_to_reread(world):
        assert client.get(page).status_code < 500, page


@pytest.mark.parametrize("name, persona, params", SEARCHES, ids=[s[0] for s in SEARCHES])
def test_filters_and_searches_never_fail(client, world, db, name, persona, params):
    client.raise_request_exception = False
    world.login(client, matrix.PERSONAS[persona](world))
    url = _url(name, world)

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(params), hostile_text(), max_size=len(params)))
    def search(query):
        response = client.get(url, query)
        assert response.status_code != 500, (url, query)
        assert response.status_code in (200, 302, 400, 404), (url, query)

    search()


# --- what the fuzzing found, kept as plain regressions ----------------------------------------


def test_a_firm_with_more_employees_than_the_database_holds_is_a_field_error(client, world, db):
    world.login(client, world.a.facilitator)
    url = reverse("networks:network-members", args=[world.a.network.pk])
    data = {"name": "Big", "tax_id": "76.123.456-0", "employees": "99999999999"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 2147483647." in response.content.decode()


def test_a_search_with_a_nul_byte_ignores_it(client, world, db):
    world.login(client, world.a.facilitator)
    for name in ("networks:member-search", "networks:network-members"):
        response = client.get(reverse(name, args=[world.a.network.pk]), {"q": "0\x00"})
        assert response.status_code == 200
    response = client.get(reverse("api:firm-list"), {"search": "ALPHA-fi\x00rm-00"})
    assert response.status_code == 200
    assert {f["name"] for f in response.json()["results"]} >= {"ALPHA-firm-00"}
