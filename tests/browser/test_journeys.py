"""The user journeys, end to end in Chromium against the live server on PostgreSQL.

Each journey finds its way as a person would: links, buttons and fields by their names. Each
one ends with a screenshot in test-artifacts/ and with no Content-Security-Policy violation
reported by the browser (the proof that the pages need no inline script or style).
"""

import re
import struct
import time
import zlib
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from networks.lib.dates import add_months
from networks.lib.taxid import rut_check_digit
from networks.models import Application, Handover, JointActionParticipant, Network
from tests import builders, factories
from tests.browser.scenes import member_firms
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}


def field(scope, label: str):
    """A form field by its label; crispy adds an asterisk to required ones. (A regular
    expression is matched against the label's raw text, line breaks included.)"""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def rut(number: int) -> str:
    """A valid RUT written as people write it, e.g. 76.543.210-3."""
    return f"{number:,}".replace(",", ".") + f"-{rut_check_digit(number)}"


def tiny_png() -> bytes:
    """A valid 1×1 PNG (a photo from the visit, as far as the upload check is concerned)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x0b\x55\x63")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def switch_user(page, log_in, username: str) -> None:
    page.context.clear_cookies()
    log_in(username)


def open_network(page, network) -> None:
    """From the home page (the PROFO brand link, which a phone shows without opening the menu)
    to the network's own page."""
    page.get_by_role("link", name="PROFO", exact=True).click()
    page.get_by_role("link", name=network.name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(network.name)


def shows(page, text: str) -> None:
    expect(page.get_by_text(text, exact=False).first).to_be_visible()


def row_of(table, name: str):
    """The table row headed by `name` ("Firm 1" is not "Firm 10")."""
    return table.get_by_role("row", name=re.compile(rf"^{re.escape(name)}(?!\w)"))


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide at {PHONE['width']}px"


@pytest.fixture
def timed(page):
    # A step that cannot happen fails in seconds, not after Playwright's 30.
    page.set_default_timeout(8000)
    started = time.monotonic()
    yield
    print(f"\njourney took {time.monotonic() - started:.1f}s")


# --- 1. The facilitator forms a group -------------------------------------------------------


def test_journey_1_facilitator_forms_a_group(
    page, server, log_in, facilitator, programme, csp_violations, screenshot, timed
):
    # Firms already registered (by another network, say): the search finds them.
    known = [
        factories.FirmFactory(name=name, tax_id=f"{number}-{rut_check_digit(number)}")
        for name, number in [("Maderas del Maule", 76100001), ("Muebles Lircay", 76100002),
                             ("Tornería San Clemente", 76100003), ("Barnices Colín", 76100004)]
    ]  # fmt: skip
    log_in("facilitator")
    page.get_by_role("link", name="New network").click()
    field(page, "Name").fill("Furniture makers of Talca")
    field(page, "Region").fill("Maule")
    field(page, "Commune").fill("Talca")
    field(page, "Sector").fill("Furniture")
    page.get_by_role("button", name="Create the network").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Furniture makers of Talca")
    network = Network.objects.get(name="Furniture makers of Talca")
    expect(page.locator(".phase-badge")).to_have_text("Preparation")

    page.get_by_role("link", name="Manage members").click()
    search = page.get_by_role("searchbox", name="Name or tax id")
    # Two by name, found as one types (htmx); two by tax id, written with dots and dash as on
    # an invoice, with the Search button.
    for query, firm in [("Maderas", known[0]), ("lircay", known[1])]:
        search.clear()  # after an addition the box keeps the last search
        search.press_sequentially(query)
        page.get_by_role("button", name=f"Add {firm.name}").click()
        shows(page, f"{firm.name} added to the network.")
    for query, firm in [(rut(76100003), known[2]), (rut(76100004), known[3])]:
        search.fill(query)
        page.get_by_role("button", name="Search", exact=True).click()
        page.get_by_role("button", name=f"Add {firm.name}").click()
        shows(page, f"{firm.name} added to the network.")

    new_firm = page.get_by_role("region", name="Register a new firm and add it")
    newcomers = [("Carpintería Río Claro", 76200001), ("Tapicería Maule Sur", 76200002),
                 ("Aserradero Pencahue", 76200003), ("Herrajes Talca", 76200004),
                 ("Diseño Nativo", 76200005)]  # fmt: skip
    for name, number in newcomers:
        field(new_firm, "Name").fill(name)
        field(new_firm, "Tax id").fill(rut(number))
        field(new_firm, "Employees").fill("8")
        new_firm.get_by_role("button", name="Register and add").click()
        shows(page, f"{name} registered and added to the network.")

    # A mistyped RUT: the message names the problem next to the field; corrected, it goes in.
    new_firm = page.get_by_role("region", name="Register a new firm and add it")
    field(new_firm, "Name").fill("Lacas del Centro")
    good = rut(76200006)
    field(new_firm, "Tax id").fill(good[:-1] + ("0" if good[-1] != "0" else "1"))
    new_firm.get_by_role("button", name="Register and add").click()
    tax_id = field(page.get_by_role("region", name="Register a new firm and add it"), "Tax id")
    expect(tax_id).to_have_attribute("aria-invalid", "true")
    message = "The RUT's check digit is wrong: please check the number."
    shows(page, message)
    assert network.memberships.count() == 9, "the bad RUT added nothing"
    tax_id.fill(good)
    page.get_by_role("button", name="Register and add").click()
    shows(page, "Lacas del Centro registered and added to the network.")
    shows(page, "10 active member firms.")
    members = page.get_by_role("table", name="Active member firms")
    for firm in known:
        expect(members.get_by_role("rowheader", name=firm.name)).to_be_visible()

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=network.name).click()
    page.get_by_role("link", name="Diagnosis", exact=True).click()
    field(page, "Problems").fill("Each workshop buys timber alone and pays retail prices.")
    field(page, "Opportunities").fill("Hotels on the coast want certified native-wood furniture.")
    field(page, "Basis for collaboration").fill("The owners meet at the Talca fair every year.")
    page.get_by_role("button", name="Save the diagnosis").click()
    shows(page, "Diagnosis saved.")

    today = timezone.localdate()
    goals = [
        ("short term (within 12 months)", "Joint purchase of timber", "Firms buying together",
         "firms", "0", "8", add_months(today, 10)),
        ("medium term (within 36 months)", "Furniture sold to coastal hotels", "Annual sales",
         "CLP", "0", "40000000", add_months(today, 30)),
    ]  # fmt: skip
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=network.name).click()
    for horizon, title, indicator, unit, baseline, target, due in goals:
        page.get_by_role("link", name="Add a goal").click()  # saved, the goal leads back here
        field(page, "Horizon").select_option(label=horizon)
        field(page, "Title").fill(title)
        field(page, "Indicator").fill(indicator)
        field(page, "Unit").fill(unit)
        field(page, "Baseline").fill(baseline)
        field(page, "Target").fill(target)
        field(page, "Due date").fill(due.isoformat())
        page.get_by_role("button", name="Save the goal").click()
        shows(page, f"Goal “{title}” added.")

    page.get_by_role("link", name="Application", exact=True).click()
    checklist = page.get_by_role("region", name="Conditions for submitting").get_by_role("listitem")
    expect(checklist).to_have_count(4)
    for item in checklist.all():
        expect(item).to_contain_text("met:")
        expect(item).not_to_contain_text("not met")
    page.get_by_role("button", name="Submit the application to the agency").click()
    shows(page, "Application of “Furniture makers of Talca” submitted to the agency.")
    shows(page, "Status: submitted")
    assert network.application.status == Application.Status.SUBMITTED
    screenshot("journey-1-submitted")
    assert csp_violations == []


# --- 2. Agency staff decide -----------------------------------------------------------------


def _tab_to(page, role: str, name: str, limit: int = 80) -> None:
    """Press Tab until the control has the focus, as a keyboard user would."""
    target = page.get_by_role(role, name=name)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{role} {name!r} is not reachable with Tab")


def test_journey_2_agency_staff_decide(
    page, server, log_in, officer, facilitator, network, csp_violations, screenshot, timed
):
    builders.submitted_network(network)
    reason = "Add a goal on training: the group has no human-resources goal."

    log_in("officer")
    page.get_by_role("link", name="Approvals").click()
    queue = page.get_by_role("table", name="Submitted applications")
    queue.get_by_role("link", name=network.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Application of {network.name}")
    shows(page, "Isolated workshops, old machines, no joint purchasing.")  # the diagnosis

    # The decision by keyboard alone: Tab to the radios, arrow to "Return", Space, Tab to the
    # reason, type it, Tab to the button, Enter.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link: the focus is now on the main content
    _tab_to(page, "radio", "Approve")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Return for changes")).to_be_checked()
    page.keyboard.press("Tab")
    expect(field(page, "Reason")).to_be_focused()
    page.keyboard.type(reason)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Record the decision")).to_be_focused()
    page.keyboard.press("Enter")
    shows(page, f"Application of “{network.name}” returned for changes.")
    shows(page, "No application is waiting for a decision.")

    # The facilitator reads the reason, adds the missing goal and submits again.
    switch_user(page, log_in, "facilitator")
    open_network(page, network)
    page.get_by_role("link", name="Application", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(reason)
    page.get_by_role("link", name="Add a goal").click()
    field(page, "Horizon").select_option(label="short term (within 12 months)")
    field(page, "Title").fill("Joint training course on finishes")
    field(page, "Indicator").fill("Workers trained")
    field(page, "Unit").fill("people")
    field(page, "Baseline").fill("0")
    field(page, "Target").fill("20")
    field(page, "Due date").fill(add_months(timezone.localdate(), 9).isoformat())
    page.get_by_role("button", name="Save the goal").click()
    shows(page, "Goal “Joint training course on finishes” added.")
    page.get_by_role("link", name="Application", exact=True).click()
    page.get_by_role("button", name="Submit the application to the agency").click()
    shows(page, "submitted to the agency.")

    # The officer approves it and appoints the facilitator manager.
    switch_user(page, log_in, "officer")
    page.get_by_role("link", name="Approvals").click()
    page.get_by_role("table", name="Submitted applications").get_by_role(
        "link", name=network.name
    ).click()
    shows(page, "Joint training course on finishes")
    page.get_by_role("radio", name="Approve").check()
    page.get_by_role("button", name="Record the decision").click()
    shows(page, f"Application of “{network.name}” approved.")
    open_network(page, network)
    page.get_by_role("link", name="Appoint the manager").click()
    start = timezone.localdate()
    field(page, "Manager").select_option(label=facilitator.get_full_name() or "facilitator")
    field(page, "Start date").fill(start.isoformat())
    field(page, "Monthly salary").fill("1200000")
    page.get_by_role("button", name="Appoint the manager").click()
    shows(page, "The network is now in consolidation.")
    expect(page.locator(".phase-badge").first).to_have_text("Consolidation")
    due = add_months(start, 36)
    assert due.year == start.year + 3
    with translation.override("en"):
        shown_due = date_format(due)
    clock = page.get_by_role("region", name="Phase and clock")
    expect(clock).to_contain_text(shown_due)
    network.refresh_from_db()
    assert network.phase == Network.Phase.CONSOLIDATION and network.handover_due == due
    screenshot("journey-2-consolidation")
    assert csp_violations == []


# --- 3. The group works (on a phone) --------------------------------------------------------


def test_journey_3_the_group_works_on_a_phone(
    page, server, log_in, officer, facilitator, network, firm_user, csp_violations, screenshot,
    timed,
):  # fmt: skip
    page.set_viewport_size(PHONE)
    builders.consolidating_network(network, officer)
    firms = member_firms(network)
    a = firm_user.firm
    b, c, host, guest = [firm for firm in firms if firm.pk != a.pk][:4]
    factories.FirmMemberFactory(username="firm-b", firm=b)

    log_in("facilitator")
    # The menu folds behind its button; the home and the network are a tap away.
    expect(page.get_by_role("button", name="Show or hide the menu")).to_be_visible()
    open_network(page, network)
    no_sideways_scroll(page)
    page.get_by_role("navigation", name="Sections of the network").get_by_role(
        "link", name="Progress"
    ).click()
    no_sideways_scroll(page)
    page.get_by_role("link", name="Participation of each firm").click()
    participation = page.get_by_role("table", name="Participation of the member firms")
    expect(row_of(participation, a.name)).to_contain_text("—")
    page.get_by_role("link", name="The collaboration graph").click()
    shows(page, "No ties yet.")

    # A factory visit with its attendance, then a photo from the phone.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=network.name).click()
    page.get_by_role("link", name="Log an activity").click()
    no_sideways_scroll(page)
    field(page, "Type").select_option(label="Factory visit")
    field(page, "Title").fill("Visit to the lathe workshop")
    field(page, "Date").fill(timezone.localdate().isoformat())
    field(page, "Place").fill("Talca")
    field(page, "Host firm").select_option(label=host.name)
    attended = page.get_by_role("group", name="Member firms that attended")
    for firm in (a, host, guest):
        attended.get_by_role("checkbox", name=firm.name, exact=True).check()
    field(page, "Description").fill("The host showed its new lathe; two firms may share it.")
    save = page.get_by_role("button", name="Save the activity")
    save.scroll_into_view_if_needed()
    expect(save).to_be_in_viewport()
    save.click()
    shows(page, "Activity “Visit to the lathe workshop” logged.")
    no_sideways_scroll(page)
    attendance = page.get_by_role("region", name=re.compile("^Member firms that attended"))
    for firm in (a, host, guest):
        expect(attendance).to_contain_text(firm.name)
    field(page, "File").set_input_files(
        {"name": "visit.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    page.get_by_role("button", name="Upload").click()
    shows(page, "“visit.png” attached.")
    expect(page.get_by_role("region", name="Attachments")).to_contain_text("visit.png")

    # A member firm logs a joint action with two others.
    switch_user(page, log_in, "firmuser")
    open_network(page, network)
    no_sideways_scroll(page)
    page.get_by_role("link", name="Log a joint action").click()
    no_sideways_scroll(page)
    field(page, "Type").select_option(label="joint purchasing")
    field(page, "Title").fill("Joint purchase of native timber")
    firms_box = page.get_by_role("group", name="Participating member firms")
    expect(firms_box.get_by_role("checkbox", name=a.name, exact=True)).to_be_checked()
    for firm in (b, c):
        firms_box.get_by_role("checkbox", name=firm.name, exact=True).check()
    field(page, "Status").select_option(label="under way")
    field(page, "Start date").fill(timezone.localdate().isoformat())
    field(page, "Money value").fill("3200000")
    field(page, "Outcome").fill("Timber twelve per cent cheaper for the three firms.")
    page.get_by_role("button", name="Save the joint action").click()
    shows(page, "Joint action “Joint purchase of native timber” logged.")

    # One of the two confirms, as a user of its own firm.
    switch_user(page, log_in, "firm-b")
    open_network(page, network)
    page.get_by_role("link", name="All joint actions").click()
    page.get_by_role("link", name="Joint purchase of native timber").click()
    shows(page, "Waiting for your confirmation.")
    page.get_by_role("button", name=f"Confirm that {b.name} took part").click()
    shows(page, "Your firm's participation in “Joint purchase of native timber” is confirmed.")
    no_sideways_scroll(page)
    assert JointActionParticipant.objects.get(firm=b).confirmed_at is not None

    # Participation and the graph show the visit and the joint action.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=network.name).click()
    page.get_by_role("navigation", name="Sections of the network").get_by_role(
        "link", name="Progress"
    ).click()
    page.get_by_role("link", name="Participation of each firm").click()
    no_sideways_scroll(page)
    participation = page.get_by_role("table", name="Participation of the member firms")
    for firm in (a, host, guest):
        expect(row_of(participation, firm.name)).to_contain_text("100% (1/1)")
    expect(row_of(participation, b.name)).to_contain_text("0% (0/1)")
    for firm in (a, b, c):
        row = row_of(participation, firm.name)
        expect(row.get_by_role("cell").nth(3)).to_have_text("1")
    page.get_by_role("link", name="The collaboration graph").click()
    no_sideways_scroll(page)
    ties = page.get_by_role("table", name="Ties between firms (the graph as a table)")
    tied = {
        frozenset(row.get_by_role("cell").all_inner_texts()[:2])
        for row in ties.get_by_role("row").all()[1:]
    }
    expected = {frozenset(p) for p in [(a.name, b.name), (a.name, c.name), (b.name, c.name),
                                       (a.name, host.name), (a.name, guest.name),
                                       (host.name, guest.name)]}  # fmt: skip
    assert tied == expected
    screenshot("journey-3-graph-phone")
    assert csp_violations == []


# --- 4. The handover, 35 months on ----------------------------------------------------------


def test_journey_4_handover(
    page, server, log_in, officer, facilitator, network, months_on, csp_violations, screenshot,
    timed,
):  # fmt: skip
    builders.consolidating_network(network, officer)
    firms = member_firms(network)
    today = months_on(35)
    due = network.handover_due
    assert (due - today).days < 40, "35 months on, the handover is a month away"

    days_left = f"{(due - today).days} days left"
    log_in("facilitator")
    card = page.get_by_role("article", name=network.name)
    expect(card).to_contain_text(days_left)
    expect(card).to_contain_text("The handover is due on")
    open_network(page, network)
    expect(page.get_by_role("alert").filter(has_text="Handover coming up.")).to_be_visible()
    page.get_by_role("link", name="Propose the handover").click()
    field(page, "Monthly salary from the handover on").fill("1300000")
    shares = page.get_by_role("group", name="Committed shares (%), adding up to 100")
    for firm in firms:
        shares.get_by_label(firm.name, exact=True).fill("9")
    page.get_by_role("button", name="Propose the handover").click()
    expect(page.get_by_role("alert")).to_contain_text("must add up to exactly 100%")
    expect(page.get_by_role("alert")).to_contain_text("90")
    assert not Handover.objects.filter(network=network).exists()
    shares = page.get_by_role("group", name="Committed shares (%), adding up to 100")
    for firm in firms:
        shares.get_by_label(firm.name, exact=True).fill("10")
    page.get_by_role("button", name="Propose the handover").click()
    shows(page, "Handover proposed. Agency staff must now confirm it.")

    switch_user(page, log_in, "officer")
    expect(page.get_by_role("region", name="Handovers ahead")).to_contain_text(days_left)
    open_network(page, network)
    # A next step of the overview, to the Money tab where the handover is read and confirmed.
    page.get_by_role("link", name="Confirm the handover").click()
    page.get_by_role("button", name="Confirm the handover").click()
    shows(page, "Handover confirmed.")
    open_network(page, network)
    expect(page.locator(".phase-badge").first).to_have_text("Independence")
    network.refresh_from_db()
    assert network.phase == Network.Phase.INDEPENDENCE
    handover = Handover.objects.get(network=network)
    assert sum(c.share_percent for c in handover.commitments.all()) == Decimal(100)
    screenshot("journey-4-independence")
    assert csp_violations == []


# --- 5. In Spanish --------------------------------------------------------------------------


# Texts on the two pages of the path: headings, a badge, a label, buttons, the skip link.
SPANISH_CHECKS = [
    "Skip to main content", "Log out", "Phase and clock", "Next steps", "Key figures",
    "consolidation",
    "Log an activity", "Title", "Save the activity",
]  # fmt: skip


def test_journey_5_in_spanish(
    page, server, officer, facilitator, network, csp_violations, screenshot, timed
):
    builders.consolidating_network(network, officer)
    with translation.override("es"):
        es = {text: str(translation.gettext(text)) for text in SPANISH_CHECKS}
    untranslated = [text for text, spanish in es.items() if spanish == text]
    assert untranslated == [], "not in the compiled Spanish catalogue (locale/es/.../django.mo)"

    # The language switch on the login page, then the Spanish login form.
    page.goto(f"{server}/accounts/login/")
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label("Nombre de usuario").fill("facilitator")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("button", name=es["Log out"])).to_be_attached()
    page.get_by_role("link", name=network.name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(network.name)
    for text in ("Phase and clock", "Next steps", "Key figures"):
        expect(page.get_by_role("heading", level=2, name=es[text])).to_be_visible()
    expect(page.locator(".phase-badge").first).to_have_text(es["consolidation"].capitalize())
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=es["Skip to main content"])).to_be_focused()

    page.get_by_role("link", name=es["Log an activity"]).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(es["Log an activity"])
    expect(field(page, es["Title"])).to_be_visible()
    expect(page.get_by_role("button", name=es["Save the activity"])).to_be_visible()
    screenshot("journey-5-spanish")
    assert csp_violations == []
