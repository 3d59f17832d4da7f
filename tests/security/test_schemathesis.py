"""The API against its own OpenAPI schema (/api/schema/), with Schemathesis, in-process.

Every operation of the schema gets generated requests (valid and invalid bodies, query strings,
path ids), sent through the Django WSGI application with an agency officer's token. The path
ids point at the world's real objects (network A, its activity, joint action...), so that the
requests reach the views' work rather than stopping at "not found". Checked: no 5xx, and every
response matches the schema of its status code.
"""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test.utils import override_settings
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from profo.wsgi import application
from tests.security import test_url_matrix as matrix

pytestmark = pytest.mark.django_db

HOSTS = ["localhost", "testserver"]
EXAMPLES = 10
# The schema's own examples and random generation, EXAMPLES cases per operation; the exhaustive
# "coverage" phase (hundreds of cases per operation) is left to a run by hand.
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"max-examples": EXAMPLES},
    }
)

# The schema is read from the running application, as a client would read it.
with override_settings(ALLOWED_HOSTS=HOSTS):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@pytest.fixture
def in_test_transaction():
    """Keep the database connection open across requests, as Django's test client does: the
    application would close it after each request, and the test's transaction with it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_ids(case, world) -> None:
    """Point the path's ids at agency A's objects (the officer's own)."""
    path = case.path
    for name in list(case.path_parameters):
        if name == "id":
            segment = path.split("{id}")[0].rstrip("/").rsplit("/", 1)[-1]
            key = matrix.PK_BY_SEGMENT.get(segment)
        else:
            key = matrix.OBJECT_BY_KWARG.get(name)
        if key:
            case.path_parameters[name] = matrix._object(world.a, key).pk


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_keeps_to_its_schema(case, world, db, settings, in_test_transaction):
    settings.ALLOWED_HOSTS = HOSTS
    _real_ids(case, world)
    token = world.token(world.a.officer)
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
