"""The handover's pages: proposing it with each firm's share (split equally, by current dues),
every refusal at once, and the agency's confirmation by a second officer."""

from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from networks.lib.dates import day
from networks.models import Due, Handover, Network
from networks.selectors import term as term_selectors
from networks.services import term as T
from tests import builders
from tests.views.conftest import shows
from tests.views.test_term_pages import handover_data, url

pytestmark = pytest.mark.django_db


# --- the handover ---------------------------------------------------------------------------


def test_propose_the_handover(client, facilitator, running):
    client.force_login(facilitator)
    response = client.get(url("handover-propose", running))
    assert response.context["form"]["manager"].value() == facilitator.pk
    response = client.post(url("handover-propose", running), handover_data(running), follow=True)
    handover = Handover.objects.get()
    assert (handover.status, handover.manager, handover.monthly_salary) == (
        "proposed", facilitator, Decimal("1300000"),
    )  # fmt: skip
    assert handover.commitments.count() == 11
    assert sum(c.share_percent for c in handover.commitments.all()) == 100
    assert shows(response, "Handover proposed. Agency staff must now confirm it.")
    assert "Proposed, waiting for the agency" in response.content.decode()


def test_handover_shares_adding_up_to_90(client, facilitator, running):
    first = running.memberships.order_by("firm__tax_id").first().firm
    client.force_login(facilitator)
    response = client.post(
        url("handover-propose", running), handover_data(running, **{f"share_{first.pk}": "0"})
    )
    assert shows(response, T.HANDOVER_SHARES_NOT_100 % {"total": "90"})
    assert not Handover.objects.exists()


def _shown_shares(response) -> dict:
    form = response.context["form"]
    return {firm.pk: Decimal(str(form[f"share_{firm.pk}"].value())) for firm in form.share_firms}


def test_split_equally_fills_shares_adding_to_exactly_100_and_saves_nothing(
    client, facilitator, running
):
    client.force_login(facilitator)
    typed = {"date": running.handover_due.isoformat(), "manager": facilitator.pk,
             "monthly_salary": "1.300.000", "fill": "equal"}  # fmt: skip
    response = client.post(url("handover-propose", running), typed)
    assert response.status_code == 200
    shares = _shown_shares(response)
    firms = response.context["form"].share_firms
    # 100 / 11 = 9.0909...: 9.09 each and the one hundredth left over on the first firm.
    assert [shares[f.pk] for f in firms] == [Decimal("9.10")] + [Decimal("9.09")] * 10
    assert sum(shares.values()) == Decimal("100.00")
    assert response.context["share_total"] == Decimal("100.00")
    form = response.context["form"]
    assert form["monthly_salary"].value() == "1.300.000" and not form.errors
    assert not Handover.objects.exists()
    # What was filled in is then proposed as it stands.
    data = {**typed, **{f"share_{pk}": str(v) for pk, v in shares.items()}}
    del data["fill"]
    client.post(url("handover-propose", running), data)
    assert sum(c.share_percent for c in Handover.objects.get().commitments.all()) == 100


def test_split_by_current_dues_follows_what_each_firm_pays(client, facilitator, running):
    heavy = running.memberships.order_by("firm__name").last().firm
    Due.objects.filter(network=running, firm=heavy).update(amount=F("amount") * 2)
    client.force_login(facilitator)
    response = client.post(url("handover-propose", running), {"fill": "dues"})
    shares = _shown_shares(response)
    assert sum(shares.values()) == Decimal("100.00")
    assert shares.pop(heavy.pk) == Decimal("16.67")  # 2 / 12 of the dues
    assert set(shares.values()) <= {Decimal("8.33"), Decimal("8.34")}
    assert not Handover.objects.exists()


def test_split_by_dues_before_any_due_says_so_and_keeps_the_shares(client, facilitator, young):
    Due.objects.filter(network=young).delete()
    client.force_login(facilitator)
    response = client.post(url("handover-propose", young), {"fill": "dues"})
    assert response.status_code == 200
    assert shows(response, term_selectors.HANDOVER_NO_DUES_TO_SPLIT_BY)
    assert all(v is None for v in _shown_shares_raw(response))


def _shown_shares_raw(response) -> list:
    form = response.context["form"]
    return [form[f"share_{firm.pk}"].value() for firm in form.share_firms]


def test_handover_lists_every_refusal(client, facilitator, running):
    firms = [m.firm for m in running.memberships.order_by("firm__tax_id")]
    client.force_login(facilitator)
    data = handover_data(running, date=timezone.localdate().isoformat())
    data[f"share_{firms[0].pk}"] = "-10"
    data[f"share_{firms[1].pk}"] = ""
    response = client.post(url("handover-propose", running), data)
    for message in (
        T.HANDOVER_TOO_EARLY % {"due": day(running.handover_due)},
        T.HANDOVER_SHARE_NEGATIVE % {"firm": firms[0].name},
        T.HANDOVER_FIRM_MISSING % {"firm": firms[1].name},
        T.HANDOVER_SHARES_NOT_100 % {"total": "71"},
    ):
        assert shows(response, message)
    assert not Handover.objects.exists()


def test_handover_outside_consolidation_is_refused(client, facilitator, network, officer):
    builders.approved_network(network, officer)
    client.force_login(facilitator)
    data = {"date": "2030-01-01", "manager": facilitator.pk, "monthly_salary": "1000"}
    response = client.post(url("handover-propose", network), data)
    assert shows(response, T.NOT_IN_CONSOLIDATION)
    assert not Handover.objects.exists()


def test_agency_confirms_the_handover(client, officer, facilitator, running):
    client.force_login(facilitator)
    client.post(url("handover-propose", running), handover_data(running))
    client.force_login(officer)
    response = client.post(url("handover-confirm", running), follow=True)
    running.refresh_from_db()
    assert running.phase == Network.Phase.INDEPENDENCE
    assert running.handed_over_on == running.handover_due
    assert Handover.objects.get().confirmed_by == officer
    assert shows(response, "Handover confirmed. The member firms now pay the whole salary")
    assert shows(response, "Confirmed")  # the Money tab, where the confirmation leads
    assert shows(client.get(url("network-timeline", running)), "Handover confirmed (from")


def test_confirm_four_eyes_and_nothing_proposed(client, officer, running):
    client.force_login(officer)
    response = client.post(url("handover-confirm", running), follow=True)
    assert shows(response, T.HANDOVER_NONE_PROPOSED)
    client.post(url("handover-propose", running), handover_data(running))
    response = client.post(url("handover-confirm", running), follow=True)
    assert shows(response, T.HANDOVER_FOUR_EYES)
    assert Network.objects.get(pk=running.pk).phase == Network.Phase.CONSOLIDATION


def test_facilitator_may_not_confirm(client, facilitator, young):
    client.force_login(facilitator)
    assert client.post(url("handover-confirm", young)).status_code == 403
