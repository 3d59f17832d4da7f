"""Accessibility: axe-core on every main page, as each role, in English and Spanish.

A page fails on any serious or critical violation (axe's WCAG 2.1 A/AA rules and best
practices); the minor and moderate ones are printed for the record. Beyond axe: the page's
language, one h1 and one main landmark; errors tied to their fields; the skip link and a
visible focus ring; the phase said in words; charts with their figures as text.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from networks.lib import links
from networks.lib.dates import add_months
from networks.models import Activity, CheckIn, JointAction, JointProject, Network, User
from networks.services import notifications as notification_services
from networks.services import people as people_services
from networks.services import progress
from networks.services.projects import milestone_add, project_create
from networks.services.term import payment_record
from tests import factories
from tests.browser.conftest import AXE, axe_violations
from tests.browser.scenes import working_scene
from tests.factories import api_token

pytestmark = pytest.mark.django_db(transaction=True)

SERIOUS = ("serious", "critical")
ALL = ("minor", "moderate", *SERIOUS)
# The rules whose outcome depends on the words: the names of links, buttons, fields, images
# and headings, the page's title and language. The Spanish pass runs these (colours, landmarks
# and structure are the same in both languages, and the English pass checks every rule).
WORDING_RULES = [
    "html-has-lang", "html-lang-valid", "valid-lang", "document-title", "link-name",
    "button-name", "input-button-name", "label", "select-name", "label-title-only",
    "form-field-multiple-labels", "aria-input-field-name", "aria-toggle-field-name",
    "aria-command-name", "image-alt", "svg-img-alt", "role-img-alt", "empty-heading",
    "empty-table-header", "summary-name", "page-has-heading-one", "duplicate-id-aria",
]  # fmt: skip
FOCUS_RING = "rgb(255, 191, 71)"  # static/css/app.css :focus-visible


def _pages(scene, role: str) -> list[tuple[str, str]]:
    """(name, URL) of the main pages each role reaches."""
    n, w, firm = scene.network.pk, scene.waiting.pk, scene.firm_user.firm_id
    activity = Activity.objects.filter(network=scene.network).first()
    # A payment to correct (the scene records none: other tests read its balances).
    payment = payment_record(
        network=scene.network, firm=scene.firms[0], actor=scene.network.facilitator,
        date=timezone.localdate(), amount=Decimal("45000"), reference="TRF 1",
    )  # fmt: skip
    # The broker's records (issue 18): a project with a milestone, and a joint action's sales.
    project = JointProject.objects.filter(network=scene.network).first() or project_create(
        network=scene.network, actor=scene.network.facilitator, title="Marca colectiva",
        goal="Vender juntos.", firms=scene.firms[:2], budget=Decimal("1000000"),
        agency_funding=Decimal("500000"), firms_funding=Decimal("300000"),
    )  # fmt: skip
    if not project.milestones.exists():
        milestone_add(project=project, actor=scene.network.facilitator, title="Logo",
                      due_on=timezone.localdate())  # fmt: skip
    action = JointAction.objects.filter(network=scene.network).first()
    records = [
        ("projects", reverse("networks:project-list", args=[n])),
        ("a project", reverse("networks:project-detail", args=[n, project.pk])),
        ("certified firms", reverse("networks:network-certifications", args=[n])),
        ("diagnoses over time", reverse("networks:network-rediagnosis", args=[n])),
        ("a member's certifications", reverse("networks:firm-certifications", args=[firm])),
    ]
    if action is not None:
        records.append(
            ("sales won together", reverse("networks:joint-action-sales", args=[n, action.pk]))
        )
    answers = _answer_pages(scene, activity, action)
    after = _handed_over(scene).pk
    common = records + [
        ("network", reverse("networks:network-detail", args=[n])),
        # The workspace's tabs of their own (issue 17); the others are list pages below.
        ("members tab", reverse("networks:network-firms", args=[n])),
        ("money tab", reverse("networks:network-money", args=[n])),
        ("progress tab", reverse("networks:network-progress", args=[n])),
        ("history tab", reverse("networks:network-timeline", args=[n])),
        ("joint actions tab", reverse("networks:joint-action-list", args=[n])),
        ("evaluation tab", reverse("networks:evaluation-list", args=[n])),
        ("ledger", reverse("networks:network-ledger", args=[n])),
        ("activity list", reverse("networks:activity-list", args=[n])),
        ("participation", reverse("networks:network-participation", args=[n])),
        ("graph", reverse("networks:network-graph", args=[n])),
        ("exports", reverse("networks:export-list")),
        ("API tokens", reverse("networks:token-list")),
        ("notifications", reverse("networks:notification-list")),
        ("notification settings", reverse("networks:notification-preferences")),
    ]
    by_role = {
        "officer": [
            ("agency home", reverse("networks:agency-home")),
            ("no joint action to log", reverse("networks:joint-action-choose")),
            ("approvals queue", reverse("networks:approvals-queue")),
            ("application with the decision form", reverse("networks:network-application", args=[w])),
            ("activity form", reverse("networks:activity-create", args=[n])),
            ("portfolio report", reverse("networks:report-portfolio")),
            ("evaluation form", reverse("networks:evaluation-create", args=[n])),
            ("handover form", reverse("networks:handover-propose", args=[n])),
            ("audit history", reverse("networks:network-history", args=[n])),
            ("check-ins after independence", reverse("networks:check-in-list", args=[after])),
            ("check-in form", reverse("networks:check-in-create", args=[after])),
        ],
        "facilitator": [
            ("facilitator home", reverse("networks:facilitator-home")),
            ("application with the checklist", reverse("networks:network-application", args=[w])),
            ("activity form", reverse("networks:activity-create", args=[n])),
            ("joint action form", reverse("networks:joint-action-create", args=[n])),
            ("handover form", reverse("networks:handover-propose", args=[n])),
            ("a member's figures", reverse("networks:firm-indicators", args=[firm])),
            ("activity edit form", reverse("networks:activity-edit", args=[n, activity.pk])),
            ("payment correction", reverse("networks:payment-edit", args=[n, payment.pk])),
            *answers["facilitator"],
        ],
        "agencyadmin": _console_pages(scene),
        "firmuser": [
            ("firm home", reverse("networks:firm-home")),
            ("log a joint action from home", reverse("networks:joint-action-choose")),
            ("joint action form", reverse("networks:joint-action-create", args=[n])),
            ("our figures, and who reads them", reverse("networks:firm-indicators", args=[firm])),
            *answers["firmuser"],
        ],
    }  # fmt: skip
    return by_role[role] + common


def _answer_pages(scene, activity, action) -> dict:
    """Issue 17: a firm's answer recorded by the facilitator, and the e-mailed link's page."""
    n = scene.network.pk
    row = action.participants.exclude(firm_id=scene.firm_user.firm_id).first()
    contact = factories.FirmMemberFactory(firm_id=row.firm_id)
    token = links.make(links.Link("j", row.pk, action.pk, row.firm_id, contact.pk))
    return {
        "facilitator": [
            ("joint action with answers", reverse("networks:joint-action-detail", args=[n, action.pk])),
            ("activity with answers", reverse("networks:activity-detail", args=[n, activity.pk])),
            ("record an answer", reverse("networks:participation-record", args=[n, action.pk])),
            ("record attendance", reverse("networks:attendance-record", args=[n, activity.pk])),
        ],
        "firmuser": [("the e-mailed link", reverse("networks:confirmation-link", args=[token]))],
    }  # fmt: skip


def _handed_over(scene):
    """A network of the scene's programme in its second year of independence, with the first
    year's check-in (the network stopped)."""
    network = factories.NetworkFactory(
        programme=scene.network.programme, facilitator=scene.network.facilitator,
        name="After the handover",
    )  # fmt: skip
    handed = add_months(timezone.localdate(), -14)
    Network.objects.filter(pk=network.pk).update(
        phase=Network.Phase.INDEPENDENCE, term_start=add_months(handed, -36),
        handover_due=handed, handed_over_on=handed,
    )  # fmt: skip
    CheckIn.objects.create(
        network=network, year=1, date=add_months(handed, 11), still_meeting=False,
        manager_paid=False, members=6, joint_actions=0, stopped=True, notes="Closed in winter",
        recorded_by=scene.network.facilitator,
    )  # fmt: skip
    return network


def _console_pages(scene) -> list[tuple[str, str]]:
    """Every page of the agency console, and the invitation link's page."""
    programme = scene.network.programme
    admin = User.objects.get(username="agencyadmin")
    invitation = people_services.invitation_create(
        actor=admin, email="axe@example.com", role=User.Role.FIRM_MEMBER, firm=scene.firms[0]
    )
    notification_services.invitation_mail_send(invitation_id=invitation.pk)  # the worker's job
    token = re.search(r"/invitation/([^/\s]+)/", mail.outbox[-1].body).group(1)
    type_pk = programme.joint_action_types.first().pk
    return [
        ("console", reverse("networks:console")),
        ("programme settings", reverse("networks:console-programme", args=[programme.pk])),
        ("types", reverse("networks:console-types", args=[programme.pk])),
        ("type rename", reverse("networks:console-joint-action-type-edit",
                                args=[programme.pk, type_pk])),
        ("people", reverse("networks:console-people")),
        ("invite", reverse("networks:console-invite")),
        ("person", reverse("networks:console-person", args=[scene.network.facilitator_id])),
        ("audit", reverse("networks:console-audit")),
        ("support services catalogue", reverse("networks:support-catalogue")),
        ("criteria set", reverse("networks:criteria-set", args=[programme.pk])),
        ("criterion edit", reverse("networks:criterion-edit",
                                   args=[programme.pk, programme.criteria.first().pk])),
        ("firm users", reverse("networks:firm-people", args=[scene.firms[0].pk])),
        ("invitation link", reverse("networks:invitation-accept", args=[token])),
    ]  # fmt: skip


def _structure_problems(page, language: str) -> list[str]:
    """What a reader needs that axe only calls moderate: the language, one h1, one main."""
    problems = []
    lang = page.evaluate("document.documentElement.lang")
    if lang != language:
        problems.append(f"<html lang> is {lang!r}")
    if page.locator("h1").count() != 1:
        problems.append(f"{page.locator('h1').count()} h1 headings")
    if page.get_by_role("main").count() != 1:
        problems.append("not exactly one main landmark")
    return problems


def _axe(page, rules: list[str] | None) -> list[dict]:
    """Like conftest.axe_violations (every impact), optionally on some rules only."""
    if rules is None:
        return axe_violations(page, impacts=ALL)
    page.evaluate(AXE)
    options = {"resultTypes": ["violations"], "runOnly": {"type": "rule", "values": rules}}
    result = page.evaluate("async (options) => await axe.run(document, options)", options)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]  # fmt: skip


def _check(page, server, pages, role, language) -> tuple[list, list]:
    failures, notes = [], []
    for name, url in pages:
        response = page.goto(server + url)
        where = f"{role}/{language} {name}"
        if response.status != 200:
            failures.append((where, f"HTTP {response.status}"))
            continue
        for violation in _axe(page, None if language == "en" else WORDING_RULES):
            (failures if violation["impact"] in SERIOUS else notes).append((where, violation))
        failures += [(where, problem) for problem in _structure_problems(page, language)]
    return failures, notes


@pytest.mark.parametrize("role", ["officer", "facilitator", "firmuser", "agencyadmin"])
def test_every_main_page_passes_axe_in_both_languages(
    page, server, log_in, officer, facilitator, network, firm_user, agency_admin, role
):
    scene = working_scene(
        network=network, officer=officer, facilitator=facilitator, firm_user=firm_user
    )
    # The figures page with a series of the network's and one of the firm's own.
    firm, today = firm_user.firm, timezone.localdate()
    for days, network_for in ((200, network), (20, network), (10, None)):
        progress.firm_indicator_record(
            firm=firm, actor=firm_user, date=today - datetime.timedelta(days=days),
            is_baseline=days == 200, network=network_for, employees=days // 10, notes="Panel.",
        )  # fmt: skip
    pages = _pages(scene, role)
    for person in (officer, facilitator, firm_user, agency_admin):
        api_token(person)  # the token page with a token to revoke
    log_in(role)
    failures, notes = _check(page, server, pages, role, "en")
    # The same session in Spanish: the language cookie the language switch sets.
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": server}])
    more_failures, more_notes = _check(page, server, pages, role, "es")
    for where, item in notes + more_notes:
        print(f"note {where}: {item}")
    for where, item in failures + more_failures:
        print(f"FAIL {where}: {item}")
    print(f"axe: {role}, {len(pages)} pages x 2 languages checked")
    assert failures + more_failures == []


def _described_by(page, locator) -> list[str]:
    ids = (locator.get_attribute("aria-describedby") or "").split()
    return [page.locator(f"#{ident}").inner_text().strip() for ident in ids]


def test_errors_are_tied_to_their_fields(
    page, server, log_in, officer, facilitator, network, firm_user
):
    """An invalid field says so (aria-invalid) and points at its message (aria-describedby),
    for a plain input, a field with help text, and a radio group."""
    scene = working_scene(
        network=network, officer=officer, facilitator=facilitator, firm_user=firm_user
    )
    log_in("officer")
    page.goto(f"{server}{reverse('networks:activity-create', args=[scene.network.pk])}")
    page.get_by_label("Cost").fill("1.2345")
    page.get_by_role("button", name="Save the activity").click()
    title = page.get_by_label("Title")
    assert title.get_attribute("aria-invalid") == "true"
    assert "This field is required." in _described_by(page, title)
    # The cost: its help text and its error, both read with it.
    cost = page.get_by_label("Cost")
    assert cost.get_attribute("aria-invalid") == "true"
    help_text, error = _described_by(page, cost)
    assert help_text == "In CLP." and "2 decimal places" in error
    # The type: a select whose message is read with it.
    assert "This field is required." in _described_by(page, page.get_by_label("Type"))
    assert axe_violations(page) == []

    page.goto(f"{server}{reverse('networks:network-application', args=[scene.waiting.pk])}")
    page.get_by_role("button", name="Record the decision").click()
    group = page.get_by_role("group", name="Decision")
    assert "This field is required." in _described_by(page, group)
    assert page.get_by_role("radio", name="Approve").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []


def test_skip_link_focus_ring_and_words_for_colours(
    page, server, log_in, officer, facilitator, network, firm_user
):
    scene = working_scene(
        network=network, officer=officer, facilitator=facilitator, firm_user=firm_user
    )
    log_in("officer")
    page.goto(f"{server}{reverse('networks:network-detail', args=[scene.network.pk])}")

    # Tab from the top: the skip link comes first, on screen, with the focus ring.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 0
    assert skip.evaluate("el => getComputedStyle(el).outlineColor") == FOCUS_RING
    # Enter: the focus moves to the main content, and the next Tab stays in it.
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert focused == FOCUS_RING, "every focused control shows the ring"

    # Colour is never the only signal: the phase badge says the phase.
    badge = page.locator(".phase-badge").first
    assert badge.inner_text().strip() == "Consolidation"
    # The checklist says met / not met in words next to the ✓ and ✗.
    page.goto(f"{server}{reverse('networks:network-application', args=[scene.waiting.pk])}")
    assert page.get_by_text("met:", exact=False).count() >= 4

    # The collaboration graph is an image with a name, and its ties are also a table.
    page.goto(f"{server}{reverse('networks:network-graph', args=[scene.network.pk])}")
    graph = page.get_by_role("img", name="Collaboration graph of the member firms")
    assert graph.is_visible()
    ties = page.get_by_role("table", name="Ties between firms (the graph as a table)")
    assert ties.get_by_role("row").count() > 1
    # Every chart (the portfolio report's, the agency home's) is an image with its figures in
    # words, and a table with the same numbers sits in the same section.
    charts = 0
    for url in (reverse("networks:report-portfolio"), reverse("networks:agency-home")):
        page.goto(server + url)
        for canvas in page.locator("canvas").all():
            charts += 1
            assert canvas.get_attribute("role") == "img" and canvas.get_attribute("aria-label")
            section = canvas.locator("xpath=ancestor::section[1]")
            assert section.get_by_role("table").count() >= 1, f"{url}: a chart without its table"
    assert charts >= 2
