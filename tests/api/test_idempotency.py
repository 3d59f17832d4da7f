"""The Idempotency-Key header on every API POST that creates a record.

The same key and body from the same user within 24 hours answers the first answer again and
writes nothing; the same key with another body is a 409; another user's key is their own.
Without the header nothing changes. The parallel case runs in tests/services/test_races.py.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from networks.api.idempotency import IDEMPOTENCY_HEADER, IdempotentCreateMixin
from networks.models import (
    Activity,
    ActivityType,
    Attachment,
    Criterion,
    Evaluation,
    Firm,
    FirmIndicator,
    Goal,
    GoalActual,
    Handover,
    IdempotencyKey,
    Invitation,
    JointAction,
    JointActionType,
    Membership,
    Network,
    Payment,
    ServiceUptake,
)
from networks.services import idempotency as I
from tests import factories
from tests.builders import term_network
from tests.factories import PDF_MINIMAL as PDF
from tests.factories import ActivityFactory, GoalFactory, SupportServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def running(network, officer):
    return term_network(network, officer, months=30, pay=False)


def firms_of(network) -> list[Firm]:
    return [m.firm for m in Membership.objects.filter(network=network).order_by("firm_id")]


def today() -> str:
    return timezone.localdate().isoformat()


def payment_url(network) -> str:
    return f"/api/v1/networks/{network.pk}/payments/"


def payment_body(network, n: int = 1) -> dict:
    return {"firm": firms_of(network)[0].pk, "date": today(), "amount": f"{1000 + n}",
            "reference": f"TRF {n}"}  # fmt: skip


def post(api, url, body, key=None, fmt="json"):
    headers = {IDEMPOTENCY_HEADER: key} if key is not None else {}
    return api.post(url, body, format=fmt, headers=headers)


# --- one endpoint, every rule ---------------------------------------------------------------


def test_the_same_key_and_body_answers_the_first_answer_and_writes_once(api, facilitator, running):
    api.force_authenticate(facilitator)
    body = payment_body(running)
    first = post(api, payment_url(running), body, key="pay-2026-001")
    second = post(api, payment_url(running), body, key="pay-2026-001")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert Payment.objects.filter(network=running).count() == 1
    assert "Idempotent-Replayed" not in first
    assert second["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_409(api, facilitator, running):
    api.force_authenticate(facilitator)
    post(api, payment_url(running), payment_body(running, 1), key="k1")
    response = post(api, payment_url(running), payment_body(running, 2), key="k1")
    assert response.status_code == 409
    assert response.json() == {"detail": str(I.KEY_REUSED)}
    assert Payment.objects.filter(network=running).count() == 1


def test_the_same_key_and_body_on_another_endpoint_is_409(api, facilitator, running):
    api.force_authenticate(facilitator)
    firm = firms_of(running)[0]
    post(api, payment_url(running), payment_body(running), key="k1")
    response = post(api, f"/api/v1/firms/{firm.pk}/indicators/", payment_body(running), key="k1")
    assert response.status_code == 409
    assert not FirmIndicator.objects.exists()


def test_another_user_with_the_same_key_is_independent(api, facilitator, officer, running):
    body = payment_body(running)
    api.force_authenticate(facilitator)
    assert post(api, payment_url(running), body, key="shared").status_code == 201
    api.force_authenticate(officer)
    response = post(api, payment_url(running), body, key="shared")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Payment.objects.filter(network=running).count() == 2
    assert IdempotencyKey.objects.filter(key="shared").count() == 2


def test_without_the_header_nothing_changes(api, facilitator, running):
    api.force_authenticate(facilitator)
    body = payment_body(running)
    assert post(api, payment_url(running), body).status_code == 201
    assert post(api, payment_url(running), body).status_code == 201
    assert Payment.objects.filter(network=running).count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_refused_request_does_not_use_up_the_key(api, facilitator, running):
    api.force_authenticate(facilitator)
    body = {**payment_body(running), "amount": "0"}
    assert post(api, payment_url(running), body, key="retry-me").status_code == 400
    assert not IdempotencyKey.objects.exists()
    # Corrected, the same key goes through once.
    body["amount"] = "5000"
    assert post(api, payment_url(running), body, key="retry-me").status_code == 201
    assert post(api, payment_url(running), body, key="retry-me").status_code == 201
    assert Payment.objects.filter(network=running).count() == 1


def test_a_key_older_than_a_day_may_be_used_again(api, facilitator, running):
    api.force_authenticate(facilitator)
    body = payment_body(running)
    post(api, payment_url(running), body, key="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    response = post(api, payment_url(running), body, key="old")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Payment.objects.filter(network=running).count() == 2
    assert IdempotencyKey.objects.filter(key="old").count() == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "caf\u00e9", "a\tb"])
def test_a_malformed_key_is_400_naming_the_header(api, facilitator, running, key):
    api.force_authenticate(facilitator)
    response = post(api, payment_url(running), payment_body(running), key=key)
    assert response.status_code == 400
    assert response.json() == {IDEMPOTENCY_HEADER: [str(I.KEY_MALFORMED)]}
    assert not Payment.objects.exists()


def test_outsiders_get_404_whatever_the_key(api, outsider_facilitator, facilitator, running):
    api.force_authenticate(facilitator)
    post(api, payment_url(running), payment_body(running), key="mine")
    api.force_authenticate(outsider_facilitator)
    response = post(api, payment_url(running), payment_body(running), key="mine")
    assert response.status_code == 404
    assert Payment.objects.filter(network=running).count() == 1


# --- every creating endpoint ----------------------------------------------------------------


def _other_agency_firm(network):
    """A firm of another network of the same agency: one the facilitator may add."""
    sibling = factories.NetworkFactory(programme=network.programme)
    return factories.MembershipFactory(network=sibling).firm


def _cases(running, officer):
    firms = firms_of(running)
    admin = factories.AgencyAdminFactory(agency=running.programme.agency)
    goal = GoalFactory(network=running)
    preparing = factories.NetworkFactory(
        programme=running.programme, facilitator=running.facilitator
    )
    service = SupportServiceFactory(provider__agency=running.programme.agency)
    criteria = Criterion.objects.filter(programme=running.programme, is_active=True)
    due = running.handover_due
    activity = ActivityFactory(network=running, title="Kiln visit")
    net = f"/api/v1/networks/{running.pk}"
    return {
        "networks": (
            officer,
            "/api/v1/networks/",
            "json",
            {
                "programme": running.programme.pk,
                "name": "Vineyards of Curicó",
                "region": "Maule",
                "sector": "Wine",
                "facilitator": running.facilitator_id,
            },
            lambda: Network.objects.filter(name="Vineyards of Curicó").count(),
        ),
        "firms": (
            officer,
            "/api/v1/firms/",
            "json",
            {"name": "Maderas", "tax_id": "76.123.456-0"},
            lambda: Firm.objects.filter(name="Maderas").count(),
        ),
        "members": (
            None,
            f"{net}/members/",
            "json",
            {"firm": _other_agency_firm(running).pk},
            lambda: Membership.objects.filter(network=running).count(),
        ),
        "goals": (
            None,
            f"/api/v1/networks/{preparing.pk}/goals/",
            "json",
            {
                "horizon": "short",
                "title": "Joint purchase",
                "indicator": "Firms",
                "unit": "firms",
                "baseline": "0",
                "target": "8",
                "due_date": (timezone.localdate() + datetime.timedelta(days=200)).isoformat(),
            },
            lambda: Goal.objects.filter(network=preparing).count(),
        ),
        "activities": (
            None,
            f"{net}/activities/",
            "json",
            {
                "type": "group_workshop",
                "title": "Kiln workshop",
                "date": today(),
                "attendees": [firms[0].pk, firms[1].pk],
            },
            lambda: Activity.objects.filter(network=running).count(),
        ),
        "attachments": (
            None,
            f"/api/v1/activities/{activity.pk}/attachments/",
            "multipart",
            None,
            lambda: Attachment.objects.filter(activity=activity).count(),
        ),
        "joint-actions": (
            None,
            f"{net}/joint-actions/",
            "json",
            {
                "type": "joint_purchasing",
                "title": "Timber together",
                "firms": [firms[0].pk, firms[1].pk],
                "status": "planned",
            },
            lambda: JointAction.objects.filter(network=running).count(),
        ),
        "service-uptakes": (
            None,
            f"{net}/service-uptakes/",
            "json",
            {"firm": firms[0].pk, "service": service.pk, "date": today()},
            lambda: ServiceUptake.objects.filter(network=running).count(),
        ),
        "indicators": (
            None,
            f"/api/v1/firms/{firms[0].pk}/indicators/",
            "json",
            {"date": today(), "is_baseline": True, "employees": 12},
            lambda: FirmIndicator.objects.filter(firm=firms[0]).count(),
        ),
        "goal-actuals": (
            None,
            f"/api/v1/goals/{goal.pk}/actuals/",
            "json",
            {"period_end": today(), "value": "3"},
            lambda: GoalActual.objects.filter(goal=goal).count(),
        ),
        "payments": (
            None,
            f"{net}/payments/",
            "json",
            payment_body(running),
            lambda: Payment.objects.filter(network=running).count(),
        ),
        "handover": (
            None,
            f"{net}/handover/",
            "json",
            {
                "date": due.isoformat(),
                "manager": running.facilitator_id,
                "monthly_salary": "1300000",
                "commitments": [{"firm": f.pk, "share_percent": "10"} for f in firms],
            },
            lambda: Handover.objects.filter(network=running).count(),
        ),
        "evaluations": (
            officer,
            f"{net}/evaluations/",
            "json",
            {
                "date": today(),
                "notes": "",
                "results": [{"criterion": c.pk, "met": True} for c in criteria],
            },
            lambda: Evaluation.objects.filter(network=running).count(),
        ),
        "activity-types": (
            admin,
            "/api/v1/activity-types/",
            "json",
            {"programme": running.programme_id, "name": "Plant tour", "name_es": "Gira"},
            lambda: ActivityType.objects.filter(programme=running.programme).count(),
        ),
        "joint-action-types": (
            admin,
            "/api/v1/joint-action-types/",
            "json",
            {"programme": running.programme_id, "name": "Cold store"},
            lambda: JointActionType.objects.filter(programme=running.programme).count(),
        ),
        "invitations": (
            admin,
            "/api/v1/invitations/",
            "json",
            {"email": "contacto@example.com", "role": "firm_member", "firm": firms[0].pk},
            lambda: Invitation.objects.count(),
        ),
    }


CREATING = [
    "networks", "firms", "members", "goals", "activities", "attachments", "joint-actions",
    "service-uptakes", "indicators", "goal-actuals", "payments", "handover", "evaluations",
    "activity-types", "joint-action-types", "invitations",
]  # fmt: skip


@pytest.mark.parametrize("endpoint", CREATING)
def test_every_creating_endpoint_writes_once_per_key(api, running, officer, endpoint):
    actor, url, fmt, body, count = _cases(running, officer)[endpoint]
    api.force_authenticate(actor or running.facilitator)
    before = count()

    def send():
        if endpoint == "attachments":
            upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
            return post(api, url, {"file": upload}, key="same-key", fmt="multipart")
        return post(api, url, body, key="same-key", fmt=fmt)

    first, second = send(), send()
    assert first.status_code == 201, first.json()
    assert (second.status_code, second.json()) == (201, first.json())
    assert second["Idempotent-Replayed"] == "true"
    assert count() == before + 1


# --- no creating endpoint without it --------------------------------------------------------


def _views():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "cls", None)
                if view is not None:
                    yield prefix + str(pattern.pattern), view

    return list(walk(get_resolver().url_patterns))


def test_every_api_post_that_creates_honours_the_key_and_documents_it():
    """A POST that answers 201 creates a record: its view uses the mixin, and the schema
    documents the header. A new creating endpoint without it fails here."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    creating = {
        path
        for path, operations in schema["paths"].items()
        if "201" in operations.get("post", {}).get("responses", {})
    }
    assert len(creating) >= 15  # the report quotes this count
    for path in creating:
        operation = schema["paths"][path]["post"]
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert IDEMPOTENCY_HEADER in headers, f"POST {path} does not document {IDEMPOTENCY_HEADER}"
    by_path = {}
    for route, view in _views():
        if "post" in {m.lower() for m in view().allowed_methods}:
            by_path[route] = view
    checked = 0
    for route, view in by_path.items():
        shown = "/" + route.replace("<int:", "{").replace("<slug:", "{").replace(">", "}")
        shown = shown.replace("{pk}", "{id}")
        if shown in creating or issubclass(view, IdempotentCreateMixin):
            assert issubclass(view, IdempotentCreateMixin), f"POST {route} creates a record"
            checked += 1
    assert checked == len(creating)


# --- cleaning up ----------------------------------------------------------------------------


def test_purge_removes_keys_older_than_a_day_only(api, facilitator, running):
    api.force_authenticate(facilitator)
    post(api, payment_url(running), payment_body(running, 1), key="old")
    post(api, payment_url(running), payment_body(running, 2), key="new")
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1)
    )
    assert I.idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    # The command calls the same function (for cron).
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    call_command("purge_idempotency_keys", verbosity=0)
    assert not IdempotencyKey.objects.exists()
    assert Payment.objects.filter(network=running).count() == 2


def test_a_replay_costs_no_write(api, facilitator, running, django_assert_max_num_queries):
    api.force_authenticate(facilitator)
    body = payment_body(running)
    post(api, payment_url(running), body, key="q")
    # The network (access), the key; inside a savepoint. Nothing else is read or written.
    with django_assert_max_num_queries(4):
        response = post(api, payment_url(running), body, key="q")
    assert response.status_code == 201
    assert Payment.objects.count() == 1
    assert Decimal(response.json()["amount"]) == Decimal(body["amount"])
