"""Pressing "Save" twice, or the browser sending a form again, creates one record.

Every page form that creates a record carries a one-time token (`{% form_token %}`); its view
is `@once_per_form`. The second submit writes nothing and is sent where the first one went,
with a message. Two submits at the same moment: tests/services/test_races.py.
"""

import importlib
import inspect
import pkgutil
import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from networks import services as services_package
from networks.models import (
    Activity,
    Attachment,
    Firm,
    FirmIndicator,
    GoalActual,
    IdempotencyKey,
    JointAction,
    Membership,
    Network,
    Payment,
    ServiceUptake,
)
from networks.views.common import FORM_ALREADY_SAVED, FORM_TOKEN_FIELD
from tests.builders import activity_type, term_network
from tests.factories import PDF_MINIMAL as PDF
from tests.factories import ActivityFactory, GoalFactory, SupportServiceFactory
from tests.views.conftest import shows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

TOKEN = re.compile(rf'name="{FORM_TOKEN_FIELD}" value="([^"]+)"')

# The page views whose POST creates a record, by URL name.
CREATING_PAGES = {
    "networks:network-create", "networks:network-members", "networks:member-add",
    "networks:goal-create", "networks:manager-appoint", "networks:manager-replace",
    "networks:activity-create", "networks:attachment-add", "networks:joint-action-create",
    "networks:uptake-create", "networks:support-catalogue", "networks:goal-progress",
    "networks:firm-indicators", "networks:payment-create", "networks:handover-propose",
    "networks:term-extend", "networks:early-handover", "networks:evaluation-create",
    "networks:criteria-set", "networks:import-confirm",
    # issue 16: the console's invitations and types, a firm's users
    "networks:console-invite", "networks:console-types", "networks:firm-people",
    # issue 18: check-ins, certifications, re-diagnoses, projects and their milestones
    "networks:check-in-create", "networks:firm-certifications", "networks:network-rediagnosis",
    "networks:project-list", "networks:project-detail",
    # issue 17: the facilitator records a firm's answer
    "networks:participation-record", "networks:attendance-record",
}  # fmt: skip

# Services that create records: a page view that calls one must be in CREATING_PAGES.
CREATING_SERVICES = {
    "network_create", "firm_create", "membership_add", "goal_create", "manager_appoint",
    "manager_replace", "activity_log", "attachment_add", "joint_action_log", "uptake_create",
    "provider_create", "service_create", "goal_actual_record", "firm_indicator_record",
    "payment_record", "handover_propose", "evaluation_record", "criterion_create",
    "import_apply", "term_extend", "early_handover_allow",
    "programme_create",  # no page creates programmes: the admin and the seeds do
    "invitation_create", "type_create",  # issue 16
    "check_in_record", "certification_record", "diagnosis_record", "project_create",
    "milestone_add",  # issue 18
    # Issue 17: they answer for a row that exists; the same form again finds it answered (409)
    # or, after a decline, gone (400): never a second answer (tests/services/test_confirmations).
    "participation_record", "attendance_record",
}  # fmt: skip


@pytest.fixture
def running(network, officer):
    return term_network(network, officer, months=2, pay=False)


def token_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    found = TOKEN.findall(response.content.decode())
    assert found, f"{url} has no form token"
    return found[-1]


def firms_of(network) -> list[Firm]:
    return [m.firm for m in Membership.objects.filter(network=network).order_by("firm_id")]


# --- twice the same form --------------------------------------------------------------------


def _cases(running, officer):
    firms = firms_of(running)
    today = timezone.localdate().isoformat()
    goal = GoalFactory(network=running)
    service = SupportServiceFactory(provider__agency=running.programme.agency)
    activity = ActivityFactory(network=running, title="Kiln visit")
    n = running.pk
    return {
        "payment": (None, reverse("networks:payment-create", args=[n]),
                    {"firm": firms[0].pk, "date": today, "amount": "25000", "reference": "T"},
                    lambda: Payment.objects.count()),
        "activity": (None, reverse("networks:activity-create", args=[n]),
                     {"type": activity_type(running).pk, "title": "Costing workshop",
                      "date": today, "attendees": [firms[0].pk, firms[1].pk], "cost": "0"},
                     lambda: Activity.objects.count()),
        "attachment": (None, reverse("networks:activity-detail", args=[n, activity.pk]),
                       None, lambda: Attachment.objects.count()),
        "joint-action": (None, reverse("networks:joint-action-create", args=[n]),
                         {"type": "joint_purchasing", "title": "Timber together",
                          "firms": [firms[0].pk, firms[1].pk], "status": "planned",
                          "value": "0"},
                         lambda: JointAction.objects.count()),
        "uptake": (None, reverse("networks:uptake-create", args=[n]),
                   {"firm": firms[0].pk, "service": service.pk, "date": today,
                    "status": "referred", "referred_by_facilitator": "on"},
                   lambda: ServiceUptake.objects.count()),
        "goal-actual": (None, reverse("networks:goal-progress", args=[n, goal.pk]),
                        {"period_end": today, "value": "3"}, lambda: GoalActual.objects.count()),
        "indicators": (None, reverse("networks:firm-indicators", args=[firms[0].pk]),
                       {"date": today, "is_baseline": "on", "employees": "12"},
                       lambda: FirmIndicator.objects.count()),
        "network": (officer, reverse("networks:network-create"),
                    {"programme": running.programme.pk, "name": "Vineyards", "region": "Maule",
                     "sector": "Wine", "facilitator": running.facilitator_id},
                    lambda: Network.objects.count()),
        "firm": (None, reverse("networks:network-members", args=[n]),
                 {"name": "Maderas Linares", "tax_id": "76.123.456-0"},
                 lambda: Firm.objects.count()),
    }  # fmt: skip


CASES = [
    "payment", "activity", "attachment", "joint-action", "uptake", "goal-actual", "indicators",
    "network", "firm",
]  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_a_form_sent_twice_saves_once(client, running, officer, case):
    actor, url, data, count = _cases(running, officer)[case]
    client.force_login(actor or running.facilitator)
    token = token_of(client, url)
    if case == "attachment":
        url = reverse("networks:attachment-add", args=[running.pk, Activity.objects.get().pk])

    def send():
        body = dict(data or {})
        if case == "attachment":
            body["file"] = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
        return client.post(url, {**body, FORM_TOKEN_FIELD: token})

    before = count()
    first = send()
    assert first.status_code == 302, first.context["form"].errors if first.context else first
    second = send()
    assert count() == before + 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    page = client.get(second["Location"])
    assert shows(page, FORM_ALREADY_SAVED)


def test_a_form_refused_keeps_its_token_free(client, running, facilitator):
    client.force_login(facilitator)
    url = reverse("networks:payment-create", args=[running.pk])
    token = token_of(client, url)
    firm = firms_of(running)[0].pk
    data = {"firm": firm, "date": timezone.localdate().isoformat(), FORM_TOKEN_FIELD: token}
    response = client.post(url, {**data, "amount": "-1"})
    assert response.status_code == 200  # shown again with the error
    assert not IdempotencyKey.objects.exists()
    assert client.post(url, {**data, "amount": "1000"}).status_code == 302
    assert Payment.objects.count() == 1


def test_a_refusal_shown_as_a_message_keeps_the_token_free(client, running, facilitator):
    """Some forms answer a refusal with a redirect and an error message (an upload of the
    wrong type): that is no save, so the same token may be sent again."""
    activity = ActivityFactory(network=running, title="Kiln visit")
    client.force_login(facilitator)
    token = token_of(client, reverse("networks:activity-detail", args=[running.pk, activity.pk]))
    url = reverse("networks:attachment-add", args=[running.pk, activity.pk])
    bad = SimpleUploadedFile("tool.exe", b"MZ\x90\x00" * 64, content_type="application/pdf")
    client.post(url, {"file": bad, FORM_TOKEN_FIELD: token})
    assert not Attachment.objects.exists() and not IdempotencyKey.objects.exists()
    good = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"file": good, FORM_TOKEN_FIELD: token}).status_code == 302
    assert Attachment.objects.count() == 1


def test_without_a_token_the_form_behaves_as_before(client, running, facilitator):
    client.force_login(facilitator)
    url = reverse("networks:payment-create", args=[running.pk])
    data = {"firm": firms_of(running)[0].pk, "date": timezone.localdate().isoformat(),
            "amount": "1000"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Payment.objects.count() == 2


def test_each_page_load_gives_a_new_token(client, running, facilitator):
    client.force_login(facilitator)
    url = reverse("networks:payment-create", args=[running.pk])
    assert token_of(client, url) != token_of(client, url)


def test_another_users_token_is_their_own(client, running, facilitator, officer):
    url = reverse("networks:payment-create", args=[running.pk])
    data = {"firm": firms_of(running)[0].pk, "date": timezone.localdate().isoformat(),
            "amount": "1000", FORM_TOKEN_FIELD: "the-same-token"}  # fmt: skip
    for user in (facilitator, officer):
        client.force_login(user)
        assert client.post(url, data).status_code == 302
    assert Payment.objects.count() == 2


def test_a_token_of_another_form_saves_nothing(client, running, facilitator):
    client.force_login(facilitator)
    payment = reverse("networks:payment-create", args=[running.pk])
    token = token_of(client, payment)
    client.post(payment, {"firm": firms_of(running)[0].pk, "amount": "1000", FORM_TOKEN_FIELD:
                          token, "date": timezone.localdate().isoformat()})  # fmt: skip
    goal = GoalFactory(network=running)
    progress = reverse("networks:goal-progress", args=[running.pk, goal.pk])
    data = {"period_end": timezone.localdate().isoformat(), "value": "3", FORM_TOKEN_FIELD: token}
    response = client.post(progress, data)
    assert response.status_code == 302 and response["Location"] == progress
    assert not GoalActual.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_save_once(network, officer):
    """The double click: both requests carry the token; the second waits on the key's unique
    index until the first commits, then is redirected to its result."""
    term_network(network, officer, months=2, pay=False)
    url = reverse("networks:payment-create", args=[network.pk])
    data = {"firm": firms_of(network)[0].pk, "date": timezone.localdate().isoformat(),
            "amount": "1000", FORM_TOKEN_FIELD: "double-click"}  # fmt: skip
    barrier = threading.Barrier(2)
    answers = []

    def submit():
        client = Client()
        client.force_login(network.facilitator)
        barrier.wait(timeout=10)
        try:
            answers.append(client.post(url, data))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(a.status_code for a in answers) == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert Payment.objects.filter(network=network).count() == 1


# --- no creating page without it ------------------------------------------------------------


def _page_views():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) in ("admin/", "api/v1/"):
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace == "networks":
                yield f"{namespace}:{pattern.name}", pattern.callback

    return dict(walk(get_resolver().url_patterns))


def _is_once(view) -> bool:
    while view is not None:
        if getattr(view, "once_per_form", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_every_creating_page_is_once_per_form():
    views = _page_views()
    assert not CREATING_PAGES - set(views), "CREATING_PAGES names a route that is gone"
    for name, view in views.items():
        source = inspect.getsource(inspect.unwrap(view))
        calls = {s for s in CREATING_SERVICES if re.search(rf"\b{s}\(", source)}
        if calls:
            assert name in CREATING_PAGES, f"{name} calls {calls}: add it to CREATING_PAGES"
    assert {name for name, view in views.items() if _is_once(view)} == CREATING_PAGES


def test_every_creating_service_is_known():
    """A new service that creates records must be considered here (and its page above)."""
    names = set()
    for info in pkgutil.iter_modules(services_package.__path__):
        module = importlib.import_module(f"{services_package.__name__}.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if obj.__module__ == module.__name__ and not name.startswith("_"):
                names.add(name)
    verbs = ("_create", "_log", "_record", "_add", "_propose", "_appoint", "_replace", "_apply")
    creating = {n for n in names if n.endswith(verbs)}
    assert creating <= CREATING_SERVICES, f"new creating services: {creating - CREATING_SERVICES}"


def test_the_creating_pages_render_a_token(client, running, officer, facilitator):
    goal = GoalFactory(network=running)
    client.force_login(facilitator)
    for url in (
        reverse("networks:payment-create", args=[running.pk]),
        reverse("networks:handover-propose", args=[running.pk]),
        reverse("networks:goal-progress", args=[running.pk, goal.pk]),
        reverse("networks:firm-indicators", args=[firms_of(running)[0].pk]),
        reverse("networks:network-members", args=[running.pk]) + "?q=" + "Firm",
    ):
        token_of(client, url)
    client.force_login(officer)
    for url in (
        reverse("networks:evaluation-create", args=[running.pk]),
        reverse("networks:term-extend", args=[running.pk]),
        reverse("networks:network-create"),
    ):
        token_of(client, url)
