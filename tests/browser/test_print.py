"""The printable network report fills its A4 pages: printed to PDF by Chromium, a network with
ten firms, goals, a year of activities and joint actions and 31 months of dues takes two
pages, not four half-empty ones (tables may break between rows; only a row, a heading with its
first lines, and a figure stay whole)."""

import re

import pytest

from networks.models import JointAction
from tests import builders
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)

MAX_PAGES = 3


def pages_of(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_the_network_report_prints_on_few_full_pages(page, server, log_in, officer, network):
    builders.term_network(network, officer)
    firms = list(network.memberships.values_list("firm", flat=True))
    builders.add_goals(network)
    members = [m.firm for m in network.memberships.select_related("firm")]
    for n in range(12):
        builders.activity(network, *members[n % 4 :: 2], date=builders.days_ago(20 * n + 3))
    for n in range(4):
        builders.joint_action(network, *members[n : n + 4], status=JointAction.Status.DONE)
    assert len(firms) == 10
    log_in("officer")
    page.goto(f"{server}/networks/{network.pk}/report/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "network-report.pdf").write_bytes(pdf)
    assert 1 <= pages_of(pdf) <= MAX_PAGES, f"{pages_of(pdf)} pages"
