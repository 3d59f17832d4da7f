"""Helpers and fixtures for the page tests: what a page shows, and the figures pages' firms and URLs
(tests/views/test_progress.py and test_firm_figures.py)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests import factories
from tests.builders import days_ago, term_network
from tests.factories import FirmIndicatorFactory


def shows(response, text) -> bool:
    """Whether the page shows `text` (a message constant or a string) as the user reads it."""
    return escape(str(text)) in response.content.decode()


# --- firm indicators ------------------------------------------------------------------------


def indicators_url(firm):
    return reverse("networks:firm-indicators", args=[firm.pk])


@pytest.fixture
def other_member(network):
    """Another member firm of the same network, with a user and confidential figures."""
    firm = factories.MembershipFactory(network=network, firm__name="Secret Sawmill").firm
    FirmIndicatorFactory(firm=firm, date=days_ago(30), is_baseline=True, employees=777,
                         annual_sales=Decimal("123456789"))  # fmt: skip
    return factories.FirmMemberFactory(username="other-firm", firm=firm)


@pytest.fixture
def elsewhere(member_firm, other_network):
    """The firm is also a member of another agency's network, which recorded its figures."""
    factories.MembershipFactory(network=other_network, firm=member_firm)
    FirmIndicatorFactory(firm=member_firm, network=other_network, date=days_ago(40),
                         is_baseline=True, employees=4321, notes="Recorded elsewhere.")  # fmt: skip
    return other_network


# --- network indicators ---------------------------------------------------------------------


def network_indicators_url(network):
    return reverse("networks:network-indicators", args=[network.pk])


@pytest.fixture
def running(network, officer, member_firm):
    """31 months charged: the handover is due in at most 6 months (the first warning); 11
    members, each of which paid its first month only."""
    return term_network(network, officer)


@pytest.fixture
def young(network, officer, member_firm):
    """Two months into the term: enough for the access checks, quick to build."""
    return term_network(network, officer, months=2, pay=False)
