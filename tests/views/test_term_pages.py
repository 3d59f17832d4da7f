"""The term's pages: the network page's section, the ledger, payments, share weights, dues,
changes of the due date, the dashboards and the money filter (the handover's pages:
test_handover_pages.py; the `running` and `young` networks: conftest.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from networks.lib.dates import add_months, day
from networks.lib.money import format_money
from networks.models import (
    Handover,
    Membership,
    MonthlyCharge,
    Network,
    Payment,
    ShareWeight,
    TermChange,
)
from networks.selectors import network_page
from networks.selectors import term as term_selectors
from networks.services import term as T
from tests import builders, factories
from tests.builders import term_network
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

SALARY = Decimal("1200000")


def detail(network):
    return reverse("networks:network-money", args=[network.pk])


def url(name, network, *args):
    return reverse(f"networks:{name}", args=[network.pk, *args])


def other_firm(network, firm_user):
    return Membership.objects.filter(network=network).exclude(firm=firm_user.firm).first().firm


def handover_data(network, **overrides) -> dict:
    firms = [
        m.firm
        for m in Membership.objects.filter(network=network, left_on__isnull=True).order_by(
            "firm__tax_id"
        )
    ]
    data = {
        "date": network.handover_due.isoformat(),
        "manager": network.facilitator_id,
        "monthly_salary": "1300000",
    }
    shares = ["10"] + ["9"] * (len(firms) - 1)  # 100 in all
    data.update({f"share_{firm.pk}": share for firm, share in zip(firms, shares, strict=True)})
    data.update(overrides)
    return data


# --- the money filter -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, currency, language, text",
    [
        (Decimal("1234567"), "CLP", "en", "1,234,567 CLP"),
        (Decimal("1234567.5"), "CLP", "en", "1,234,568 CLP"),  # rounded, never cut off
        (Decimal("37123.45678"), "UF", "en", "37,123.4568 UF"),
        (Decimal("1234.5"), "USD", "en", "1,234.50 USD"),
        (Decimal("1234567"), "CLP", "es", "1.234.567 CLP"),
        (Decimal("1234.5"), "USD", "es", "1.234,50 USD"),
        (None, "CLP", "en", "—"),
    ],
)
def test_money_filter_formats_for_the_locale(amount, currency, language, text):
    with translation.override(language):
        rendered = Template("{% load money %}{{ amount|money:currency }}").render(
            Context({"amount": amount, "currency": currency})
        )
        assert rendered == text
        assert format_money(amount, currency) == text


# --- the network page's section -------------------------------------------------------------


def test_no_section_before_the_term(client, facilitator, network):
    client.force_login(facilitator)
    response = client.get(detail(network))
    assert response.context["term"] is None
    assert not shows(response, "The three-year term")


def test_section_for_the_facilitator(client, facilitator, running):
    client.force_login(facilitator)
    response = client.get(detail(running))
    html = response.content.decode()
    clock = term_selectors.clock(running)
    assert shows(response, "The three-year term")
    assert shows(response, f"{clock.days_left} days left")
    assert term_selectors.warning(running)
    assert shows(response, term_selectors.warning(running))
    assert 'role="alert"' in html
    # Year 3 of the schedule: the agency pays 30% of 1,200,000 CLP.
    assert shows(response, "30 %")
    assert shows(response, "360,000 CLP") and shows(response, "840,000 CLP")
    readiness = term_selectors.readiness(running)
    assert shows(response, f"{readiness.score}/{readiness.total}")
    words = {None: "not available yet", True: "✓</span> met", False: "✗</span> not met"}
    for item in readiness.items:
        assert shows(response, item.label)
        assert words[item.met] in html
    # Every firm paid its first month only: all 11 are in arrears.
    assert shows(response, "11 firms in arrears")
    for name in ("payment-create", "share-weights", "handover-propose"):
        assert url(name, running) in html
    assert url("term-extend", running) not in html
    assert url("network-ledger", running) in html


def test_section_for_agency_staff_has_their_actions(client, officer, facilitator, running):
    T.handover_propose(
        network=running, actor=facilitator, date=running.handover_due,
        manager=facilitator, monthly_salary=SALARY,
        commitments={m.firm: Decimal(100 if i == 0 else 0)
                     for i, m in enumerate(running.memberships.all())},
    )  # fmt: skip
    client.force_login(officer)
    response = client.get(detail(running))
    html = response.content.decode()
    for name in ("term-extend", "early-handover", "handover-confirm", "payment-create"):
        assert url(name, running) in html
    assert "Proposed, waiting for the agency" in response.content.decode()


def test_firm_member_sees_only_their_own_balance(client, firm_user, running):
    client.force_login(firm_user)
    response = client.get(detail(running))
    html = response.content.decode()
    contributions = response.context["term"]["contributions"]
    assert [row.firm for row in contributions["rows"]] == [firm_user.firm]
    assert shows(response, f"{firm_user.firm.name} owes")
    assert not shows(response, "firms in arrears")
    # The readiness item says some firm is in arrears, without naming them.
    items = {item["key"]: item for item in response.context["term"]["readiness"]["items"]}
    assert items["arrears"]["met"] is False and items["arrears"]["detail"] == ""
    assert other_firm(running, firm_user).name not in items["arrears"]["detail"]
    assert url("payment-create", running) not in html
    assert url("handover-propose", running) not in html


def test_overdue_network_shows_days_overdue(client, facilitator, network, officer):
    term_network(network, officer, months=38, pay=False)
    client.force_login(facilitator)
    response = client.get(detail(network))
    clock = term_selectors.clock(network)
    assert clock.overdue
    assert shows(response, f"{clock.days_overdue} days overdue")
    assert shows(response, "Handover overdue.")
    assert 'class="alert alert-danger' in response.content.decode()


def test_outsider_gets_404_and_sees_nothing(client, outsider_facilitator, running):
    client.force_login(outsider_facilitator)
    assert client.get(detail(running)).status_code == 404


# --- the ledger -----------------------------------------------------------------------------


def test_ledger_for_the_facilitator(client, facilitator, running):
    client.force_login(facilitator)
    response = client.get(url("network-ledger", running))
    rows = response.context["contributions"]["rows"]
    assert len(rows) == 11
    assert all(row.in_arrears for row in rows)
    assert shows(response, "In arrears")
    firm = rows[0].firm
    assert url("firm-ledger", running, firm.pk) in response.content.decode()
    # The cost share over the term: one row per month charged, with the salary.
    assert len(response.context["charges"]) == 31 == MonthlyCharge.objects.count()
    assert shows(response, "1,200,000 CLP")
    assert shows(response, "70 %") and shows(response, "50 %")
    # The total row's balance is what all firms owe less what they paid.
    summary = response.context["contributions"]
    assert summary["balance_total"] == summary["owed_total"] - summary["paid_total"] > 0
    foot = response.content.decode().split("<tfoot>")[1].split("</tfoot>")[0]
    assert format_money(summary["balance_total"], "CLP") in foot


def test_firm_ledger_running_balance(client, facilitator, running):
    firm = Membership.objects.filter(network=running).first().firm
    client.force_login(facilitator)
    response = client.get(url("firm-ledger", running, firm.pk))
    lines = response.context["lines"]
    assert len(lines) == 32  # 31 dues and one payment
    assert lines[-1].balance == response.context["balance"].balance
    assert shows(response, f"TRF {firm.pk}") and shows(response, "Dues for")


def test_firm_member_sees_only_their_own_ledger(client, firm_user, running):
    client.force_login(firm_user)
    response = client.get(url("network-ledger", running))
    assert [row.firm for row in response.context["contributions"]["rows"]] == [firm_user.firm]
    other = other_firm(running, firm_user)
    assert other.name not in response.content.decode()
    assert len(response.context["charges"]) == 31  # the cost share is not confidential
    assert client.get(url("firm-ledger", running, firm_user.firm.pk)).status_code == 200
    assert client.get(url("firm-ledger", running, other.pk)).status_code == 404


def test_firm_ledger_of_a_firm_outside_the_network_is_404(client, facilitator, running):
    stranger = factories.FirmFactory()
    client.force_login(facilitator)
    assert client.get(url("firm-ledger", running, stranger.pk)).status_code == 404


PAGES = [
    ("network-ledger", "get"), ("firm-ledger", "get"), ("payment-create", "post"),
    ("share-weights", "post"), ("dues-generate", "post"), ("term-extend", "post"),
    ("early-handover", "post"), ("handover-propose", "post"), ("handover-confirm", "post"),
]  # fmt: skip


@pytest.mark.parametrize("name, method", PAGES)
@pytest.mark.parametrize(
    "persona", ["outsider_facilitator", "outsider_officer", "outsider_firm_user"]
)
def test_outsiders_get_404_and_anonymous_the_login(
    client, request, young, member_firm, name, method, persona
):
    target = url(name, young, member_firm.pk) if name == "firm-ledger" else url(name, young)
    response = getattr(client, method)(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(request.getfixturevalue(persona))
    payments, changes = Payment.objects.count(), TermChange.objects.count()
    assert getattr(client, method)(target).status_code == 404
    assert (Payment.objects.count(), TermChange.objects.count()) == (payments, changes)


@pytest.mark.parametrize(
    "name", ["payment-create", "share-weights", "term-extend", "early-handover",
             "handover-propose", "dues-generate", "handover-confirm"],
)  # fmt: skip
def test_firm_member_may_look_but_not_act(client, firm_user, young, name):
    def written():
        return [model.objects.count() for model in (Payment, ShareWeight, MonthlyCharge,
                                                    TermChange, Handover)]  # fmt: skip

    before = written()
    client.force_login(firm_user)
    assert client.get(url("network-ledger", young)).status_code == 200
    assert client.post(url(name, young), {}).status_code == 403
    assert written() == before


# --- payments -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["facilitator", "officer"])
def test_record_a_payment(client, request, running, persona):
    firm = Membership.objects.filter(network=running).first().firm
    client.force_login(request.getfixturevalue(persona))
    today = timezone.localdate()
    response = client.post(
        url("payment-create", running),
        {"firm": firm.pk, "date": today.isoformat(), "amount": "25000", "reference": "TRF 9"},
        follow=True,
    )
    payment = Payment.objects.get(reference="TRF 9")
    assert (payment.firm, payment.amount, payment.date) == (firm, Decimal("25000"), today)
    assert shows(response, f"Payment of 25,000 CLP recorded for {firm.name}.")


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_payment_typed_the_chilean_way_is_taken_in_either_language(
    client, facilitator, running, language
):
    firm = Membership.objects.filter(network=running).first().firm
    client.force_login(facilitator)
    client.cookies["django_language"] = language
    response = client.post(
        url("payment-create", running),
        {"firm": firm.pk, "date": timezone.localdate().isoformat(), "amount": "$1.300.000",
         "reference": "TRF CL"},
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    assert Payment.objects.get(reference="TRF CL").amount == Decimal("1300000")


def test_payment_refusals_are_shown(client, facilitator, running):
    firm = Membership.objects.filter(network=running).first().firm
    client.force_login(facilitator)
    before = Payment.objects.count()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        url("payment-create", running),
        {"firm": firm.pk, "date": tomorrow.isoformat(), "amount": "-5"},
    )
    errors = response.context["form"].errors
    assert errors["date"] == [str(T.PAYMENT_DATE_IN_FUTURE)]
    assert errors["amount"] == [str(T.PAYMENT_AMOUNT_INVALID)]
    assert shows(response, T.PAYMENT_AMOUNT_INVALID)
    assert Payment.objects.count() == before


def test_payment_for_a_firm_outside_the_network_is_refused(client, facilitator, running):
    client.force_login(facilitator)
    stranger = factories.FirmFactory()
    response = client.post(
        url("payment-create", running),
        {"firm": stranger.pk, "date": timezone.localdate().isoformat(), "amount": "5"},
    )
    assert "firm" in response.context["form"].errors
    assert not Payment.objects.filter(firm=stranger).exists()


# --- share weights --------------------------------------------------------------------------


def test_set_weights_then_back_to_equal(client, facilitator, running):
    firms = [m.firm for m in running.memberships.all()]
    client.force_login(facilitator)
    data = {"mode": "weighted", **{f"share_{f.pk}": "10" for f in firms[:10]},
            f"share_{firms[10].pk}": "0"}  # fmt: skip
    response = client.post(url("share-weights", running), data, follow=True)
    assert shows(response, "Weights saved. They apply to the months not yet charged.")
    assert ShareWeight.objects.filter(network=running).count() == 11
    assert Network.objects.get(pk=running.pk).share_mode == "weighted"
    response = client.post(url("share-weights", running), {"mode": "equal"}, follow=True)
    assert shows(response, "Equal shares set.")
    assert not ShareWeight.objects.exists()
    assert Network.objects.get(pk=running.pk).share_mode == "equal"


def test_weights_show_every_error(client, facilitator, running):
    firms = [m.firm for m in running.memberships.order_by("firm__tax_id")]
    client.force_login(facilitator)
    data = {"mode": "weighted", **{f"share_{f.pk}": "10" for f in firms[:9]},
            f"share_{firms[9].pk}": "-10"}  # fmt: skip
    response = client.post(url("share-weights", running), data)
    assert shows(response, T.WEIGHT_NEGATIVE % {"firm": firms[9].name})
    assert shows(response, T.WEIGHT_MISSING % {"firm": firms[10].name})
    assert shows(response, T.WEIGHTS_NOT_100 % {"total": "80"})
    assert not ShareWeight.objects.exists()


# --- dues -----------------------------------------------------------------------------------


def test_charge_the_months_due(client, officer, network, facilitator):
    start = add_months(timezone.localdate().replace(day=1), -2)
    builders.consolidating_network(network, officer, start=start)
    client.force_login(facilitator)
    response = client.post(url("dues-generate", network), follow=True)
    assert MonthlyCharge.objects.filter(network=network).count() == 3
    assert shows(response, "3 months charged.")
    response = client.post(url("dues-generate", network), follow=True)
    assert shows(response, "Every month up to this one was already charged.")
    assert MonthlyCharge.objects.filter(network=network).count() == 3
    assert client.get(url("dues-generate", network)).status_code == 405


# --- the due date ---------------------------------------------------------------------------


def test_agency_extends_the_term(client, officer, running):
    new_due = add_months(running.handover_due, 4)
    client.force_login(officer)
    response = client.post(
        url("term-extend", running),
        {"new_due_date": new_due.isoformat(), "reason": "Floods", "agency_percent": "20"},
        follow=True,
    )
    change = TermChange.objects.get()
    assert (change.kind, change.new_due, change.actor) == ("extension", new_due, officer)
    assert change.agency_percent == 20  # an extension keeps its own rate
    assert Network.objects.get(pk=running.pk).handover_due == new_due
    assert shows(response, f"Term extended: the handover is now due on {date_format(new_due)}.")
    # The history and the section list it.
    timeline = client.get(url("network-timeline", running))  # the History tab
    assert shows(timeline, f"Term extended to {date_format(new_due)}")
    assert shows(response, "Floods")


def test_extension_refusals_are_shown(client, officer, running):
    client.force_login(officer)
    response = client.post(
        url("term-extend", running),
        {"new_due_date": running.term_start.isoformat(), "reason": ""},
    )
    errors = response.context["form"].errors
    assert errors["reason"] == [str(T.EXTENSION_REASON_REQUIRED)]
    response = client.post(
        url("term-extend", running),
        {"new_due_date": running.term_start.isoformat(), "reason": "Why not"},
    )
    assert shows(response, T.EXTENSION_NOT_LATER % {"date": day(running.handover_due)})
    assert not TermChange.objects.exists()


def test_facilitator_may_not_change_the_due_date(client, facilitator, young):
    client.force_login(facilitator)
    assert client.get(url("term-extend", young)).status_code == 403
    assert client.get(url("early-handover", young)).status_code == 403


def test_early_handover_then_propose_it(client, officer, facilitator, running):
    early = timezone.localdate() + datetime.timedelta(days=10)
    client.force_login(officer)
    response = client.post(
        url("early-handover", running),
        {"new_due_date": early.isoformat(), "reason": "The group is ready"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("network-money", running)
    timeline = client.get(url("network-timeline", running))  # the History tab
    assert shows(timeline, f"Early handover allowed from {date_format(early)}")
    assert TermChange.objects.get().kind == "early_handover"
    running.refresh_from_db()
    client.force_login(facilitator)
    client.post(url("handover-propose", running), handover_data(running, date=early.isoformat()))
    assert Handover.objects.get().date == early


def test_term_change_on_an_independent_network_is_a_conflict(client, officer, running):
    Network.objects.filter(pk=running.pk).update(phase=Network.Phase.INDEPENDENCE)
    client.force_login(officer)
    response = client.post(
        url("term-extend", running),
        {"new_due_date": add_months(running.handover_due, 1).isoformat(), "reason": "x"},
        follow=True,
    )
    assert shows(response, T.NOT_IN_CONSOLIDATION)
    assert not TermChange.objects.exists()


# --- dashboards -----------------------------------------------------------------------------


def test_dashboards_show_days_left_and_the_warning(client, officer, facilitator, running):
    clock = term_selectors.clock(running)
    for user, home in ((facilitator, "facilitator-home"), (officer, "agency-home")):
        client.force_login(user)
        response = client.get(reverse(f"networks:{home}"))
        # The facilitator's home folds the clock and the warning into each network's card; the
        # agency's home keeps a table of the handovers ahead, with their days left.
        assert shows(response, "Handovers ahead") == (home == "agency-home")
        assert shows(response, f"{clock.days_left} days left")
        if home == "facilitator-home":
            assert shows(response, term_selectors.warning(running))


def test_dashboard_queries_do_not_grow_with_networks(client, officer, facilitator, programme):
    def networks(count):
        for _ in range(count):
            network = factories.NetworkFactory(programme=programme, facilitator=facilitator)
            Network.objects.filter(pk=network.pk).update(
                phase="consolidation", term_start=datetime.date(2024, 1, 1),
                handover_due=timezone.localdate() + datetime.timedelta(days=20),
            )  # fmt: skip

    counts = []
    for count in (2, 8):
        networks(count)
        for user, home in ((facilitator, "facilitator-home"), (officer, "agency-home")):
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(f"networks:{home}"))
            assert response.status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
    assert len(response.context["handover_clocks"]) == 10


# --- query counts ---------------------------------------------------------------------------

# Pinned so that a change adding queries per firm or per month shows up here. The ledger page:
# session, user, network, 4 for the balances, 1 for the months charged. The term's section: the
# handover, 4 for the balances, this month's charge, 8 for readiness (its own balances
# included), the term changes. The whole network page includes every section.
LEDGER_QUERIES = 8
DETAIL_SECTION_QUERIES = 16
DETAIL_PAGE_QUERIES = 38


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.fixture
def small_and_large(network, officer, programme, facilitator):
    """10 firms × 3 months, and 25 firms × 24 months, with the same facilitator."""
    small = term_network(network, officer, months=3)
    large = term_network(
        factories.NetworkFactory(programme=programme, facilitator=facilitator),
        officer, months=24, extra_firms=15,
    )  # fmt: skip
    assert (small.memberships.count(), large.memberships.count()) == (10, 25)
    return small, large


def test_ledger_queries_do_not_grow(client, facilitator, small_and_large,
                                    django_assert_max_num_queries):  # fmt: skip
    client.force_login(facilitator)
    small, large = small_and_large
    counts = [_count(client, url("network-ledger", n)) for n in (small, large)]
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(LEDGER_QUERIES):
        client.get(url("network-ledger", large))
    firm = large.memberships.first().firm
    firm_counts = [_count(client, url("firm-ledger", large, firm.pk))]
    firm = small.memberships.first().firm
    firm_counts.append(_count(client, url("firm-ledger", small, firm.pk)))
    assert firm_counts[0] == firm_counts[1]


def test_term_section_queries_do_not_grow(client, facilitator, small_and_large, rf,
                                          django_assert_max_num_queries):  # fmt: skip
    from networks import access

    small, large = small_and_large
    counts = []
    for network in (small, large):
        request = rf.get("/")
        request.user = facilitator
        network = access.get_network_or_404(facilitator, network.pk)
        with CaptureQueriesContext(connection) as queries:
            network_page.term_section(network_page.NetworkPage(network, request.user))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(DETAIL_SECTION_QUERIES):
        network_page.term_section(network_page.NetworkPage(network, request.user))
    client.force_login(facilitator)
    pages = [_count(client, detail(n)) for n in (small, large)]
    assert pages[0] == pages[1]
    with django_assert_max_num_queries(DETAIL_PAGE_QUERIES):
        client.get(detail(large))
