"""Strict API input: what the API does not take is refused with 400, never silently dropped.

- an unknown field (a misspelling) or a read-only field sent with another value than it has:
  400 naming each one, and nothing written; a read-only field echoed back unchanged (a client
  sending back the body of a GET) is fine;
- ids and other integers are JSON integers: 1.5, "1.5", true, "1e3" and 1.0 are 400;
- every free text has a maximum length (`networks.lib.limits`), in the API, the pages and the
  database alike;
- JSON nested thousands deep, and a body over DATA_UPLOAD_MAX_MEMORY_SIZE, are JSON 400s.

The walks at the end take every write operation of the OpenAPI schema, so that a new endpoint
cannot skip these rules.
"""

import copy
import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.models import Activity, Application, Diagnosis, Membership, Network
from tests import factories
from tests.builders import make_submitted
from tests.security import test_url_matrix as matrix

pytestmark = pytest.mark.django_db

UNKNOWN = "zz_not_a_field"
NOT_INTEGERS = [1.5, "1.5", True, "1e3", 1.0]


def _json(client, method: str, url: str, body, **extra):
    return client.generic(method, url, json.dumps(body), content_type="application/json", **extra)


def _snapshot() -> dict:
    """Every row of the app's tables (sessions and lock-out records aside), to show that a
    refused request wrote nothing at all."""
    tables = [
        t
        for t in connection.introspection.table_names()
        if not t.startswith(("django_session", "axes_", "django_migrations"))
    ]
    snapshot = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
                f'FROM "{table}" t'
            )
            snapshot[table] = cursor.fetchone()[0]
    return snapshot


def _changed(before: dict, after: dict) -> list:
    return sorted(table for table in before if before[table] != after.get(table))


# --- unknown and read-only fields -----------------------------------------------------------


def test_a_misspelled_diagnosis_field_is_refused_and_nothing_is_written(client, world, db):
    network = world.a.network
    world.login(client, world.a.facilitator)
    url = reverse("api:diagnosis", args=[network.pk])
    before = Diagnosis.objects.filter(network=network).values_list("problems", flat=True).first()

    response = _json(
        client, "PUT", url, {"problems": "Old kilns.", "basis_for_colaboration": "A supplier."}
    )

    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == ["basis_for_colaboration"]
    assert "collaboration_basis" in body["basis_for_colaboration"][0]  # the fields it takes
    after = Diagnosis.objects.filter(network=network).values_list("problems", flat=True).first()
    assert after == before


def test_a_misspelled_field_on_the_application_decision_is_refused(client, world, db):
    a = world.a
    network = make_submitted(
        factories.NetworkFactory(programme=a.programme, facilitator=a.facilitator)
    )
    world.login(client, a.officer)

    response = _json(
        client, "POST", reverse("api:decide", args=[network.pk]),
        {"decision": "approve", "reasn": "A strong group."},
    )  # fmt: skip

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["reasn"]
    application = Application.objects.get(network=network)
    assert (application.status, application.decision_reason) == ("submitted", "")


def test_changing_phase_or_programme_through_patch_is_refused(client, world, db):
    network = world.a.network
    other_programme = factories.ProgrammeFactory(agency=world.a.agency)
    world.login(client, world.a.facilitator)
    url = reverse("api:network-detail", args=[network.pk])

    response = _json(
        client, "PATCH", url,
        {"name": "Renamed", "phase": "independence", "programme": other_programme.pk},
    )  # fmt: skip

    assert response.status_code == 400, response.content
    assert set(response.json()) == {"phase", "programme"}
    row = Network.objects.get(pk=network.pk)
    assert (row.name, row.phase, row.programme_id) == (
        network.name, network.phase, network.programme_id,
    )  # fmt: skip


def test_a_read_only_field_sent_with_its_current_value_is_fine(client, world, db):
    network = world.a.network
    world.login(client, world.a.facilitator)
    url = reverse("api:network-detail", args=[network.pk])

    response = _json(client, "PATCH", url, {"name": "Renamed", "phase": network.phase})

    assert response.status_code == 200, response.content
    assert Network.objects.get(pk=network.pk).name == "Renamed"


ECHOED = [
    ("api:network-detail", "PATCH", "network", "name"),
    ("api:diagnosis", "PUT", "network", "problems"),
    ("api:activity-detail", "PATCH", "activity", "title"),
    ("api:joint-action-detail", "PATCH", "joint_action", "title"),
    ("api:uptake-detail", "PATCH", "uptake", "result"),
]


@pytest.mark.parametrize("name, method, key, field", ECHOED, ids=[e[0] for e in ECHOED])
def test_the_body_of_a_get_can_be_sent_back_with_a_change(
    client, world, db, name, method, key, field
):
    world.login(client, world.a.facilitator)
    url = reverse(name, args=[getattr(world.a, key).pk])
    body = client.get(url).json()
    body[field] = "Changed by an echo"

    response = _json(client, method, url, body)

    assert response.status_code == 200, response.content
    assert response.json()[field] == "Changed by an echo"


def test_a_read_only_field_on_create_is_refused(client, world, db):
    world.login(client, world.a.facilitator)
    url = reverse("api:goal-list", args=[world.a.network.pk])
    body = {
        "horizon": "short", "title": "More exports", "target": "5",
        "due_date": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "created_at": "2020-01-01T00:00:00Z",
    }  # fmt: skip
    before = world.a.network.goals.count()

    response = _json(client, "POST", url, body)

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["created_at"]
    assert world.a.network.goals.count() == before


# --- strict ids -----------------------------------------------------------------------------


def _near(pk: int) -> list:
    """Values that are not integers but that a loose field would read as `pk` (or as 1)."""
    return [pk + 0.5, f"{pk}.5", True, f"{pk}e0", float(pk)]


@pytest.mark.parametrize("index", range(5))
def test_a_firm_id_that_is_not_an_integer_is_refused(client, world, db, index):
    a = world.a
    # A firm of the agency that the new network may take: only the id's type can fail.
    firm = a.firms[0]
    network = factories.NetworkFactory(programme=a.programme, facilitator=a.facilitator)
    world.login(client, a.facilitator)
    url = reverse("api:member-list", args=[network.pk])

    response = _json(client, "POST", url, {"firm": _near(firm.pk)[index]})

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["firm"]
    assert not Membership.objects.filter(network=network).exists()


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
def test_an_id_in_a_list_that_is_not_an_integer_is_refused(client, world, db, value):
    a = world.a
    world.login(client, a.facilitator)
    url = reverse("api:activity-detail", args=[a.activity.pk])
    attendees = [a.firms[0].pk, value]

    response = _json(client, "PATCH", url, {"attendees": attendees})

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["attendees"]
    assert sorted(a.activity.attendance.values_list("firm_id", flat=True)) == sorted(
        f.pk for f in a.firms[:2]
    )


# --- maximum lengths ------------------------------------------------------------------------


def _activity_body(a, **overrides) -> dict:
    return {
        "type": "factory_visit", "title": "Visit", "host_firm": a.firms[0].pk,
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "attendees": [a.firms[0].pk, a.firms[1].pk], **overrides,
    }  # fmt: skip


def test_a_description_over_the_limit_is_refused_by_the_api(client, world, db):
    a = world.a
    world.login(client, a.facilitator)
    url = reverse("api:network-activity-list", args=[a.network.pk])
    before = Activity.objects.count()

    response = _json(
        client, "POST", url, _activity_body(a, description="d" * (TEXT_MAX_LENGTH + 1))
    )

    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == ["description"]
    assert "20000" in body["description"][0]
    assert Activity.objects.count() == before


def test_a_description_at_the_limit_is_stored_by_the_api(client, world, db):
    a = world.a
    world.login(client, a.facilitator)
    url = reverse("api:network-activity-list", args=[a.network.pk])

    response = _json(client, "POST", url, _activity_body(a, description="d" * TEXT_MAX_LENGTH))

    assert response.status_code == 201, response.content
    assert len(Activity.objects.get(pk=response.json()["id"]).description) == TEXT_MAX_LENGTH


def _activity_form(a, **overrides) -> dict:
    return {
        "type": a.activity.type_id, "title": "Costing workshop", "place": "Talca",
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "host_firm": a.firms[0].pk, "attendees": [a.firms[0].pk, a.firms[1].pk],
        "outcomes": "", "cost": "0", **overrides,
    }  # fmt: skip


def test_a_description_over_the_limit_is_refused_by_the_page(client, world, db):
    a = world.a
    world.login(client, a.facilitator)
    url = reverse("networks:activity-create", args=[a.network.pk])
    before = Activity.objects.count()

    response = client.post(url, _activity_form(a, description="d" * (TEXT_MAX_LENGTH + 1)))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["description"]
    assert "20000" in errors["description"][0] and "20001" in errors["description"][0]
    assert Activity.objects.count() == before


def test_a_description_at_the_limit_is_stored_by_the_page(client, world, db):
    a = world.a
    world.login(client, a.facilitator)
    url = reverse("networks:activity-create", args=[a.network.pk])

    response = client.post(url, _activity_form(a, description="d" * TEXT_MAX_LENGTH))

    assert response.status_code == 302, response.context["form"].errors
    assert len(Activity.objects.latest("pk").description) == TEXT_MAX_LENGTH


def test_a_name_over_the_limit_is_refused_by_the_api(client, world, db):
    world.login(client, world.a.facilitator)
    url = reverse("api:network-detail", args=[world.a.network.pk])

    response = _json(client, "PATCH", url, {"name": "n" * (NAME_MAX_LENGTH + 1)})

    assert response.status_code == 400
    assert list(response.json()) == ["name"]


# --- bodies the parser cannot take ----------------------------------------------------------

NESTED = "[" * 5000 + "]" * 5000


def test_deeply_nested_json_is_a_json_400_for_anonymous_on_the_token_endpoint(world, db):
    client = Client(raise_request_exception=False)

    response = client.post(reverse("api:token"), NESTED, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_deeply_nested_json_is_a_json_400_on_every_write(client, world, db):
    client.raise_request_exception = False
    world.login(client, world.a.facilitator)
    for url in (
        reverse("api:goal-list", args=[world.a.network.pk]),
        reverse("api:network-detail", args=[world.a.network.pk]),
        reverse("api:network-list"),
    ):
        for method in ("POST", "PATCH"):
            response = client.generic(method, url, NESTED, content_type="application/json")
            assert response.status_code in (400, 405), (method, url, response.status_code)
            assert response["Content-Type"] == "application/json", (method, url)


def test_a_body_over_the_limit_is_a_json_400_on_the_api(client, world, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.raise_request_exception = False
    token = world.token(world.a.facilitator)
    url = reverse("api:goal-list", args=[world.a.network.pk])
    body = json.dumps({"title": "t" * 2048})
    before = world.a.network.goals.count()

    # (A browser asking for text/html gets the browsable API's page of the same 400.)
    for accept in ("application/json", "*/*", ""):
        response = Client(raise_request_exception=False).post(
            url, body, content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}", **({"HTTP_ACCEPT": accept} if accept else {}),
        )  # fmt: skip
        assert response.status_code == 400, accept
        assert response["Content-Type"] == "application/json", accept
        assert "1024" in response.json()["detail"] or "1 KB" in response.json()["detail"]

    anonymous = Client(raise_request_exception=False).post(
        reverse("api:token"), body, content_type="application/json"
    )
    assert (anonymous.status_code, anonymous["Content-Type"]) == (400, "application/json")
    assert world.a.network.goals.count() == before


def test_malformed_json_stays_a_json_400(client, world, db):
    world.login(client, world.a.facilitator)
    url = reverse("api:goal-list", args=[world.a.network.pk])
    response = client.post(url, '{"title": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


# --- the walks over the schema --------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get(
            reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
        )
    assert response.status_code == 200
    return response.json()


WRITES = ("post", "put", "patch")


def _write_operations(schema) -> list[tuple[str, str, dict]]:
    """Every POST, PUT and PATCH, and every DELETE that takes a body."""
    return [
        (path, method, operation)
        for path, item in sorted(schema["paths"].items())
        for method, operation in item.items()
        if method in WRITES or (method == "delete" and "requestBody" in operation)
    ]


def _resolve(schema, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    return node


def _body_schema(schema, operation) -> tuple[str, dict] | None:
    """(content type, object schema) of the request body, JSON when the operation takes it."""
    content = (operation.get("requestBody") or {}).get("content") or {}
    for content_type in ("application/json", "multipart/form-data"):
        if content_type in content:
            return content_type, _resolve(schema, content[content_type]["schema"])
    return None


def _url(path: str, world) -> str:
    """The path with its ids pointing at agency A's objects."""
    url = path
    for segment, name in ((s, s[1:-1]) for s in path.split("/") if s.startswith("{")):
        if name == "id":
            before = path.split(segment)[0].rstrip("/").rsplit("/", 1)[-1]
            key = matrix.PK_BY_SEGMENT[before]
        else:
            key = matrix.OBJECT_BY_KWARG[name]
        url = url.replace(segment, str(matrix._object(world.a, key).pk), 1)
    return url


CONSOLE_LISTS = {"api:activity-type-list", "api:joint-action-type-list", "api:invitation-list"}


def _persona(url: str, method: str, world):
    """Someone who may make this write (None: anonymous)."""
    name = f"api:{resolve(url).url_name}"
    kind = matrix.ROUTES[name]
    if kind == "public":
        return None
    if name in CONSOLE_LISTS:
        return world.a.admin  # the agency console's lists: its admins only
    if kind in matrix.NO_ID_KINDS:
        return world.a.officer
    rule = matrix.RULES[matrix.KINDS[kind][1]]
    return matrix.PERSONAS[rule["allow"]](world)


def _send(client, world, path: str, method: str, content_type: str, body: dict):
    url = _url(path, world)
    user = _persona(url, method, world)
    client.cookies.clear()
    if user is not None:
        world.login(client, user)
    if content_type == "multipart/form-data":
        return client.generic(method.upper(), url, *_multipart(client, body))
    return _json(client, method.upper(), url, body)


def _multipart(client, body: dict):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return encode_multipart(BOUNDARY, body), MULTIPART_CONTENT


def _properties(node: dict) -> dict:
    return {
        name: prop for name, prop in (node.get("properties") or {}).items()
        if not prop.get("readOnly")
    }  # fmt: skip


def test_the_walk_finds_every_write_endpoint(schema):
    operations = {(p, m) for p, m, _o in _write_operations(schema)}
    assert len(operations) >= 30
    assert ("/api/v1/auth/token/", "post") in operations
    assert ("/api/v1/networks/{id}/submit/", "post") in operations


def test_every_write_endpoint_refuses_an_unknown_field_and_writes_nothing(
    client, world, db, schema
):
    client.raise_request_exception = False
    failures = []
    for path, method, operation in _write_operations(schema):
        content_type, _node = _body_schema(schema, operation) or ("application/json", {})
        before = _snapshot()
        response = _send(client, world, path, method, content_type, {UNKNOWN: "1"})
        body = response.json() if response["Content-Type"] == "application/json" else None
        if response.status_code != 400 or not isinstance(body, dict) or UNKNOWN not in body:
            failures.append(f"{method.upper()} {path}: {response.status_code} {body}")
        elif changed := _changed(before, _snapshot()):
            failures.append(f"{method.upper()} {path}: wrote to {changed}")
    assert not failures, "\n".join(failures)


def _integer_targets(schema, node: dict) -> list[tuple[tuple, object]]:
    """(path in the body, a valid-looking container) for every integer the body takes: at the
    top, in a list of integers, and inside a list of objects."""
    targets = []
    for name, prop in _properties(node).items():
        prop = _resolve(schema, prop)
        if prop.get("type") == "integer":
            targets.append((name,))
        elif prop.get("type") == "array":
            items = _resolve(schema, prop.get("items") or {})
            if items.get("type") == "integer":
                targets.append((name, 0))
            elif items.get("type") == "object" or "properties" in items:
                targets += [(name, 0, inner) for inner, p in _properties(items).items()
                            if _resolve(schema, p).get("type") == "integer"]  # fmt: skip
    return targets


def _body_with(path: tuple, value) -> dict:
    if len(path) == 1:
        return {path[0]: value}
    if len(path) == 2:
        return {path[0]: [value]}
    return {path[0]: [{path[2]: value}]}


def _names(body, path: tuple) -> bool:
    if not isinstance(body, dict) or path[0] not in body:
        return False
    if len(path) == 3:
        # A list's errors come by position: as a list, or as {"0": ...} when sparse.
        inner = body[path[0]]
        first = inner[0] if isinstance(inner, list) and inner else None
        if isinstance(inner, dict):
            first = inner.get("0")
        return isinstance(first, dict) and path[2] in first
    return True


def test_every_integer_of_every_write_is_a_json_integer(client, world, db, schema):
    client.raise_request_exception = False
    failures, checked = [], 0
    for path, method, operation in _write_operations(schema):
        found = _body_schema(schema, operation)
        if found is None or found[0] != "application/json":
            continue
        for target in _integer_targets(schema, found[1]):
            for value in NOT_INTEGERS:
                checked += 1
                response = _send(client, world, path, method, "application/json",
                                 _body_with(target, copy.copy(value)))  # fmt: skip
                body = response.json()
                if response.status_code != 400 or not _names(body, target):
                    failures.append(f"{method.upper()} {path} {target}={value!r}: "
                                    f"{response.status_code} {body}")  # fmt: skip
    assert not failures, "\n".join(failures)
    assert checked > 50


PLAIN_FORMATS = {None, "email", "password"}  # strings of free text (dates, decimals... aside)


def _string_targets(schema, node: dict) -> list[tuple[tuple, dict]]:
    targets = []
    for name, prop in _properties(node).items():
        prop = _resolve(schema, prop)
        if prop.get("type") == "string" and "enum" not in prop:
            if prop.get("format") in PLAIN_FORMATS:
                targets.append(((name,), prop))
        elif prop.get("type") == "array":
            items = _resolve(schema, prop.get("items") or {})
            targets += [((name, 0, inner), _resolve(schema, p))
                        for inner, p in _properties(items).items()
                        if _resolve(schema, p).get("type") == "string"
                        and "enum" not in _resolve(schema, p)
                        and _resolve(schema, p).get("format") in PLAIN_FORMATS]  # fmt: skip
    return targets


def test_every_free_text_of_every_write_has_a_maximum_length(client, world, db, schema):
    client.raise_request_exception = False
    failures, checked = [], 0
    for path, method, operation in _write_operations(schema):
        found = _body_schema(schema, operation)
        if found is None:
            continue
        content_type, node = found
        for target, prop in _string_targets(schema, node):
            where = f"{method.upper()} {path} {'.'.join(map(str, target))}"
            limit = prop.get("maxLength")
            if limit is None or limit > TEXT_MAX_LENGTH:
                failures.append(f"{where}: maxLength {limit}")
                continue
            checked += 1
            response = _send(client, world, path, method, content_type,
                             _body_with(target, "x" * (limit + 1)))  # fmt: skip
            body = response.json()
            if response.status_code != 400 or not _names(body, target):
                failures.append(f"{where}: {response.status_code} {body}")
    assert not failures, "\n".join(failures)
    assert checked > 40


def test_removing_a_member_with_a_misspelled_field_is_refused(client, world, db):
    a = world.a
    world.login(client, a.facilitator)
    url = reverse("api:member-detail", args=[a.network.pk, a.firms[3].pk])

    response = _json(client, "DELETE", url, {"reasn": "Moved away."})

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["reasn"]
    assert Membership.objects.get(network=a.network, firm=a.firms[3]).left_on is None
