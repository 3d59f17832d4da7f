"""Forms that take what people type and do the arithmetic, in Chromium: a Chilean amount in the
English interface, the handover's running total and "split equally", attendance's "everyone
present" and "none"."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from networks.models import Activity, Handover
from tests import builders
from tests.browser.scenes import member_firms

pytestmark = pytest.mark.django_db(transaction=True)


def field(scope, label: str):
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def test_the_handover_split_equally_with_a_chilean_salary_in_english(
    page, server, log_in, officer, facilitator, network, months_on, csp_violations, screenshot
):
    page.set_default_timeout(8000)
    builders.consolidating_network(network, officer)
    months_on(35)  # the handover is a month away
    firms = member_firms(network)
    log_in("facilitator")
    page.goto(f"{server}/networks/{network.pk}/handover/")
    field(page, "Monthly salary from the handover on").fill("$1.300.000")
    shares = page.get_by_role("group", name="Committed shares (%), adding up to 100")
    total = page.locator("output[data-share-total]")
    shares.get_by_label(firms[0].name, exact=True).fill("12.5")
    expect(total).to_have_text("12.50")  # the running total, as the facilitator types
    page.get_by_role("button", name="Split equally").click()
    expect(total).to_have_text("100.00")
    expect(page.get_by_text("(exactly 100: ready)")).to_be_visible()
    screenshot("typing-handover-split-equally")
    page.get_by_role("button", name="Propose the handover").click()
    expect(page.get_by_text("Handover proposed.").first).to_be_visible()
    handover = Handover.objects.get(network=network)
    assert handover.monthly_salary == Decimal("1300000")
    shares = sorted((c.share_percent for c in handover.commitments.all()), reverse=True)
    assert sum(shares) == Decimal(100) and len(shares) == len(firms)
    assert shares[0] - shares[-1] <= Decimal("0.01")
    assert csp_violations == []


def test_attendance_everyone_present_then_none(
    page, server, log_in, officer, facilitator, network, csp_violations
):
    page.set_default_timeout(8000)
    builders.consolidating_network(network, officer)
    firms = member_firms(network)
    log_in("facilitator")
    page.goto(f"{server}/networks/{network.pk}/activities/new/")
    attendees = page.get_by_role("group", name=re.compile("Member firms that attended"))
    page.get_by_role("button", name="Everyone present").click()
    for firm in firms:
        expect(attendees.get_by_label(firm.name, exact=True)).to_be_checked()
    page.get_by_role("button", name="None", exact=True).click()
    for firm in firms:
        expect(attendees.get_by_label(firm.name, exact=True)).not_to_be_checked()
    page.get_by_role("button", name="Everyone present").click()
    field(page, "Type").select_option(label="Group workshop")
    field(page, "Title").fill("Monthly meeting")
    field(page, "Date").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save the activity").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Monthly meeting")
    assert Activity.objects.get(title="Monthly meeting").attendance.count() == len(firms)
    assert csp_violations == []
