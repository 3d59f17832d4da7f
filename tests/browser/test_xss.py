"""Scripts are text: markup saved in names, descriptions and outcomes is shown as written and
never runs, on every page that shows it (the network, its activity and joint action, the
participation table and the graph, whose SVG carries the firm names)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from networks.services import lifecycle
from tests import factories
from tests.browser.scenes import working_scene

pytestmark = pytest.mark.django_db(transaction=True)

FIRM_NAME = "<script>window.__xss=1</script>"
DESCRIPTION = '<img src=x onerror="window.__xss=1">'
OUTCOME = '<svg onload="window.__xss=1"></svg><b>bold?</b>'


def test_markup_in_saved_texts_is_shown_as_text(
    page, server, log_in, officer, facilitator, network, csp_violations
):
    # The firm with the script for a name joins through the service, like any other.
    firm = factories.FirmFactory(name=FIRM_NAME)
    lifecycle.membership_add(network=network, firm=firm, actor=facilitator)
    firm_user = factories.FirmMemberFactory(username="firmuser", firm=firm)
    scene = working_scene(
        network=network, officer=officer, facilitator=facilitator, firm_user=firm_user,
        texts={"activity_description": DESCRIPTION, "joint_action_outcome": OUTCOME},
    )  # fmt: skip
    n = scene.network.pk
    activity = scene.network.activities.get()
    joint_action = scene.network.joint_actions.get()
    pages = [
        (reverse("networks:firm-home"), [FIRM_NAME]),
        (reverse("networks:network-detail", args=[n]), [FIRM_NAME]),
        (reverse("networks:activity-detail", args=[n, activity.pk]), [FIRM_NAME, DESCRIPTION]),
        (reverse("networks:joint-action-detail", args=[n, joint_action.pk]), [FIRM_NAME, OUTCOME]),
        (reverse("networks:joint-action-list", args=[n]), [FIRM_NAME]),
        (reverse("networks:network-participation", args=[n]), [FIRM_NAME]),
        (reverse("networks:network-graph", args=[n]), [FIRM_NAME]),
    ]  # fmt: skip
    log_in("firmuser")
    for url, texts in pages:
        page.goto(server + url)
        for text in texts:
            expect(page.get_by_text(text).filter(visible=True).first).to_be_visible()
        assert page.evaluate("typeof window.__xss") == "undefined", url
        assert page.locator("main script, main img[src='x'], main svg[onload]").count() == 0
    # Nothing was even attempted: an inline script would have been a CSP violation.
    assert csp_violations == []
