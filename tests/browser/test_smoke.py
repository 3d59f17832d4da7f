"""The harness itself: log in through the form in Chromium, land on the home page, CSP clean."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_in_chromium(page, server, officer, network, log_in, csp_violations):
    log_in("officer")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Networks of")
    assert page.get_by_role("link", name=network.name).is_visible()
    assert csp_violations == []
    assert axe_violations(page) == []
