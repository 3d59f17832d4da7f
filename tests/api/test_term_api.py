"""The term under /api/v1/networks/{id}/: contributions, the ledger, payments, readiness, the
handover and its confirmation, extensions and early handovers."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from networks.lib.dates import add_months, day
from networks.models import Handover, Membership, Network, Payment, TermChange
from networks.services import term as T
from tests import factories
from tests.builders import term_network

pytestmark = pytest.mark.django_db


def url(network, action: str) -> str:
    return f"/api/v1/networks/{network.pk}/{action}/"


@pytest.fixture
def running(network, officer, member_firm):
    return term_network(network, officer)


def firms_of(network):
    return [m.firm for m in Membership.objects.filter(network=network).order_by("firm__tax_id")]


def handover_body(network, shares=None, **overrides) -> dict:
    firms = firms_of(network)
    shares = shares or ["10"] + ["9"] * (len(firms) - 1)
    body = {
        "date": network.handover_due.isoformat(),
        "manager": network.facilitator_id,
        "monthly_salary": "1300000",
        "commitments": [
            {"firm": firm.pk, "share_percent": share}
            for firm, share in zip(firms, shares, strict=True)
        ],
    }
    body.update(overrides)
    return body


# --- contributions --------------------------------------------------------------------------


def test_contributions_for_the_facilitator(api, facilitator, running):
    api.force_authenticate(facilitator)
    response = api.get(url(running, "contributions"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 11
    row = body["results"][0]
    assert set(row) == {"firm", "firm_name", "owed", "paid", "balance", "in_arrears", "arrears"}
    firm = Membership.objects.get(network=running, firm_id=row["firm"]).firm
    assert row["firm_name"] == firm.name
    owed, paid = Decimal(row["owed"]), Decimal(row["paid"])
    assert owed == sum(d.amount for d in firm.dues.all())
    assert paid == sum(p.amount for p in firm.payments.all())
    assert Decimal(row["balance"]) == owed - paid
    assert row["in_arrears"] is True and Decimal(row["arrears"]) > 0
    assert isinstance(row["owed"], str)


def test_firm_member_gets_only_their_row(api, firm_user, running):
    api.force_authenticate(firm_user)
    body = api.get(url(running, "contributions")).json()
    assert [row["firm"] for row in body["results"]] == [firm_user.firm_id]


def test_contributions_outsider_404_anonymous_401(api, outsider_officer, running):
    assert api.get(url(running, "contributions")).status_code == 401
    api.force_authenticate(outsider_officer)
    assert api.get(url(running, "contributions")).status_code == 404


def test_contributions_queries_do_not_grow(api, facilitator, network, officer, programme,
                                           django_assert_max_num_queries):  # fmt: skip
    small = term_network(network, officer, months=3)
    large = term_network(
        factories.NetworkFactory(programme=programme, facilitator=facilitator),
        officer, months=24, extra_firms=15,
    )  # fmt: skip
    api.force_authenticate(facilitator)
    counts = []
    for each in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url(each, "contributions")).json()["count"] in (10, 25)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # The network, then the balances: dues, payments, members, firms.
    with django_assert_max_num_queries(5):
        api.get(url(large, "contributions"))


# --- the ledger -----------------------------------------------------------------------------


def test_firm_ledger_lines(api, facilitator, running):
    firm = firms_of(running)[0]
    api.force_authenticate(facilitator)
    body = api.get(url(running, f"ledger/{firm.pk}")).json()
    assert body["count"] == 32  # 31 dues and one payment
    first, last = body["results"][0], body["results"][-1]
    assert set(first) == {"date", "kind", "label", "debit", "credit", "balance"}
    assert first["kind"] == "due" and first["debit"] == first["balance"]
    owed = sum(d.amount for d in firm.dues.all())
    paid = sum(p.amount for p in firm.payments.all())
    assert Decimal(last["balance"]) == owed - paid


def test_firm_member_sees_only_their_own_ledger(api, firm_user, running):
    other = next(f for f in firms_of(running) if f != firm_user.firm)
    api.force_authenticate(firm_user)
    assert api.get(url(running, f"ledger/{firm_user.firm_id}")).status_code == 200
    assert api.get(url(running, f"ledger/{other.pk}")).status_code == 404


def test_ledger_of_a_firm_outside_the_network_is_404(api, facilitator, running):
    api.force_authenticate(facilitator)
    stranger = factories.FirmFactory()
    assert api.get(url(running, f"ledger/{stranger.pk}")).status_code == 404


# --- payments -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["facilitator", "officer"])
def test_record_a_payment(api, request, running, persona):
    actor = request.getfixturevalue(persona)
    firm = firms_of(running)[0]
    api.force_authenticate(actor)
    today = timezone.localdate().isoformat()
    body = {"firm": firm.pk, "date": today, "amount": "45000", "reference": "TRF 77"}
    response = api.post(url(running, "payments"), body, format="json")
    assert response.status_code == 201, response.json()
    payment = Payment.objects.get(reference="TRF 77")
    assert (payment.firm, payment.amount, payment.recorded_by) == (firm, Decimal("45000"), actor)
    assert response.json() == {
        "id": payment.pk, "network": running.pk, "firm": firm.pk, "date": today,
        "amount": "45000.00", "reference": "TRF 77", "recorded_by": actor.pk,
        "created_at": response.json()["created_at"],
    }  # fmt: skip


def test_payment_rules_give_the_services_messages(api, facilitator, running):
    api.force_authenticate(facilitator)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    body = {"firm": firms_of(running)[0].pk, "date": tomorrow, "amount": "0"}
    response = api.post(url(running, "payments"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "amount": [str(T.PAYMENT_AMOUNT_INVALID)],
        "date": [str(T.PAYMENT_DATE_IN_FUTURE)],
    }


def test_payment_for_a_firm_outside_the_network_is_400(api, facilitator, running):
    api.force_authenticate(facilitator)
    stranger = factories.FirmFactory()
    body = {"firm": stranger.pk, "date": timezone.localdate().isoformat(), "amount": "5"}
    response = api.post(url(running, "payments"), body, format="json")
    assert response.status_code == 400 and "firm" in response.json()
    assert not Payment.objects.filter(firm=stranger).exists()


def test_payment_access(api, firm_user, outsider_facilitator, running):
    body = {"firm": firm_user.firm_id, "date": timezone.localdate().isoformat(), "amount": "5"}
    before = Payment.objects.count()
    assert api.post(url(running, "payments"), body, format="json").status_code == 401
    api.force_authenticate(firm_user)
    assert api.post(url(running, "payments"), body, format="json").status_code == 403
    api.force_authenticate(outsider_facilitator)
    assert api.post(url(running, "payments"), body, format="json").status_code == 404
    assert Payment.objects.count() == before


# --- readiness ------------------------------------------------------------------------------


def test_readiness(api, firm_user, running):
    api.force_authenticate(firm_user)
    body = api.get(url(running, "readiness")).json()
    assert set(body) == {"items", "score", "total"}
    assert body["total"] == 6 == len(body["items"])
    keys = {item["key"]: item for item in body["items"]}
    assert set(keys) == {"members", "arrears", "activity", "joint_action", "evaluation",
                         "commitments"}  # fmt: skip
    assert keys["members"]["met"] is True
    assert keys["arrears"]["met"] is False
    assert body["score"] == sum(1 for item in body["items"] if item["met"])
    assert set(keys["members"]) == {"key", "label", "met"}


# --- the handover ---------------------------------------------------------------------------


def test_propose_the_handover(api, facilitator, running):
    api.force_authenticate(facilitator)
    response = api.post(url(running, "handover"), handover_body(running), format="json")
    assert response.status_code == 201, response.json()
    handover = Handover.objects.get()
    body = response.json()
    assert body["id"] == handover.pk and body["status"] == "proposed"
    assert body["manager"] == facilitator.pk and body["monthly_salary"] == "1300000.00"
    assert len(body["commitments"]) == 11
    assert sum(Decimal(c["share_percent"]) for c in body["commitments"]) == 100
    assert body["confirmed_by"] is None


@pytest.mark.parametrize(
    "change, message",
    [
        ({"shares": ["0"] + ["9"] * 10}, T.HANDOVER_SHARES_NOT_100 % {"total": "90"}),
        ({"shares": ["-10", "29"] + ["9"] * 9}, "negative"),
        ({"date": "today"}, "too early"),
    ],
)
def test_handover_refusals(api, facilitator, running, change, message):
    api.force_authenticate(facilitator)
    firms = firms_of(running)
    body = handover_body(running, shares=change.get("shares"))
    if change.get("date") == "today":
        body["date"] = timezone.localdate().isoformat()
        message = T.HANDOVER_TOO_EARLY % {"due": day(running.handover_due)}
    if message == "negative":
        message = T.HANDOVER_SHARE_NEGATIVE % {"firm": firms[0].name}
    response = api.post(url(running, "handover"), body, format="json")
    assert response.status_code == 400
    assert str(message) in response.json()["non_field_errors"]
    assert not Handover.objects.exists()


def test_handover_lists_every_reason(api, facilitator, running):
    firms = firms_of(running)
    api.force_authenticate(facilitator)
    body = handover_body(running, date=timezone.localdate().isoformat())
    body["commitments"] = body["commitments"][1:]  # the first firm is missing
    response = api.post(url(running, "handover"), body, format="json")
    assert response.json() == {
        "non_field_errors": [
            str(T.HANDOVER_TOO_EARLY % {"due": day(running.handover_due)}),
            str(T.HANDOVER_FIRM_MISSING % {"firm": firms[0].name}),
            str(T.HANDOVER_SHARES_NOT_100 % {"total": "90"}),
        ]
    }


def test_handover_with_a_firm_twice_is_400(api, facilitator, running):
    api.force_authenticate(facilitator)
    body = handover_body(running)
    body["commitments"].append(body["commitments"][0])
    response = api.post(url(running, "handover"), body, format="json")
    assert response.status_code == 400 and "commitments" in response.json()


def test_handover_access(api, firm_user, outsider_officer, running):
    body = handover_body(running)
    api.force_authenticate(firm_user)
    assert api.post(url(running, "handover"), body, format="json").status_code == 403
    api.force_authenticate(outsider_officer)
    assert api.post(url(running, "handover"), body, format="json").status_code == 404
    api.force_authenticate(None)
    assert api.post(url(running, "handover"), body, format="json").status_code == 401
    assert not Handover.objects.exists()


def test_confirm_the_handover(api, officer, facilitator, running):
    api.force_authenticate(facilitator)
    api.post(url(running, "handover"), handover_body(running), format="json")
    assert api.post(url(running, "handover/confirm")).status_code == 403
    api.force_authenticate(officer)
    response = api.post(url(running, "handover/confirm"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "confirmed"
    assert response.json()["confirmed_by"] == officer.pk
    running.refresh_from_db()
    assert running.phase == Network.Phase.INDEPENDENCE
    again = api.post(url(running, "handover/confirm"))
    assert again.status_code == 409
    assert again.json() == {"detail": str(T.HANDOVER_ALREADY_CONFIRMED)}


def test_confirm_four_eyes_and_nothing_proposed(api, officer, firm_user, running):
    api.force_authenticate(officer)
    response = api.post(url(running, "handover/confirm"))
    assert response.status_code == 409
    assert response.json() == {"detail": str(T.HANDOVER_NONE_PROPOSED)}
    api.post(url(running, "handover"), handover_body(running), format="json")
    response = api.post(url(running, "handover/confirm"))
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [str(T.HANDOVER_FOUR_EYES)]}
    api.force_authenticate(firm_user)
    assert api.post(url(running, "handover/confirm")).status_code == 403
    assert Handover.objects.get().status == "proposed"


# --- the due date ---------------------------------------------------------------------------


def test_extend_the_term(api, officer, running):
    new_due = add_months(running.handover_due, 3)
    api.force_authenticate(officer)
    body = {"new_due_date": new_due.isoformat(), "reason": "Harvest season"}
    response = api.post(url(running, "extend-term"), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"handover_due": new_due.isoformat()}
    change = TermChange.objects.get()
    assert (change.kind, change.new_due, change.reason) == ("extension", new_due, "Harvest season")
    assert change.agency_percent == 30  # by default, the last year's rate
    body = {"new_due_date": add_months(new_due, 1).isoformat(), "reason": "More rain",
            "agency_percent": "15.5"}  # fmt: skip
    assert api.post(url(running, "extend-term"), body, format="json").status_code == 200
    assert TermChange.objects.latest("pk").agency_percent == Decimal("15.5")
    body["agency_percent"] = "120"
    response = api.post(url(running, "extend-term"), body, format="json")
    assert response.status_code == 400 and "agency_percent" in response.json()


def test_extension_rules_give_the_services_messages(api, officer, running):
    api.force_authenticate(officer)
    body = {"new_due_date": running.term_start.isoformat(), "reason": ""}
    response = api.post(url(running, "extend-term"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "reason": [str(T.EXTENSION_REASON_REQUIRED)],
        "new_due_date": [str(T.EXTENSION_NOT_LATER % {"date": day(running.handover_due)})],
    }
    response = api.post(url(running, "extend-term"), {"reason": "x"}, format="json")
    assert response.status_code == 400 and "new_due_date" in response.json()


def test_early_handover(api, officer, running):
    early = timezone.localdate() + datetime.timedelta(days=5)
    api.force_authenticate(officer)
    body = {"new_due_date": early.isoformat(), "reason": "Ready early"}
    response = api.post(url(running, "early-handover"), body, format="json")
    assert response.json() == {"handover_due": early.isoformat()}
    assert TermChange.objects.get().kind == "early_handover"


@pytest.mark.parametrize("action", ["extend-term", "early-handover"])
def test_due_date_access(api, facilitator, firm_user, outsider_officer, running, action):
    body = {"new_due_date": add_months(running.handover_due, 1).isoformat(), "reason": "x"}
    assert api.post(url(running, action), body, format="json").status_code == 401
    for user, code in ((facilitator, 403), (firm_user, 403), (outsider_officer, 404)):
        api.force_authenticate(user)
        assert api.post(url(running, action), body, format="json").status_code == code
    assert not TermChange.objects.exists()


def test_extension_of_an_independent_network_is_409(api, officer, running):
    Network.objects.filter(pk=running.pk).update(phase=Network.Phase.INDEPENDENCE)
    api.force_authenticate(officer)
    body = {"new_due_date": add_months(running.handover_due, 1).isoformat(), "reason": "x"}
    response = api.post(url(running, "extend-term"), body, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": str(T.NOT_IN_CONSOLIDATION)}


def test_schema_lists_the_term_endpoints(api, officer):
    api.force_authenticate(officer)
    paths = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for action in ("contributions/", "ledger/{firm_id}/", "payments/", "readiness/",
                   "handover/", "handover/confirm/", "extend-term/", "early-handover/"):  # fmt: skip
        assert f"/api/v1/networks/{{id}}/{action}" in paths
