"""Every route of the app that takes an object id, called by every kind of person who must not
reach that object, with every method: nobody gets in where they should not.

- anonymous: the login page (pages) or 401 (API);
- a firm member or facilitator of another network, agency staff of another agency: 404;
- a firm member of the same network asking for another firm's confidential figures: 404;
- someone who may see the object but not change it: 403.

One person who *may* is called too: a 404 above means "hidden", not "a wrong URL".

No route goes untested: ROUTES classifies every named route of the URLconf, and the first test
fails when one is missing. Routes without ids (lists, homes, exports, reports, search) are
classified here and tested in test_hidden_paths.py. The Django admin (`/admin/`) is for the
platform's operators only (profo/admin.py): test_admin_site.py calls every one of its pages as
every persona here, agency admins included, and only an operator gets in.
"""

import functools
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from networks.models import (
    Membership,
)

pytestmark = pytest.mark.django_db

# --- the classification ---------------------------------------------------------------------

# The people of the same agency and network who are not the firm member.
NOT_THE_OWNER = [
    "bystander-firm-member", "figures-owner", "facilitator", "agency-staff", "agency-admin",
]  # fmt: skip

# Who may do something, by rule: `allow` one who may; `deny` who of the same agency or network
# may not, with their status (outsiders get 404 for every rule).
RULES = {
    "network": {"allow": "firm-member", "deny": {}},
    "change": {"allow": "facilitator", "deny": {"firm-member": 403}},
    "agency": {"allow": "agency-staff", "deny": {"firm-member": 403, "facilitator": 403}},
    "admin": {
        "allow": "agency-admin",
        "deny": {"firm-member": 403, "facilitator": 403, "agency-staff": 403},
    },
    # Another member firm's figures: not found, as if they did not exist.
    "figures": {"allow": "figures-owner", "deny": {"firm-member": 404}},
    # What a firm shares of its figures: the firm decides, not its facilitator or agency.
    "figures-owner": {
        "allow": "figures-owner",
        "deny": {"firm-member": 404, "facilitator": 403, "agency-staff": 403, "agency-admin": 403},
    },  # fmt: skip
    "ja-editor": {"allow": "facilitator", "deny": {"firm-member": 403, "agency-staff": 403}},
    "ja-logger": {"allow": "firm-member", "deny": {"agency-staff": 403}},
    "participant": {
        "allow": "firm-member",
        "deny": {"agency-staff": 403, "facilitator": 403, "bystander-firm-member": 403},
    },
    "attendee": {"allow": "firm-member", "deny": {"agency-staff": 403, "facilitator": 403}},
    # A firm's answer recorded on its behalf: the network's facilitator only (issue 17).
    "recorder": {
        "allow": "facilitator",
        "deny": {"firm-member": 403, "agency-staff": 403, "agency-admin": 403},
    },
    # One's own API token: anybody else's is not found, as if it did not exist.
    "owner": {"allow": "firm-member", "deny": dict.fromkeys(NOT_THE_OWNER, 404)},
    # Another firm's payment: hidden from other members; its own firm may only look.
    "figures-change": {"allow": "facilitator", "deny": {"firm-member": 404, "figures-owner": 403}},
    # The agency console's people: its admins manage them, its staff may not; nobody else finds
    # them (facilitators and firms included).
    "people-admin": {
        "allow": "agency-admin",
        "deny": {"agency-staff": 403, "facilitator": 404, "firm-member": 404},
    },
}

# kind -> (rule for reading (GET), rule for writing (POST, PUT, PATCH, DELETE)).
KINDS = {
    "network-read": ("network", "network"),  # shows only; a POST shows the same page
    "network-change": ("change", "change"),
    "network-read-change": ("network", "change"),
    "agency-action": ("agency", "agency"),
    "agency-read": ("agency", "agency"),
    "network-read-agency-write": ("network", "agency"),
    "firm-figures": ("figures", "figures"),
    "firm-figures-sharing": ("figures-owner", "figures-owner"),
    "ja-edit": ("ja-editor", "ja-editor"),
    "ja-edit-api": ("network", "ja-editor"),
    "ja-log": ("ja-logger", "ja-logger"),
    "ja-log-api": ("network", "ja-logger"),
    "participant": ("network", "participant"),
    "attendee": ("network", "attendee"),
    "answer-record": ("recorder", "recorder"),
    "programme-read-admin-write": ("agency", "admin"),
    "programme-admin": ("admin", "admin"),
    "own-token": ("owner", "owner"),
    "own-notification": ("owner", "owner"),
    "payment": ("figures", "figures-change"),
    "firm-people": ("figures", "figures-change"),
    "console-people": ("people-admin", "people-admin"),
}
# Kinds of the routes without an id (tested in test_hidden_paths.py or by their own tests).
NO_ID_KINDS = {"public", "self", "list", "home", "export", "import", "report", "create"}

ROUTES = {
    # --- pages: the network and its group
    "networks:network-detail": "network-read",
    "networks:network-firms": "network-read",
    "networks:network-money": "network-read",
    "networks:network-progress": "network-read",
    "networks:network-timeline": "network-read",
    "networks:network-dissolve": "agency-action",
    "networks:network-members": "network-change",
    "networks:member-search": "network-change",
    "networks:member-add": "network-change",
    "networks:member-remove": "network-change",
    "networks:network-diagnosis": "network-change",
    "networks:goal-create": "network-change",
    "networks:goal-edit": "network-change",
    "networks:goal-delete": "network-change",
    "networks:network-application": "network-change",
    "networks:application-checklist": "network-change",
    "networks:application-submit": "network-change",
    "networks:application-decide": "agency-action",
    "networks:manager-appoint": "agency-action",
    "networks:manager-replace": "agency-action",
    "networks:network-history": "agency-read",
    "networks:network-report": "network-read",
    # --- pages: activities
    "networks:activity-list": "network-read",
    "networks:activity-create": "network-change",
    "networks:activity-detail": "network-read",
    "networks:activity-edit": "network-change",
    "networks:activity-delete": "network-change",
    "networks:attendance-confirm": "attendee",
    "networks:attendance-decline": "attendee",
    "networks:attendance-record": "answer-record",
    "networks:attendance-remind": "answer-record",
    "networks:attachment-add": "network-change",
    "networks:attachment-download": "network-read",
    "networks:attachment-delete": "network-change",
    # --- pages: joint actions and take-up
    "networks:joint-action-list": "network-read",
    "networks:joint-action-create": "ja-log",
    "networks:joint-action-detail": "network-read",
    "networks:joint-action-edit": "ja-edit",
    "networks:joint-action-confirm": "participant",
    "networks:joint-action-decline": "participant",
    "networks:participation-record": "answer-record",
    "networks:participation-remind": "answer-record",
    # The attached paper of a recorded answer: who may change the network reads it.
    "networks:confirmation-evidence": "network-change",
    "networks:uptake-list": "network-read",
    "networks:uptake-create": "network-change",
    "networks:check-in-list": "network-read",
    "networks:check-in-create": "network-change",
    "networks:uptake-edit": "network-change",
    # --- pages: progress and figures
    "networks:goal-progress": "network-read-change",
    "networks:goal-evidence-download": "network-read",
    "networks:firm-indicators": "firm-figures",
    "networks:firm-figures-sharing": "firm-figures-sharing",
    "networks:network-indicators": "network-read",
    "networks:network-participation": "network-read",
    "networks:network-graph": "network-read",
    # --- pages: the broker's records
    "networks:firm-certifications": "firm-figures",
    "networks:certification-edit": "firm-figures",
    "networks:certification-evidence": "firm-figures",
    "networks:network-certifications": "network-read",
    "networks:network-rediagnosis": "network-read-change",
    "networks:project-list": "network-read-change",
    "networks:project-detail": "network-read-change",
    "networks:project-edit": "network-change",
    "networks:milestone-update": "network-change",
    "networks:joint-action-sales": "ja-edit-api",
    # --- pages: the term
    "networks:network-ledger": "network-read",
    "networks:firm-ledger": "firm-figures",
    "networks:payment-create": "network-change",
    "networks:payment-edit": "network-change",
    "networks:goal-actual-edit": "network-change",
    "networks:firm-indicator-edit": "firm-figures",
    "networks:share-weights": "network-change",
    "networks:dues-generate": "network-change",
    "networks:term-extend": "agency-action",
    "networks:early-handover": "agency-action",
    "networks:handover-propose": "network-change",
    "networks:handover-confirm": "agency-action",
    # --- pages: evaluation and the programme's criteria (under /console/ since issue 16; the
    # old /programmes/.../criteria/ and /support/ addresses are unnamed permanent redirects
    # that say nothing of the object: tests/views/test_console.py)
    "networks:evaluation-list": "network-read",
    "networks:evaluation-create": "agency-action",
    "networks:evaluation-detail": "network-read",
    "networks:criteria-set": "programme-read-admin-write",
    "networks:criterion-edit": "programme-admin",
    "networks:criterion-move": "programme-admin",
    "networks:criterion-deactivate": "programme-admin",
    "networks:criterion-reactivate": "programme-admin",
    # --- pages: the agency console
    "networks:console-programme": "programme-admin",
    "networks:console-types": "programme-admin",
    "networks:console-activity-type-edit": "programme-admin",
    "networks:console-activity-type-retire": "programme-admin",
    "networks:console-activity-type-reinstate": "programme-admin",
    "networks:console-joint-action-type-edit": "programme-admin",
    "networks:console-joint-action-type-retire": "programme-admin",
    "networks:console-joint-action-type-reinstate": "programme-admin",
    "networks:console-person": "console-people",
    "networks:console-person-role": "console-people",
    "networks:console-person-deactivate": "console-people",
    "networks:console-person-reactivate": "console-people",
    "networks:invitation-resend": "console-people",
    "networks:invitation-revoke": "console-people",
    "networks:firm-people": "firm-people",
    "networks:console": "list",
    "networks:console-people": "list",
    "networks:console-invite": "create",
    "networks:console-audit": "list",
    "networks:invitation-accept": "public",
    # The e-mailed answer link: the signed token is the key (tests/views/test_confirmations.py).
    "networks:confirmation-link": "public",
    # --- pages without an id
    "networks:home": "home",
    "networks:agency-home": "home",
    "networks:agency-at-risk": "home",
    "networks:facilitator-home": "home",
    "networks:firm-home": "home",
    "networks:network-create": "create",
    "networks:joint-action-choose": "create",
    "networks:approvals-queue": "list",
    "networks:support-catalogue": "list",
    "networks:report-portfolio": "report",
    "networks:export-list": "export",
    "networks:export": "export",
    "networks:import": "import",
    "networks:import-confirm": "import",
    "networks:import-cancel": "import",
    "networks:import-template": "import",
    # --- pages: the user's own account
    "networks:token-list": "self",
    "networks:token-revoke": "own-token",
    "networks:notification-list": "self",
    "networks:notification-read": "own-notification",
    "networks:notification-read-all": "self",
    "networks:notification-preferences": "self",
    "networks:failed-mail-list": "list",
    # --- the API under /api/v1/
    "api:network-detail": "network-read-change",
    "api:member-list": "network-read-change",
    "api:member-detail": "network-change",
    "api:diagnosis": "network-read-change",
    "api:goal-list": "network-read-change",
    "api:application": "network-read",
    "api:submit": "network-change",
    "api:decide": "agency-action",
    "api:appoint-manager": "agency-action",
    "api:replace-manager": "agency-action",
    "api:dissolve": "agency-action",
    "api:transition-list": "network-read",
    "api:network-activity-list": "network-read-change",
    "api:activity-detail": "network-read-change",
    "api:activity-attachment-upload": "network-change",
    "api:attachment-download": "network-read",
    "api:activity-attendance-confirm": "attendee",
    "api:activity-attendance-decline": "attendee",
    "api:activity-record-answer": "answer-record",
    "api:joint-action-list": "ja-log-api",
    "api:joint-action-detail": "ja-edit-api",
    "api:joint-action-confirm": "participant",
    "api:joint-action-decline": "participant",
    "api:joint-action-record-answer": "answer-record",
    "api:uptake-list": "network-read-change",
    "api:uptake-detail": "network-read-change",
    "api:check-in-list": "network-read-change",
    "api:firm-indicator-list": "firm-figures",
    "api:firm-sharing-list": "firm-figures-sharing",
    "api:firm-sharing-detail": "firm-figures-sharing",
    "api:goal-actual-list": "network-read-change",
    "api:participation": "network-read",
    "api:graph": "network-read",
    "api:contribution-list": "network-read",
    "api:firm-ledger": "firm-figures",
    "api:payment-create": "network-change",
    "api:payment-detail": "payment",
    "api:goal-actual-detail": "network-read-change",
    "api:firm-indicator-detail": "firm-figures",
    "api:readiness": "network-read",
    "api:handover": "network-change",
    "api:handover-confirm": "agency-action",
    "api:extend-term": "agency-action",
    "api:early-handover": "agency-action",
    "api:evaluation-list": "network-read-agency-write",
    "api:programme-detail": "programme-admin",
    "api:activity-type-detail": "programme-admin",
    "api:joint-action-type-detail": "programme-admin",
    "api:activity-type-list": "list",
    "api:joint-action-type-list": "list",
    "api:user-list": "list",
    "api:invitation-list": "list",
    "api:token": "public",
    "api:me": "self",
    "api:token-list": "self",
    "api:token-detail": "own-token",
    "api:notification-list": "self",
    "api:notification-read": "own-notification",
    "api:notification-read-all": "self",
    "api:password": "self",
    "api:network-list": "list",
    "api:firm-list": "list",
    "api:support-service-list": "list",
    "api:criterion-list": "list",
    "api:report-portfolio": "report",
    "api:export": "export",
    "api:dashboard": "home",
    "api:certification-list": "firm-figures",
    "api:certification-detail": "firm-figures",
    "api:diagnosis-list": "network-read-change",
    "api:project-list": "network-read-change",
    "api:project-detail": "network-read-change",
    "api:milestone-list": "network-read-change",
    "api:milestone-detail": "network-read-change",
    "api:joint-action-sales": "ja-edit-api",
    # --- the rest
    "api-schema": "public",
    "healthz": "public",
    "set_language": "public",
    "login": "public",
    "logout": "self",
    "password_change": "self",
    "password_change_done": "self",
    "password_reset": "public",
    "password_reset_done": "public",
    "password_reset_confirm": "public",
    "password_reset_complete": "public",
}

# Pages that answer only POST (a GET is 405) or only GET and HEAD (a POST is 405).
POST_ONLY = {
    "networks:member-add", "networks:application-submit", "networks:application-decide",
    "networks:attendance-confirm", "networks:attachment-add", "networks:joint-action-confirm",
    "networks:joint-action-decline", "networks:dues-generate", "networks:handover-confirm",
    "networks:criterion-move", "networks:criterion-deactivate", "networks:criterion-reactivate",
    "networks:token-revoke", "networks:notification-read", "networks:notification-read-all",
    "networks:firm-figures-sharing",
    "networks:milestone-update",
    "networks:console-activity-type-retire", "networks:console-activity-type-reinstate",
    "networks:console-joint-action-type-retire", "networks:console-joint-action-type-reinstate",
    "networks:console-person-role", "networks:console-person-deactivate",
    "networks:console-person-reactivate", "networks:invitation-resend",
    "networks:invitation-revoke", "networks:attendance-decline", "networks:attendance-remind",
    "networks:participation-remind",
}  # fmt: skip
GET_ONLY = {"networks:network-history"}


# --- the URLconf ----------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) == "admin/":
                continue  # the admin: profo/admin.py, tested in test_admin_access.py
            inner = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


@functools.cache
def all_routes() -> dict:
    return {name: (route, pattern) for name, route, pattern in _walk(get_resolver().url_patterns)}


def int_kwargs(pattern) -> list[str]:
    return [k for k, c in pattern.pattern.converters.items() if isinstance(c, IntConverter)]


def methods_of(name: str, pattern) -> tuple[set, list]:
    """(methods the route answers, methods to call it with)."""
    view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if name.startswith("api:") and view is not None:
        allowed = set(view().allowed_methods) - {"OPTIONS", "HEAD"}
        return allowed, ["GET", "POST", *sorted(allowed - {"GET", "POST"})]
    if name in POST_ONLY:
        return {"POST"}, ["GET", "POST"]
    if name in GET_ONLY:
        return {"GET"}, ["GET", "POST"]
    return {"GET", "POST"}, ["GET", "POST"]


OUTSIDERS = ["other-agency-staff", "other-network-facilitator", "other-network-firm-member"]


def _cases():
    cases = []
    for name, (_route, pattern) in sorted(all_routes().items()):
        if name not in ROUTES or not int_kwargs(pattern):
            continue
        read_rule, write_rule = KINDS[ROUTES[name]]
        allowed, methods = methods_of(name, pattern)
        is_api = name.startswith("api:")
        for method in methods:
            expect = {"anonymous": 401 if is_api else "login"}
            if method not in allowed:
                # Not answered at all: outsiders learn nothing either way.
                expect.update({p: {404, 405} for p in OUTSIDERS})
            else:
                rule = RULES[read_rule if method == "GET" else write_rule]
                expect.update(dict.fromkeys(OUTSIDERS, 404))
                expect.update(rule["deny"])
                expect[rule["allow"]] = "allow"
            cases += [
                pytest.param(name, method, persona, status, id=f"{name}-{method}-{persona}")
                for persona, status in expect.items()
            ]
    return cases


# --- the world's objects --------------------------------------------------------------------

# The object behind `pk` in an API route, by the path segment before it.
PK_BY_SEGMENT = {
    "networks": "network",
    "activities": "activity",
    "joint-actions": "joint_action",
    "service-uptakes": "uptake",
    "firms": "figures_firm",
    "goals": "goal",
    "attachments": "attachment",
    "goal-actuals": "goal_actual",
    "tokens": "token",
    "notifications": "notification",
    "payments": "payment",
    "firm-indicators": "indicator",
    "certifications": "certification",
    "people": "officer",
    "programmes": "programme",
    "activity-types": "activity_type",
    "joint-action-types": "joint_action_type",
    "invitations": "invitation",
}
OBJECT_BY_KWARG = {
    "network_pk": "network",
    "firm_pk": "figures_firm",
    "firm_id": "figures_firm",
    "goal_pk": "goal",
    "activity_pk": "activity",
    "attachment_pk": "attachment",
    "ja_pk": "joint_action",
    "uptake_pk": "uptake",
    "evaluation_pk": "evaluation",
    "programme_pk": "programme",
    "criterion_pk": "criterion",
    "payment_pk": "payment",
    "actual_pk": "goal_actual",
    "indicator_pk": "indicator",
    "project_pk": "project",
    "m_pk": "milestone",
    "row_pk": "answer_row",
}


def _object(side, key: str):
    if key == "figures_firm":
        # Another member firm than the firm member's own: its figures are confidential.
        return side.firms[1]
    if key in ("activity_type", "joint_action_type"):
        return (side.activity if key == "activity_type" else side.joint_action).type
    return getattr(side, key)


def url_for(name: str, side) -> str:
    route, pattern = all_routes()[name]
    kwargs = {}
    for kwarg in int_kwargs(pattern):
        if kwarg == "pk":
            segment = route.split("<int:pk>")[0].rstrip("/").rsplit("/", 1)[-1]
            key = PK_BY_SEGMENT.get(segment)
        elif name == "networks:goal-evidence-download" and kwarg == "attachment_pk":
            key = "evidence"
        elif kwarg == "type_pk":
            key = "joint_action_type" if "joint-action" in name else "activity_type"
        else:
            key = OBJECT_BY_KWARG.get(kwarg)
        assert key, f"tell url_for in {__file__} which object `{kwarg}` of {name} names"
        kwargs[kwarg] = _object(side, key).pk
    if name == "networks:confirmation-evidence":
        kwargs["kind"] = "participant"
    return reverse(name, kwargs=kwargs)


PERSONAS = {
    "other-agency-staff": lambda w: w.b.officer,
    "other-network-facilitator": lambda w: w.a.facilitator2,
    "other-network-firm-member": lambda w: w.a.firm_user2,
    "firm-member": lambda w: w.a.firm_user,
    "bystander-firm-member": lambda w: w.a.bystander_firm_user,
    "figures-owner": lambda w: w.a.other_firm_user,
    "facilitator": lambda w: w.a.facilitator,
    "agency-staff": lambda w: w.a.officer,
    "agency-admin": lambda w: w.a.admin,
}
FORM = {"reason": "Because.", "decision": "approve", "direction": "up"}


def call(client, method: str, url: str, *, api: bool):
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, json.dumps({}), content_type="application/json")
    return client.post(url, FORM)


CASES = _cases()

# --- the tests ------------------------------------------------------------------------------


def test_every_route_is_classified():
    routes = all_routes()
    for name in sorted(routes):
        assert name in ROUTES, f"classify the new route {name} in tests/security/test_url_matrix.py"
    assert not set(ROUTES) - set(routes), "routes classified here that no longer exist"
    for name, (_route, pattern) in routes.items():
        kind = ROUTES[name]
        if int_kwargs(pattern):
            assert kind in KINDS, f"{name} takes an id: give it a kind of KINDS, not {kind!r}"
        else:
            assert kind in NO_ID_KINDS, f"{name} takes no id: its kind is one of {NO_ID_KINDS}"


def test_the_matrix_covers_every_route_with_an_id():
    covered = {case.values[0] for case in CASES}
    with_ids = {name for name, (_r, p) in all_routes().items() if int_kwargs(p)}
    assert covered == with_ids
    assert len(with_ids) >= 90  # the report quotes this count


@pytest.mark.parametrize("name, method, persona, expect", CASES)
def test_route(client, world, db, name, method, persona, expect):
    url = url_for(name, world.a)
    if persona != "anonymous":
        world.login(client, PERSONAS[persona](world))
    response = call(client, method, url, api=name.startswith("api:"))
    status = response.status_code
    where = f"{method} {url} as {persona}: {status}"
    if expect == "login":
        assert status == 302 and response["Location"].startswith(reverse("login")), where
    elif expect == "allow":
        assert status not in (401, 403, 404, 405) and status < 500, where
        if status == 302:
            assert not response["Location"].startswith(reverse("login")), where
    elif isinstance(expect, set):
        assert status in expect, where
    else:
        assert status == expect, where


# --- a firm's figures across agencies -------------------------------------------------------

FIGURE_ROUTES = ["networks:firm-indicators", "api:firm-indicator-list"]


@pytest.mark.parametrize("name", FIGURE_ROUTES)
@pytest.mark.parametrize("persona", ["facilitator", "agency-staff", "agency-admin"])
def test_another_agencys_firm_shows_none_of_that_agencys_figures(client, world, db, name, persona):
    """Agency B's firm is not found on A's figure routes; once it joins network A (a RUT is
    public), A opens its panel but reads none of the rows B recorded."""
    firm = world.b.firms[1]  # with B's confidential baseline
    url = reverse(name, args=[firm.pk])
    world.login(client, PERSONAS[persona](world))
    for method in ("GET", "POST"):
        assert call(client, method, url, api=name.startswith("api:")).status_code == 404
    Membership.objects.create(network=world.a.network, firm=firm)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert firm.name in body or name.startswith("api:")
    assert "BRAVO-confidential" not in body
