"""Pages: a firm's figures (indicators), recorded per network, read by whom the rules say, shared
by the firm with the networks it chooses, and corrected only where they could be recorded."""

import pytest
from django.urls import reverse

from networks.models import FirmIndicator
from networks.services import progress as P
from tests import factories
from tests.builders import days_ago, members
from tests.factories import FirmIndicatorFactory
from tests.views.conftest import indicators_url, network_indicators_url, shows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def test_a_firm_records_and_sees_its_own_panel(client, firm_user, member_firm):
    client.force_login(firm_user)
    client.post(indicators_url(member_firm), {"date": days_ago(100).isoformat(),
                                              "is_baseline": "on", "employees": "10"})  # fmt: skip
    response = client.post(
        indicators_url(member_firm),
        {"date": days_ago(5).isoformat(), "employees": "13", "annual_sales": "5000"},
        follow=True,
    )
    assert shows(response, "Figures saved.")
    assert FirmIndicator.objects.filter(firm=member_firm).count() == 2
    html = response.content.decode()
    assert "Baseline" in html and "+3" in html  # the change since the baseline


def test_bad_values_are_refused_with_a_clear_message(client, firm_user, member_firm):
    FirmIndicatorFactory(firm=member_firm, date=days_ago(50), is_baseline=True, employees=5)
    client.force_login(firm_user)
    url = indicators_url(member_firm)
    cases = [
        ({"date": days_ago(3).isoformat(), "employees": "-4"}, "Employees cannot be negative."),
        ({"date": days_ago(3).isoformat(), "annual_sales": "-1"},
         "Annual sales cannot be negative."),
        ({"date": days_ago(90).isoformat(), "employees": "4"},
         "A follow-up cannot be dated before the baseline"),
        ({"date": days_ago(3).isoformat(), "is_baseline": "on", "employees": "4"},
         "The firm already has a baseline"),
        ({"date": days_ago(-2).isoformat(), "employees": "4"}, str(P.INDICATOR_DATE_IN_FUTURE)),
        ({"date": days_ago(3).isoformat()}, str(P.INDICATOR_EMPTY)),
    ]  # fmt: skip
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert FirmIndicator.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_member_firm_never_sees_a_firms_figures(
    client, firm_user, member_firm, other_member, method
):
    client.force_login(firm_user)
    url = indicators_url(other_member.firm)
    response = getattr(client, method)(url, {"date": days_ago(1).isoformat(), "employees": "1"})
    assert response.status_code == 404
    assert FirmIndicator.objects.count() == 1


@pytest.mark.parametrize("persona", ["outsider_facilitator", "outsider_officer",
                                     "outsider_firm_user"])  # fmt: skip
def test_outsiders_get_404_on_a_firms_indicators(client, request, member_firm, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(indicators_url(member_firm)).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator", "officer"])
def test_the_facilitator_and_agency_see_a_members_panel(client, request, other_member, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(indicators_url(other_member.firm))
    assert response.status_code == 200
    assert "777" in response.content.decode()


def test_the_firm_home_links_to_our_indicators(client, firm_user, member_firm):
    client.force_login(firm_user)
    html = client.get(reverse("networks:firm-home")).content.decode()
    assert "Our indicators" in html and indicators_url(member_firm) in html


# --- whose figures: per network, and what the firm shares ------------------------------------


def sharing_url(firm, network):
    return reverse("networks:firm-figures-sharing", args=[firm.pk, network.pk])


def test_the_firm_page_shows_each_networks_series_and_who_reads_it(
    client, firm_user, member_firm, network, elsewhere
):
    FirmIndicatorFactory(firm=member_firm, network=network, date=days_ago(50), is_baseline=True,
                         employees=10)  # fmt: skip
    FirmIndicatorFactory(firm=member_firm, network=network, date=days_ago(5), employees=13)
    FirmIndicatorFactory(firm=member_firm, network=None, date=days_ago(5), employees=99,
                         notes="Only ours.")  # fmt: skip
    client.force_login(firm_user)
    response = client.get(indicators_url(member_firm))
    html = response.content.decode()
    panel = response.context["panel"]
    assert [s.network for s in panel.series] == sorted([network, elsewhere], key=str) + [None]
    ours = next(s for s in panel.series if s.network == network)
    assert [r.figures[0].change for r in ours.rows] == [None, 3]  # against its own baseline
    assert "own records" in html and "Read by your firm only." in html
    assert "Recorded elsewhere." in html and "Only ours." in html
    assert sharing_url(member_firm, network) in html and sharing_url(member_firm, elsewhere) in html
    assert "Share all our figures" in html


def test_the_facilitator_reads_only_the_rows_of_their_network_and_cannot_share(
    client, facilitator, member_firm, network, elsewhere
):
    FirmIndicatorFactory(firm=member_firm, network=network, date=days_ago(5), employees=13)
    client.force_login(facilitator)
    response = client.get(indicators_url(member_firm))
    html = response.content.decode()
    assert [s.network for s in response.context["panel"].series] == [network]
    assert "Recorded elsewhere." not in html and "4321" not in html and "4.321" not in html
    assert elsewhere.name not in html  # not even the other network's name
    assert "/sharing/" not in html
    assert client.post(sharing_url(member_firm, network), {"share": "on"}).status_code == 403
    assert not member_firm.memberships.filter(shares_figures=True).exists()


def test_the_firm_shares_with_one_network_and_takes_it_back(
    client, firm_user, facilitator, member_firm, network, elsewhere
):
    client.force_login(firm_user)
    response = client.post(sharing_url(member_firm, network), {"share": "on"}, follow=True)
    assert shows(response, f"{network.name}'s facilitator and agency now read all of your figures")
    assert member_firm.memberships.get(network=network).shares_figures
    assert not member_firm.memberships.get(network=elsewhere).shares_figures
    assert "All your figures" in response.content.decode()
    client.force_login(facilitator)
    assert "Recorded elsewhere." in client.get(indicators_url(member_firm)).content.decode()
    client.force_login(firm_user)
    client.post(sharing_url(member_firm, network), {})
    client.force_login(facilitator)
    assert "Recorded elsewhere." not in client.get(indicators_url(member_firm)).content.decode()
    changes = member_firm.memberships.get(network=network).history.order_by("history_id")
    assert [h.shares_figures for h in changes][-2:] == [True, False]  # each change is kept


def test_sharing_with_a_network_the_firm_was_never_in_is_404(
    client, firm_user, member_firm, other_network
):
    client.force_login(firm_user)
    assert client.post(sharing_url(member_firm, other_network), {"share": "on"}).status_code == 404


def test_the_firm_chooses_the_network_or_keeps_figures_to_itself(
    client, firm_user, facilitator, member_firm, network, elsewhere
):
    client.force_login(firm_user)
    form = client.get(indicators_url(member_firm)).context["form"]
    assert [c for c, _label in form.fields["network"].choices] == sorted(
        [str(network.pk), str(elsewhere.pk)], key=lambda pk: {str(network.pk): network.name,
                                                              str(elsewhere.pk): elsewhere.name}[pk]
    ) + ["own"]  # fmt: skip
    response = client.post(
        indicators_url(member_firm),
        {"network": "own", "date": days_ago(3).isoformat(), "employees": "5", "notes": "Ours."},
    )
    assert response.status_code == 302
    assert FirmIndicator.objects.get(notes="Ours.").network is None
    client.force_login(facilitator)
    assert "Ours." not in client.get(indicators_url(member_firm)).content.decode()


def test_the_facilitator_records_for_their_network_without_choosing(
    client, facilitator, member_firm, network, elsewhere
):
    client.force_login(facilitator)
    form = client.get(indicators_url(member_firm)).context["form"]
    assert form.fields["network"].choices == [(str(network.pk), network.name)]
    # Another agency's baseline for the firm is no reason to refuse this network's.
    response = client.post(
        indicators_url(member_firm),
        {"date": days_ago(40).isoformat(), "is_baseline": "on", "employees": "7"},
    )
    assert response.status_code == 302
    assert FirmIndicator.objects.get(employees=7).network == network


def test_network_aggregates_use_only_the_rows_the_network_may_read(
    client, firm_user, network, member_firm, elsewhere
):
    firms = members(network, 2)
    for firm in firms:
        FirmIndicatorFactory(firm=firm, network=network, date=days_ago(3), employees=100)
    client.force_login(firm_user)
    response = client.get(network_indicators_url(network))
    employees = response.context["summary"].aggregates[0]
    assert (employees.reported, employees.total) == (2, None)  # not 3: elsewhere's row is out
    FirmIndicatorFactory(firm=member_firm, network=None, date=days_ago(2), employees=1)
    P.firm_figures_share(firm=member_firm, network=network, actor=firm_user, share=True)
    employees = client.get(network_indicators_url(network)).context["summary"].aggregates[0]
    assert (employees.reported, employees.total) == (3, 201)  # shared: its latest row counts


def test_firm_page_queries_do_not_grow(
    client, firm_user, member_firm, network, elsewhere, django_assert_max_num_queries
):
    client.force_login(firm_user)
    for days in (300, 200, 100, 50, 10):
        FirmIndicatorFactory(firm=member_firm, network=network, date=days_ago(days))
    with django_assert_max_num_queries(FIRM_PAGE_QUERIES):
        client.get(indicators_url(member_firm))
    for n in range(4):
        other = factories.NetworkFactory(programme=network.programme)
        factories.MembershipFactory(network=other, firm=member_firm)
        FirmIndicatorFactory(firm=member_firm, network=other, date=days_ago(20 + n))
    FirmIndicatorFactory(firm=member_firm, network=None, date=days_ago(1))
    with django_assert_max_num_queries(FIRM_PAGE_QUERIES):
        response = client.get(indicators_url(member_firm))
    assert len(response.context["panel"].series) == 7


# session, user, the firm, the networks to record for, the readable reports, the memberships
FIRM_PAGE_QUERIES = 7  # +1 since issue 15: the bell's unread count


def test_a_shared_row_is_read_but_not_corrected_by_the_facilitator(
    client, firm_user, facilitator, member_firm, network, elsewhere
):
    """Sharing lets a network read the firm's other rows; correcting stays with whoever records
    for that row's network (or the firm, for its own records)."""
    ours = FirmIndicatorFactory(firm=member_firm, network=network, date=days_ago(9), employees=3)
    theirs = FirmIndicatorFactory(firm=member_firm, network=elsewhere, date=days_ago(8))
    private = FirmIndicatorFactory(firm=member_firm, network=None, date=days_ago(7))
    member_firm.memberships.filter(network=network).update(shares_figures=True)

    def edit(report):
        return reverse("networks:firm-indicator-edit", args=[member_firm.pk, report.pk])

    client.force_login(facilitator)
    html = client.get(indicators_url(member_firm)).content.decode()
    assert edit(ours) in html and edit(theirs) not in html and edit(private) not in html
    assert client.get(edit(ours)).status_code == 200
    for report in (theirs, private):
        assert client.get(edit(report)).status_code == 403
        assert client.post(edit(report), {"employees": "1", "reason": "x"}).status_code == 403
    api = reverse("api:firm-indicator-detail", args=[private.pk])
    assert client.get(api).status_code == 200  # shared: it may read it
    assert client.patch(api, {"employees": 1, "reason": "x"}, content_type="application/json")\
        .status_code == 403  # fmt: skip
    private.refresh_from_db()
    assert private.employees != 1
    client.force_login(firm_user)
    assert client.get(edit(private)).status_code == 200  # the firm corrects its own records
