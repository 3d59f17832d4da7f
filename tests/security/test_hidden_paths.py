"""What a page, an endpoint, an export or an e-mail shows never includes what its reader may not
see, whatever the path to it: lists, filters (?network=, ?programme=), searches, exports, chart
data and the dashboards.

The world has two agencies side by side; every name of agency B says "BRAVO", so that any page
agency A's people read must not contain the word. A firm member of network A must never read
another member firm's confidential figures: its indicators (notes "ALPHA-confidential-N"), its
ledger lines (payment references "TRF <firm id>") and its take-ups ("ALPHA-loan-N").
"""

import datetime
import io
import re
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from networks.files import exports
from networks.models import FirmIndicator, Membership
from networks.services import reminders
from tests import builders, factories
from tests.security import test_url_matrix as matrix

pytestmark = pytest.mark.django_db

A_PEOPLE = {
    "agency-staff": lambda w: w.a.officer,
    "agency-admin": lambda w: w.a.admin,
    "facilitator": lambda w: w.a.facilitator,
    "firm-member": lambda w: w.a.firm_user,
}
BINARY_TYPES = ("image/", "application/pdf", "application/octet-stream")


def _body(response) -> str:
    """The response's text, whatever its form (page, JSON, streamed CSV, XLSX)."""
    content_type = response.get("Content-Type", "")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if content_type.startswith(BINARY_TYPES):
        return ""
    return data.decode("utf-8", errors="replace")


def _no_id_urls(world) -> list[str]:
    """Every list, home, report, export and search, with filters naming agency B's objects."""
    b = world.b
    urls = [
        reverse("networks:home"),
        reverse("networks:agency-home"),
        reverse("networks:agency-at-risk"),
        reverse("networks:facilitator-home"),
        reverse("networks:firm-home"),
        reverse("networks:approvals-queue"),
        reverse("networks:support-catalogue"),
        reverse("networks:report-portfolio"),
        reverse("networks:report-portfolio") + f"?programme={b.programme.pk}",
        reverse("networks:report-portfolio") + "?region=BRAVO-region&sector=BRAVO-sector",
        reverse("networks:export-list"),
        reverse("networks:export-list") + f"?network={b.network.pk}",
        reverse("networks:import"),
        reverse("networks:import-template"),
        reverse("networks:network-create"),
        reverse("networks:joint-action-choose"),
        reverse("api:me"),
        reverse("api:network-list"),
        reverse("api:network-list") + "?phase=consolidation",
        reverse("api:firm-list"),
        reverse("api:firm-list") + "?search=BRAVO",
        reverse("api:firm-list") + "?search=firm",
        reverse("api:support-service-list"),
        reverse("api:criterion-list"),
        reverse("api:criterion-list") + f"?programme={b.programme.pk}",
        reverse("api:report-portfolio"),
        reverse("api:report-portfolio") + f"?programme={b.programme.pk}",
        reverse("api:dashboard"),
        reverse("api:token-list"),
        reverse("networks:token-list"),
        reverse("networks:notification-list"),
        reverse("networks:notification-preferences"),
        reverse("networks:failed-mail-list"),
        reverse("api:notification-list"),
        # The agency console: agency B's people, firms and invitations are found by no search.
        reverse("networks:console"),
        reverse("networks:console-people"),
        reverse("networks:console-people") + "?q=BRAVO",
        reverse("networks:console-people") + f"?q={b.firms[0].tax_id}",
        reverse("networks:console-people") + f"?q={b.firms[0].name}&role=firm_member",
        reverse("networks:console-people") + "?q=bravo-contact",
        reverse("networks:console-invite"),
        reverse("networks:console-audit"),
        reverse("api:user-list"),
        reverse("api:user-list") + "?search=BRAVO",
        reverse("api:user-list") + f"?search={b.firms[0].tax_id}",
        reverse("api:invitation-list"),
        reverse("api:activity-type-list"),
        reverse("api:activity-type-list") + f"?programme={b.programme.pk}",
        reverse("api:joint-action-type-list"),
        reverse("api:joint-action-type-list") + f"?programme={b.programme.pk}",
    ]
    for kind in exports.KINDS:
        for fmt in exports.FORMATS:
            urls.append(reverse("networks:export", args=[kind, fmt]))
            urls.append(reverse("api:export", args=[kind]) + f"?format={fmt}")
    return urls


def _id_urls(world) -> list[str]:
    """Every GET route with an id, on agency A's objects, and the searches of network A."""
    routes = matrix.all_routes()
    urls = []
    for name, kind in sorted(matrix.ROUTES.items()):
        if kind not in matrix.KINDS:
            continue
        allowed, _methods = matrix.methods_of(name, routes[name][1])
        if "GET" in allowed:
            urls.append(matrix.url_for(name, world.a))
    a = world.a
    for query in ("BRAVO", "firm", a.firms[0].tax_id, world.b.firms[0].name):
        urls.append(reverse("networks:member-search", args=[a.network.pk]) + f"?q={query}")
        urls.append(reverse("networks:network-members", args=[a.network.pk]) + f"?q={query}")
    own = a.firms[0]  # the firm member's own firm: its figures are theirs to read
    urls += [
        reverse("networks:firm-indicators", args=[own.pk]),
        reverse("networks:firm-ledger", args=[a.network.pk, own.pk]),
        reverse("api:firm-indicator-list", args=[own.pk]),
        reverse("api:firm-ledger", args=[a.network.pk, own.pk]),
        reverse("networks:firm-certifications", args=[own.pk]),
        reverse("api:certification-list", args=[own.pk]),
    ]
    urls.append(reverse("networks:activity-list", args=[a.network.pk]) + "?type=factory_visit")
    urls.append(reverse("networks:joint-action-list", args=[a.network.pk]) + "?status=planned")
    return urls


def _without_echo(url: str, body: str) -> str:
    """The body less the reader's own query values (a search box shows what was typed)."""
    for _key, value in parse_qsl(urlsplit(url).query):
        body = re.sub(re.escape(value), "", body, flags=re.IGNORECASE)
        body = re.sub(re.escape(quote_plus(value)), "", body, flags=re.IGNORECASE)
    return body


def _read_everything(client, world, persona):
    world.login(client, A_PEOPLE[persona](world))
    read = []
    for url in _no_id_urls(world) + _id_urls(world):
        response = client.get(url, follow=url == reverse("networks:home"))
        assert response.status_code < 500, url
        if response.status_code == 200:
            read.append((url, _without_echo(url, _body(response))))
    return read


def test_agency_b_reads_its_own_names(client, world, db):
    """The control: the word the tests look for is there for agency B's own people."""
    world.login(client, world.b.officer)
    body = _body(client.get(reverse("api:network-list")))
    assert "BRAVO-network" in body
    body = _body(client.get(reverse("networks:export", args=["members", "csv"])))
    assert "BRAVO-firm-00" in body


@pytest.mark.parametrize("persona", list(A_PEOPLE))
def test_agency_a_never_reads_a_word_of_agency_b(client, world, db, persona):
    read = _read_everything(client, world, persona)
    assert len(read) > 60  # most pages answered: the test reads what it means to
    for url, body in read:
        assert "bravo" not in body.lower(), f"{url} shows agency B to {persona}"


def test_a_firm_member_never_reads_another_firms_figures(client, world, db):
    a = world.a
    read = _read_everything(client, world, "firm-member")
    own = a.firms[0]
    secrets = (
        [re.compile(re.escape(f"{a.prefix}-confidential-{index}")) for index in (1, 2)]
        + [re.compile(rf"TRF {firm.pk}\b") for firm in a.firms[1:]]
        + [re.compile(re.escape(f"{a.prefix}-loan-1"))]
        # Another firm's certification (its standard and its evidence's name).
        + [re.compile(re.escape(f"{a.prefix}-ISO-9001")),
           re.compile(re.escape(f"{a.prefix}-certificate.pdf"))]
    )  # fmt: skip
    seen_own = False
    for url, body in read:
        for secret in secrets:
            assert not secret.search(body), f"{url} shows {secret.pattern} to another firm"
        seen_own |= f"{a.prefix}-confidential-0" in body or f"TRF {own.pk}" in body
    assert seen_own  # the firm does see its own figures somewhere


def test_a_network_filter_naming_another_agencys_network_is_not_found(client, world, db):
    world.login(client, world.a.officer)
    for kind in exports.KINDS:
        page = reverse("networks:export", args=[kind, "csv"]) + f"?network={world.b.network.pk}"
        api = reverse("api:export", args=[kind]) + f"?network={world.b.network.pk}"
        assert client.get(page).status_code == 404, page
        assert client.get(api).status_code == 404, api
    other = client.get(reverse("networks:export-list") + f"?network={world.b.network.pk}")
    assert world.b.network.name not in other.content.decode()


def test_a_firm_member_of_network_a_never_reads_network_a2(client, world, db):
    """Same agency, another network: its firm members see nothing of it."""
    world.login(client, world.a.firm_user)
    for url in _no_id_urls(world):
        response = client.get(url, follow=True)
        if response.status_code == 200:
            assert "network-2" not in _body(response), url


# --- e-mails --------------------------------------------------------------------------------


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def _emails(users) -> set[str]:
    return {user.email for user in users if user.email}


def test_application_mails_go_to_the_networks_own_agency_only(client, world, db, jobs):
    a, _b = world.a, world.b
    network = factories.NetworkFactory(programme=a.programme, facilitator=a.facilitator)
    builders.submittable_network(network)
    mail.outbox.clear()
    world.login(client, a.facilitator)
    client.post(reverse("networks:application-submit", args=[network.pk]))
    jobs.run()
    submitted = _recipients()
    assert _emails([a.officer, a.admin]) <= submitted
    assert not submitted & _emails(world.people()[8:])  # nobody of agency B

    mail.outbox.clear()
    world.login(client, a.officer)
    response = client.post(
        reverse("networks:application-decide", args=[network.pk]),
        {"decision": "return", "reason": "Add the medium-term goal's baseline."},
    )
    jobs.run()
    assert response.status_code == 302
    assert _recipients() == _emails([a.facilitator])
    assert all("bravo" not in m.body.lower() for m in mail.outbox)


def test_handover_reminders_go_to_each_networks_own_agency(world, db, jobs):
    a, b = world.a, world.b
    mail.outbox.clear()
    # Both networks started their term the same month: one run reminds both.
    sent = reminders.reminders_send(today=a.network.handover_due)
    jobs.run()
    assert sent >= 2
    for side in (a, b):
        own = [m for m in mail.outbox if side.network.name in m.body]
        assert own, f"no reminder for {side.network.name}"
        others = world.people()[:8] if side is b else world.people()[8:]
        for message in own:
            assert not set(message.to) & _emails(others), message.to


# --- a firm's figures across agencies -------------------------------------------------------
#
# A RUT is public: agency A may add agency B's firm to its own network by its exact tax id.
# What A then reads of that firm's figures is only what was recorded for A's networks, never
# what B recorded, unless the firm itself shares its figures with A's network.

# (Both agencies' seeded baselines hold the same figures: their notes tell them apart.)
B_SECRETS = ("BRAVO-confidential-1", "BRAVO-recorded", "BRAVO-network", "86421", "86.421",
             "86,421")  # fmt: skip
A_SECRETS = ("ALPHA-recorded", "97531", "97.531", "97,531")


def _figure_urls(network, firm) -> list[str]:
    """Everywhere a firm's figures are read: its panel (page and API), the network's
    aggregates and per-firm rows, the ledger, the printable report and the exports."""
    urls = [
        reverse("networks:firm-indicators", args=[firm.pk]),
        reverse("api:firm-indicator-list", args=[firm.pk]),
        reverse("networks:network-indicators", args=[network.pk]),
        reverse("networks:firm-ledger", args=[network.pk, firm.pk]),
        reverse("api:firm-ledger", args=[network.pk, firm.pk]),
        reverse("networks:network-report", args=[network.pk]),
        reverse("networks:network-detail", args=[network.pk]),
    ]
    for fmt in exports.FORMATS:
        urls.append(reverse("networks:export", args=["indicators", fmt]))
        urls.append(reverse("api:export", args=["indicators"]) + f"?format={fmt}")
        urls.append(reverse("networks:export", args=["indicators", fmt]) + f"?network={network.pk}")
    return urls


def _readers(side) -> list:
    return [side.facilitator, side.officer, side.admin]


def _read_figures(client, world, user, network, firm) -> str:
    world.login(client, user)
    bodies = []
    for url in _figure_urls(network, firm):
        response = client.get(url)
        assert response.status_code == 200, f"{url} as {user.username}: {response.status_code}"
        bodies.append(f"{url}\n{_body(response)}")
    if user.is_agency:
        response = client.get(reverse("networks:network-history", args=[network.pk]))
        assert response.status_code == 200
        bodies.append(_body(response))
    return "\n".join(bodies)


def _join_by_rut(client, world, firm) -> None:
    """Agency A's facilitator adds agency B's firm to network A by its tax id (the page)."""
    a = world.a
    world.login(client, a.facilitator)
    response = client.post(
        reverse("networks:member-add", args=[a.network.pk]), {"tax_id": firm.tax_id}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(network=a.network, firm=firm, left_on__isnull=True).exists()


@pytest.fixture
def joined(client, world, db):
    """B's firm 1, which has B's confidential baseline, now also a member of network A."""
    firm = world.b.firms[1]
    _join_by_rut(client, world, firm)
    return firm


def test_adding_another_agencys_firm_by_rut_reveals_none_of_its_figures(client, world, joined):
    a = world.a
    for user in _readers(a):
        body = _read_figures(client, world, user, a.network, joined)
        assert joined.name in body  # the firm itself is A's member now: the test reads its rows
        for secret in B_SECRETS:
            assert secret not in body, f"{user.username} reads {secret}"


def _record_on_both_sides(client, world, firm) -> None:
    """Each agency's facilitator records figures for the firm in its own network: A through
    the API, B through the page."""
    a, b = world.a, world.b
    day = timezone.localdate() - datetime.timedelta(days=3)
    world.login(client, a.facilitator)
    response = client.post(
        reverse("api:firm-indicator-list", args=[firm.pk]),
        {"date": day.isoformat(), "employees": 97531, "notes": "ALPHA-recorded"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    world.login(client, b.facilitator)
    response = client.post(
        reverse("networks:firm-indicators", args=[firm.pk]),
        {"date": day.isoformat(), "employees": "86421", "notes": "BRAVO-recorded"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_figures_recorded_for_a_network_are_read_by_its_agency_only(client, world, joined):
    a, b = world.a, world.b
    _record_on_both_sides(client, world, joined)
    for user in _readers(a):
        body = _read_figures(client, world, user, a.network, joined)
        assert "ALPHA-recorded" in body
        for secret in B_SECRETS:
            assert secret not in body, f"{user.username} reads {secret}"
    for user in _readers(b):
        body = _read_figures(client, world, user, b.network, joined)
        assert "BRAVO-recorded" in body and "BRAVO-confidential-1" in body
        for secret in A_SECRETS:
            assert secret not in body, f"{user.username} reads {secret}"


def test_the_firm_itself_reads_every_row_recorded_about_it(client, world, joined):
    _record_on_both_sides(client, world, joined)
    owner = world.b.other_firm_user  # a user of B's firm 1
    world.login(client, owner)
    for url in (
        reverse("networks:firm-indicators", args=[joined.pk]),
        reverse("api:firm-indicator-list", args=[joined.pk]),
    ):
        body = _body(client.get(url))
        for text in ("ALPHA-recorded", "BRAVO-recorded", "BRAVO-confidential-1"):
            assert text in body, url


def test_a_network_records_its_own_baseline_without_learning_anothers(client, world, joined):
    """B recorded a baseline for the firm; A records its own, and is told nothing of B's."""
    world.login(client, world.a.facilitator)
    day = timezone.localdate() - datetime.timedelta(days=30)
    response = client.post(
        reverse("api:firm-indicator-list", args=[joined.pk]),
        {"date": day.isoformat(), "is_baseline": True, "employees": 5},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    baselines = FirmIndicator.objects.filter(firm=joined, is_baseline=True)
    assert baselines.count() == 2


def test_the_firm_shares_its_history_with_a_network_and_takes_it_back(client, world, joined):
    a, b = world.a, world.b
    owner = b.other_firm_user
    share_url = reverse("networks:firm-figures-sharing", args=[joined.pk, a.network.pk])
    world.login(client, owner)
    page = _body(client.get(reverse("networks:firm-indicators", args=[joined.pk])))
    assert share_url in page  # the owner is offered the choice on their page
    assert client.post(share_url, {"share": "on"}).status_code == 302
    body = _read_figures(client, world, a.facilitator, a.network, joined)
    assert "BRAVO-confidential-1" in body
    world.login(client, owner)
    assert client.post(share_url, {}).status_code == 302
    body = _read_figures(client, world, a.facilitator, a.network, joined)
    assert "BRAVO-confidential-1" not in body


def test_an_exact_rut_search_shows_another_agencys_firm_by_name_and_rut_only(client, world, db):
    hidden = world.b.firms[2]
    world.login(client, world.a.facilitator)
    search = reverse("networks:member-search", args=[world.a.network.pk])
    for url in (
        reverse("api:firm-list") + f"?search={hidden.tax_id}",
        search + f"?q={hidden.tax_id}",
    ):
        body = _body(client.get(url))
        assert hidden.name in body and hidden.tax_id in body, url  # a RUT is public
        for secret in ("BRAVO-contact", "bravo-firm-02@example.org", "BRAVO-region"):
            assert secret not in body, f"{url} shows {secret}"
