"""Every write endpoint of the API, and its filters, fed random and hostile JSON: wrong types
(lists and objects where strings go), huge and negative numbers, NUL bytes, HTML, SQL, emoji,
impossible dates, missing fields.

Each example starts from a valid body and breaks one or two of its values (inside lists too),
so that the hostile value reaches the service and the database. The property: never a 500, and
a 400 names what was wrong: the JSON body's keys are fields of the request (or
non_field_errors), each with a message.
"""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from networks.models import Criterion
from tests.security import test_url_matrix as matrix
from tests.security.conftest import hostile_json, hostile_text

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _day(days: int = -1) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _bodies(w) -> dict:
    """(url name, method) -> (who, a valid body), on agency A's objects."""
    a = w.a
    f0, f1 = a.firms[0].pk, a.firms[1].pk
    activity = {
        "type": "factory_visit", "title": "Visit", "date": _day(), "place": "Talca",
        "host_firm": f0, "attendees": [f0, f1], "description": "d", "outcomes": "o",
        "cost": "1000.00",
    }  # fmt: skip
    joint_action = {
        "type": "joint_purchasing", "title": "Timber", "firms": [f0, f1], "status": "planned",
        "start_date": _day(), "end_date": _day(30), "value": "1000.00", "outcome": "o",
    }  # fmt: skip
    uptake = {
        "firm": f0, "service": a.service.pk, "referred_by_facilitator": True, "date": _day(),
        "status": "referred", "result": "r",
    }  # fmt: skip
    due = a.network.handover_due
    criteria = Criterion.objects.filter(programme=a.programme, is_active=True)
    return {
        ("api:network-list", "POST"): ("agency-staff", {
            "programme": a.programme.pk, "name": "Fuzz", "region": "Maule", "commune": "Talca",
            "sector": "Wood", "facilitator": a.facilitator.pk, "locality": "Talca, Maule",
        }),
        ("api:network-detail", "PATCH"): ("facilitator", {
            "name": "Renamed", "region": "Maule", "commune": "Talca", "sector": "Wood",
        }),
        ("api:member-list", "POST"): ("facilitator", {"firm": w.a.firm_user2.firm_id}),
        ("api:member-detail", "DELETE"): ("facilitator", {"reason": "Left", "left_on": _day()}),
        ("api:diagnosis", "PUT"): ("facilitator", {
            "problems": "p", "opportunities": "o", "collaboration_basis": "c",
            "technology_level": 2, "skills": 1, "trust": 3,
        }),
        ("api:goal-list", "POST"): ("facilitator", {
            "horizon": "short", "title": "Goal", "indicator": "i", "unit": "u",
            "baseline": "0", "target": "5", "due_date": _day(100),
        }),
        ("api:decide", "POST"): ("agency-staff", {"decision": "approve", "reason": "ok"}),
        ("api:appoint-manager", "POST"): ("agency-staff", {
            "manager": a.facilitator.pk, "start_date": _day(), "monthly_salary": "1000.00",
        }),
        ("api:replace-manager", "POST"): ("agency-staff", {
            "manager": a.facilitator2.pk, "start_date": _day(), "monthly_salary": "1000.00",
            "reason": "Moved",
        }),
        ("api:dissolve", "POST"): ("agency-staff", {"reason": "Closing"}),
        ("api:firm-list", "POST"): ("facilitator", {
            "name": "Firm", "tax_id": "76.123.456-0", "sector": "s", "locality": "Talca, Maule",
            "employees": 5, "contact_name": "c", "email": "a@example.org", "phone": "123",
        }),
        ("api:network-activity-list", "POST"): ("facilitator", activity),
        ("api:activity-detail", "PATCH"): ("facilitator", activity),
        ("api:joint-action-list", "POST"): ("facilitator", joint_action),
        ("api:joint-action-detail", "PATCH"): ("facilitator", joint_action),
        ("api:uptake-list", "POST"): ("facilitator", uptake),
        ("api:uptake-detail", "PATCH"): ("facilitator", uptake),
        ("api:firm-indicator-list", "POST"): ("facilitator", {
            "date": _day(), "is_baseline": False, "employees": 5, "annual_sales": "100.00",
            "exports": "1.00", "average_wage": "1.00", "people_trained": 1,
            "certifications": 1, "technologies": 1, "notes": "n",
        }),
        ("api:goal-actual-list", "POST"): ("facilitator", {
            "period_end": _day(), "value": "5", "comment": "c",
        }),
        ("api:payment-create", "POST"): ("facilitator", {
            "firm": f0, "date": _day(), "amount": "1000.00", "reference": "r",
        }),
        ("api:handover", "POST"): ("facilitator", {
            "date": due.isoformat(), "manager": a.facilitator.pk, "monthly_salary": "1000.00",
            "commitments": [{"firm": f.pk, "share_percent": "10.000"} for f in a.firms],
        }),
        ("api:extend-term", "POST"): ("agency-staff", {
            "new_due_date": (due + datetime.timedelta(days=100)).isoformat(), "reason": "r",
        }),
        ("api:early-handover", "POST"): ("agency-staff", {
            "new_due_date": (due - datetime.timedelta(days=100)).isoformat(), "reason": "r",
        }),
        ("api:evaluation-list", "POST"): ("agency-staff", {
            "date": _day(), "notes": "n",
            "results": [{"criterion": c.pk, "met": True, "evidence": "e"} for c in criteria],
        }),
    }  # fmt: skip


TARGETS = [
    "api:network-list POST", "api:network-detail PATCH", "api:member-list POST",
    "api:member-detail DELETE", "api:diagnosis PUT", "api:goal-list POST", "api:decide POST",
    "api:appoint-manager POST", "api:replace-manager POST", "api:dissolve POST",
    "api:firm-list POST", "api:network-activity-list POST", "api:activity-detail PATCH",
    "api:joint-action-list POST", "api:joint-action-detail PATCH", "api:uptake-list POST",
    "api:uptake-detail PATCH", "api:firm-indicator-list POST", "api:goal-actual-list POST",
    "api:payment-create POST", "api:handover POST", "api:extend-term POST",
    "api:early-handover POST", "api:evaluation-list POST",
]  # fmt: skip

FILTERS = [
    ("api:network-list", ["phase", "page"]),
    ("api:firm-list", ["search", "page"]),
    ("api:network-activity-list", ["type", "date_from", "date_to", "page"]),
    ("api:joint-action-list", ["status", "type", "page"]),
    ("api:uptake-list", ["page"]),
    ("api:criterion-list", ["programme", "page"]),
    ("api:support-service-list", ["page"]),
    ("api:report-portfolio", ["programme", "region", "sector", "min_age_months", "max_age_months"]),
    ("api:export", ["format", "network"]),
    ("api:contribution-list", ["page"]),
    ("api:transition-list", ["page"]),
]


def _url(name: str, world) -> str:
    if name == "api:export":
        return reverse(name, args=["members"])
    if matrix.ROUTES.get(name) in matrix.KINDS:
        return matrix.url_for(name, world.a)
    return reverse(name)


def _paths(body: dict) -> list[tuple]:
    """Where a value may be broken: each key, and each key of the first object of a list."""
    paths = [(key,) for key in body]
    for key, value in body.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            paths += [(key, 0, inner) for inner in value[0]]
        elif isinstance(value, list) and value:
            paths.append((key, 0))
    return paths


def _broken(body: dict, changes: dict, dropped) -> dict:
    body = json.loads(json.dumps(body))
    # Inner values first: a whole list replaced afterwards simply wins.
    for path, value in sorted(changes.items(), key=lambda item: -len(item[0])):
        target = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    if dropped is not None:
        body.pop(dropped, None)
    return body


def _names_a_field(body, fields: set) -> bool:
    if not isinstance(body, dict) or not body:
        return False
    for key, messages in body.items():
        if key not in fields | {"non_field_errors"}:
            return False
        if not messages:
            return False
    return True


@pytest.mark.parametrize("target", TARGETS)
def test_api_writes_never_fail_on_hostile_input(client, world, db, target):
    name, method = target.split()
    persona, base = _bodies(world)[(name, method)]
    client.raise_request_exception = False
    world.login(client, matrix.PERSONAS[persona](world))
    url = _url(name, world)
    paths = _paths(base)

    @FUZZ
    @given(
        changes=st.dictionaries(st.sampled_from(paths), hostile_json(), min_size=1, max_size=2),
        dropped=st.none() | st.sampled_from(sorted(base)),
    )
    def send(changes, dropped):
        body = _broken(base, changes, dropped)
        response = client.generic(method, url, json.dumps(body), content_type="application/json")
        assert response.status_code != 500, (url, body)
        if response.status_code == 400:
            answer = response.json()
            assert _names_a_field(answer, set(base)), (url, body, answer)

    send()
    # Whatever was stored, the network still reads.
    for page in (
        reverse("api:network-detail", args=[world.a.network.pk]),
        reverse("networks:network-detail", args=[world.a.network.pk]),
        reverse("api:dashboard"),
    ):
        assert client.get(page).status_code < 500, page


@pytest.mark.parametrize("name, params", FILTERS, ids=[f[0] for f in FILTERS])
def test_api_filters_never_fail(client, world, db, name, params):
    client.raise_request_exception = False
    world.login(client, world.a.officer)
    url = _url(name, world)

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(params), hostile_text(), max_size=len(params)))
    def read(query):
        response = client.get(url, query)
        assert response.status_code != 500, (url, query)
        if response.status_code == 400:
            assert _names_a_field(response.json(), set(params)), (url, query, response.json())

    read()


def test_a_body_that_is_not_an_object_is_refused_cleanly(client, world, db):
    world.login(client, world.a.facilitator)
    url = reverse("api:goal-list", args=[world.a.network.pk])
    for body in ("[]", "1", '"text"', "null", "{", "\x00", '{"title": "\\u0000"}'):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json(), body
