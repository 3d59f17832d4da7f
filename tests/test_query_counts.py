"""Every page and list the benchmark measures (bench/run.py) runs the same number of queries
with one network as with five, and at most MAX_QUERIES: no query per row, per network or per
firm. The benchmark shows the same at scale (1,000 networks, docs/performance.md)."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from networks.lib.typology import DIMENSIONS
from networks.models import (
    ActivityType,
    Certification,
    Diagnosis,
    JointAction,
    JointProject,
    JointProjectFirm,
    Membership,
    Milestone,
)
from tests import builders, factories
from tests.builders import activity, joint_action

pytestmark = pytest.mark.django_db

MAX_QUERIES = (
    22  # the network page: 22 since issues 15 (the bell) and 18 (diagnoses, certified firms)
)


def _busy(network, officer):
    """A network 31 months into its term: dues and payments, activities and joint actions."""
    builders.term_network(network, officer, extra_firms=5)
    firms = [m.firm for m in Membership.objects.filter(network=network).select_related("firm")]
    kind = ActivityType.objects.filter(programme=network.programme).first()
    today = timezone.localdate()
    for days in (3, 40, 100, 200, 400):
        activity(network, *firms[:8], date=today - datetime.timedelta(days), type=kind)
    done = joint_action(network, *firms[:3], status=JointAction.Status.DONE, value=Decimal(10))
    joint_action(network, *firms[2:6])
    # The broker's records: certifications, a re-diagnosis, a project with milestones.
    for firm in firms[:4]:
        Certification.objects.create(
            firm=firm, network=network, standard="ISO 9001", status="certified",
            certified_on=today - datetime.timedelta(30), recorded_by=officer,
        )  # fmt: skip
    Diagnosis.objects.filter(network=network).update(diagnosed_on=today - datetime.timedelta(400))
    Diagnosis.objects.create(
        network=network, occasion="follow_up", diagnosed_on=today, updated_by=officer,
        **dict.fromkeys(DIMENSIONS, 2),
    )  # fmt: skip
    project = JointProject.objects.create(
        network=network, title="Kiln", goal="Dry timber.", budget=Decimal(100),
        agency_funding=Decimal(50), firms_funding=Decimal(30), created_by=officer,
    )  # fmt: skip
    for firm in firms[:3]:
        JointProjectFirm.objects.create(project=project, firm=firm, contribution=Decimal(10))
    for days in (10, 40):
        Milestone.objects.create(
            project=project, title="Step", due_on=today + datetime.timedelta(days)
        )
    JointAction.objects.filter(pk=done.pk).update(project=project)
    return firms


def _pages(network, firm) -> list[tuple[str, str, bool]]:
    """(who, URL, through the API)."""
    n = network.pk
    project = JointProject.objects.filter(network=network).first().pk
    done = JointAction.objects.filter(network=network, project__isnull=False).first().pk
    return [
        ("facilitator", reverse("networks:network-certifications", args=[n]), False),
        ("facilitator", reverse("networks:firm-certifications", args=[firm.pk]), False),
        ("facilitator", reverse("networks:network-rediagnosis", args=[n]), False),
        ("facilitator", reverse("networks:project-list", args=[n]), False),
        ("facilitator", reverse("networks:project-detail", args=[n, project]), False),
        ("facilitator", reverse("networks:joint-action-sales", args=[n, done]), False),
        ("facilitator", reverse("api:project-list", args=[n]), True),
        ("facilitator", reverse("api:certification-list", args=[firm.pk]), True),
        ("facilitator", reverse("api:diagnosis-list", args=[n]), True),
        ("officer", reverse("networks:agency-home"), False),
        ("officer", reverse("networks:agency-at-risk"), False),
        ("facilitator", reverse("networks:facilitator-home"), False),
        ("firm_user", reverse("networks:firm-home"), False),
        ("facilitator", reverse("networks:network-detail", args=[n]), False),
        ("officer", reverse("networks:network-detail", args=[n]), False),
        ("firm_user", reverse("networks:network-detail", args=[n]), False),
        ("firm_user", reverse("networks:network-firms", args=[n]), False),
        ("firm_user", reverse("networks:network-money", args=[n]), False),
        ("facilitator", reverse("networks:network-money", args=[n]), False),
        ("officer", reverse("networks:network-progress", args=[n]), False),
        ("officer", reverse("networks:network-timeline", args=[n]), False),
        ("facilitator", reverse("networks:activity-list", args=[n]), False),
        ("facilitator", reverse("networks:joint-action-list", args=[n]), False),
        ("facilitator", reverse("networks:network-participation", args=[n]), False),
        ("facilitator", reverse("networks:network-graph", args=[n]), False),
        ("facilitator", reverse("networks:network-ledger", args=[n]), False),
        ("facilitator", reverse("networks:firm-ledger", args=[n, firm.pk]), False),
        ("officer", reverse("networks:report-portfolio"), False),
        ("officer", reverse("networks:network-report", args=[n]), False),
        ("officer", reverse("networks:export", args=["activities", "csv"]), False),
        ("officer", reverse("api:network-list"), True),
        ("officer", reverse("api:firm-list"), True),
        ("facilitator", reverse("api:network-activity-list", args=[n]), True),
        ("facilitator", reverse("api:joint-action-list", args=[n]), True),
        ("officer", reverse("api:dashboard"), True),
        ("officer", reverse("api:report-portfolio"), True),
    ]


def _count(client, url: str, headers: dict) -> int:
    cache.clear()  # every page as on its first reading: the agency home keeps figures
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


def test_query_counts_do_not_grow_with_the_networks(
    client, officer, facilitator, network, programme, member_firm, firm_user
):
    people = {"officer": officer, "facilitator": facilitator, "firm_user": firm_user}
    tokens = {who: factories.api_token(user) for who, user in people.items()}
    _busy(network, officer)
    pages = _pages(network, member_firm)

    def counts() -> list[int]:
        found = []
        for who, url, api in pages:
            if api:
                client.logout()
                headers = {"Authorization": f"Token {tokens[who]}"}
            else:
                client.force_login(people[who])
                headers = {}
            found.append(_count(client, url, headers))
        return found

    one = counts()
    for _ in range(4):
        more = factories.NetworkFactory(programme=programme, facilitator=facilitator)
        firms = _busy(more, officer)
        # The firm user's firm is in every network, with its own activities and dues.
        joined_on = Membership.objects.get(network=more, firm=firms[0]).joined_on
        Membership.objects.create(network=more, firm=member_firm, joined_on=joined_on)
        activity(more, member_firm, *firms[:3])
    five = counts()

    by_page = {
        f"{who} {url}": (a, b) for (who, url, _api), a, b in zip(pages, one, five, strict=True)
    }
    grew = {page: pair for page, pair in by_page.items() if pair[0] != pair[1]}
    assert not grew, grew
    too_many = {page: pair[1] for page, pair in by_page.items() if pair[1] > MAX_QUERIES}
    assert not too_many, too_many
