"""The network's workspace in Chromium: the overview fits in about two screens at 1280 px, no
tab scrolls sideways on a phone (the sub-navigation scrolls inside itself), and a member firm
logs a joint action from its home page. The measured heights are printed for the note, and
the screenshots kept in test-artifacts/."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from networks.models import JointAction
from networks.services import joint_actions as ja_services
from tests import builders
from tests.browser.scenes import working_scene

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 800}
OVERVIEW_MAX_HEIGHT = 2400  # about two screens at 1280 px
TABS = [
    "network-detail", "network-firms", "activity-list", "joint-action-list", "network-money",
    "network-progress", "evaluation-list", "network-timeline",
]  # fmt: skip
USERS = ["officer", "facilitator", "firmuser"]


def _fuller(scene, facilitator):
    """The scene as full as the demo's busiest network: a dozen activities, several joint
    actions, so that "the latest few" really are a few of many."""
    network, firms = scene.network, scene.firms
    today = timezone.localdate()
    for n in range(12):
        builders.activity(network, *firms[: 3 + n % 6], date=today - datetime.timedelta(9 * n),
                          title=f"Workshop on quality {n}")  # fmt: skip
    for n in range(6):
        ja_services.joint_action_log(
            network=network, actor=facilitator, type="trade_fair", title=f"Trade fair {n}",
            firms=firms[n : n + 3], status="done", value=Decimal("1250000"),
        )  # fmt: skip


def _sizes(page) -> dict:
    return page.evaluate(
        "({height: document.documentElement.scrollHeight,"
        " width: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )


def test_the_overview_is_short_and_no_tab_scrolls_sideways(
    page, server, log_in, officer, facilitator, network, firm_user, screenshot
):
    scene = working_scene(
        network=network, officer=officer, facilitator=facilitator, firm_user=firm_user
    )
    _fuller(scene, facilitator)
    n = scene.network.pk
    heights, too_tall, sideways = {}, [], []
    for username in USERS:
        for language in ("en", "es"):
            page.context.clear_cookies()
            log_in(username, language=language)
            page.set_viewport_size(DESKTOP)
            page.goto(server + reverse("networks:network-detail", args=[n]))
            expect(page.get_by_role("navigation", name="Sections of the network" if language
                   == "en" else "Secciones de la red")).to_be_visible()  # fmt: skip
            height = _sizes(page)["height"]
            heights[f"{username}/{language} 1280"] = height
            if height >= OVERVIEW_MAX_HEIGHT:
                too_tall.append((username, language, height))
            screenshot(f"workspace-overview-{username}-{language}-1280")
            page.set_viewport_size(PHONE)
            for name in TABS:
                page.goto(server + reverse(f"networks:{name}", args=[n]))
                sizes = _sizes(page)
                if sizes["width"] > sizes["client"]:
                    sideways.append((username, language, name, sizes["width"]))
                if name == "network-detail":
                    heights[f"{username}/{language} 375"] = sizes["height"]
                    screenshot(f"workspace-overview-{username}-{language}-375")
                elif username == "facilitator" and language == "es":
                    screenshot(f"workspace-{name}-es-375")
    for where, height in heights.items():
        print(f"overview {where}: {height} px")
    assert too_tall == [], f"the overview is over {OVERVIEW_MAX_HEIGHT} px at 1280 px"
    assert sideways == [], "pages wider than the phone"


def test_the_sub_navigation_scrolls_inside_itself_on_a_phone(
    page, server, log_in, officer, facilitator, network, firm_user
):
    working_scene(network=network, officer=officer, facilitator=facilitator, firm_user=firm_user)
    log_in("facilitator", language="es")
    page.set_viewport_size(PHONE)
    page.goto(server + reverse("networks:network-money", args=[network.pk]))
    tabs = page.get_by_role("navigation", name="Secciones de la red")
    inner = tabs.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert inner[0] > inner[1], "eight tabs do not fit 375 px: the bar itself scrolls"
    current = tabs.get_by_role("link", name="Dinero")
    assert current.get_attribute("aria-current") == "page"
    expect(current).to_be_in_viewport()  # the bar scrolled to the current tab (network_tabs.js)
    # The last tab is reachable by scrolling the bar, not the page.
    history = tabs.get_by_role("link", name="Historial")
    history.scroll_into_view_if_needed()
    expect(history).to_be_in_viewport()
    assert _sizes(page)["width"] <= PHONE["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_firm_logs_a_joint_action_from_home(
    page, server, log_in, officer, facilitator, network, firm_user, screenshot, viewport
):
    scene = working_scene(
        network=network, officer=officer, facilitator=facilitator, firm_user=firm_user
    )
    others = [firm for firm in scene.firms if firm.pk != firm_user.firm_id]
    page.set_viewport_size(viewport)
    log_in("firmuser")
    # One click from home: the firm is in one network, so the form opens at once.
    page.get_by_role("main").get_by_role("link", name="Log a joint action").click()
    expect(page).to_have_url(server + reverse("networks:joint-action-create", args=[network.pk]))
    page.get_by_label("Type").select_option(label="joint purchasing")
    page.get_by_label("Title").fill("Shared truck to Santiago")
    group = page.get_by_role("group", name="Participating member firms")
    group.get_by_role("checkbox", name=others[0].name, exact=True).check()
    page.get_by_label("Status").select_option(label="under way")
    page.get_by_label("Start date").fill(timezone.localdate().isoformat())
    page.get_by_label("Money value").fill("1.250.000")
    page.get_by_role("button", name="Save the joint action").click()
    expect(page.get_by_text("Joint action “Shared truck to Santiago” logged.")).to_be_visible()
    action = JointAction.objects.get(title="Shared truck to Santiago")
    assert action.value == Decimal("1250000") and action.logged_by_firm_id == firm_user.firm_id
    assert _sizes(page)["width"] <= viewport["width"]
    screenshot(f"workspace-firm-logged-from-home-{viewport['width']}")
