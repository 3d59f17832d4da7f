"""The portfolio report page: the 1993 question, its chart and table, the networks behind each
number, the programme indicators, access, and a pinned query count."""

import json

import pytest
from django.urls import reverse

from networks.lib.dates import add_months
from networks.models import Network
from networks.rules import default_thresholds
from tests import factories
from tests.builders import evaluate, evaluation_day, running_network, sample_1993
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

REPORT = reverse("networks:report-portfolio")
# session, user, regions and sectors, programmes (links), the portfolio, the programme
# indicators (6), the programme choices; what the brokers achieved (selectors.records: the
# currencies, certified firms, dated diagnoses, the names of networks that moved up, project
# money, sales won together: 6)
REPORT_QUERIES = 19  # +1 since issue 15: the bell's unread count


@pytest.fixture
def sample(officer, programme):
    return sample_1993(officer, programme)


def test_the_1993_sample_reads_as_in_1993(client, officer, sample):
    client.force_login(officer)
    response = client.get(REPORT)
    assert response.status_code == 200
    assert "7 of 10 met at least 4; 4 of 10 met at least 6" in response.content.decode()
    assert shows(response, "Criteria met, out of 12:")


def test_the_table_has_every_k_with_its_sentence_and_share(client, officer, sample):
    client.force_login(officer)
    response = client.get(REPORT)
    rows = {row["k"]: row for row in response.context["table"]["rows"]}
    assert sorted(rows) == list(range(13))
    assert [rows[k]["count"] for k in range(13)] == [10, 10, 9, 8, 7, 5, 4, 2, 1, 0, 0, 0, 0]
    assert rows[4]["share"] == 70 and rows[6]["share"] == 40
    html = response.content.decode()
    for k in range(13):
        assert rows[k]["sentence"] in html
    assert "2 of 10 met at least 7" in html and "0 of 10 met at least 12" in html


def test_the_chart_has_its_data_and_a_text_alternative(client, officer, sample):
    client.force_login(officer)
    html = client.get(REPORT).content.decode()
    assert 'data-chart="bar"' in html and 'data-source="criteria-chart-data"' in html
    assert 'role="img"' in html
    assert "for k from 0 to 12: 10, 10, 9, 8, 7, 5, 4, 2, 1, 0, 0, 0, 0." in html
    start = html.index('<script id="criteria-chart-data" type="application/json">')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert data["labels"] == [str(k) for k in range(13)]
    assert data["datasets"][0]["data"] == [10, 10, 9, 8, 7, 5, 4, 2, 1, 0, 0, 0, 0]
    assert "chartjs/chart.umd.min.js" in html and "js/charts.js" in html
    assert "<script>" not in html  # no inline script: the content security policy forbids it


def test_chart_js_is_loaded_only_on_pages_with_charts(client, officer, network):
    client.force_login(officer)
    html = client.get(reverse("networks:network-detail", args=[network.pk])).content.decode()
    assert "chart.umd.min.js" not in html


def test_the_networks_behind_a_number(client, officer, sample):
    client.force_login(officer)
    response = client.get(REPORT, {"min_age_months": 20, "max_age_months": 30, "k": 6})
    behind = response.context["behind"]
    assert sorted(row.evaluation.met_count for row in behind) == [6, 6, 7, 8]
    html = response.content.decode()
    assert "Networks that met at least 6 criteria" in html
    assert "min_age_months=20&amp;max_age_months=30&amp;k=4#behind" in html  # links keep the filter
    for row in behind:
        assert row.network.name in html
    assert f"{sample[9].name}<" not in html  # met 1: not behind "at least 6"
    assert ">24<" in html  # the age at evaluation, in months


def test_without_k_every_evaluated_network_is_listed(client, officer, sample):
    client.force_login(officer)
    response = client.get(REPORT)
    assert len(response.context["behind"]) == 10
    assert shows(response, "Evaluated networks")


def test_the_age_filter_keeps_only_networks_of_that_age(client, officer, programme, sample):
    young = running_network(programme=programme, name="Young one",
                            start=add_months(evaluation_day(), -8))  # fmt: skip
    evaluate(young, officer, met=12)
    client.force_login(officer)
    everything = client.get(REPORT).context["report"]
    assert everything.networks == 11
    response = client.get(REPORT, {"min_age_months": 20, "max_age_months": 30})
    assert response.context["report"].networks == 10
    assert "7 of 10 met at least 4; 4 of 10 met at least 6" in response.content.decode()


def test_region_sector_and_programme_filters(client, officer, programme, sample):
    Network.objects.filter(pk__in=[n.pk for n in sample[:3]]).update(region="Biobío")
    Network.objects.filter(pk=sample[0].pk).update(sector="Wine")
    second = factories.ProgrammeFactory(agency=officer.agency, name="Second")
    other = running_network(programme=second, name="In the second programme")
    evaluate(other, officer, met=2)
    client.force_login(officer)
    assert client.get(REPORT, {"region": "Biobío"}).context["report"].networks == 3
    assert client.get(REPORT, {"sector": "Wine"}).context["report"].networks == 1
    assert client.get(REPORT, {"programme": second.pk}).context["report"].networks == 1
    assert client.get(REPORT, {"programme": programme.pk}).context["report"].networks == 10


def test_thresholds_choose_the_summary(client, officer, sample):
    client.force_login(officer)
    html = client.get(REPORT, {"thresholds": "2, 8"}).content.decode()
    assert "9 of 10 met at least 2; 1 of 10 met at least 8" in html
    assert default_thresholds(12) == [4, 6]
    assert default_thresholds(9) == [3, 4]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"min_age_months": 30, "max_age_months": 20}, "max_age_months"),
        ({"min_age_months": -1}, "min_age_months"),
        ({"thresholds": "four"}, "thresholds"),
        ({"date_from": "2025-12-01", "date_to": "2025-01-01"}, "date_to"),
        ({"region": "Atlantis"}, "region"),
        ({"programme": 999999}, "programme"),
    ],
)
def test_a_bad_filter_names_the_field_and_shows_no_figures(client, officer, sample, params, field):
    client.force_login(officer)
    response = client.get(REPORT, params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "report" not in response.context
    assert shows(response, "Correct the filter to see the report.")


def test_another_agencys_programme_is_not_a_choice(client, officer, sample, other_network):
    client.force_login(officer)
    response = client.get(REPORT, {"programme": other_network.programme_id})
    assert "programme" in response.context["form"].errors


def test_the_indicators_are_beside_it_with_how_they_are_computed(client, officer, sample):
    client.force_login(officer)
    response = client.get(REPORT, {"date_from": "2025-01-01", "date_to": "2025-12-31"})
    html = response.content.decode()
    assert "Programme indicators, 1 Jan 2025 to 31 Dec 2025" in html
    for title in (
        "Cost per firm reached",
        "Networks that reached independence",
        "Still active 12 months after independence",
        "Joint-action value per unit of agency money",
    ):
        assert title in html
    indicators = response.context["indicators"]
    # No network of the sample has members, phase moves or charges: every figure is "—".
    for item in indicators.items:
        assert item.display == "—"
        assert shows(response, item.reason)
        assert shows(response, item.how)


def test_no_evaluated_network(client, officer):
    client.force_login(officer)
    response = client.get(REPORT)
    assert shows(response, "No evaluated network matches the filter.")
    assert response.context["table"]["rows"][0]["share"] is None


def test_another_agencys_networks_never_count(client, officer, sample, outsider_officer):
    client.force_login(outsider_officer)
    response = client.get(REPORT)
    assert response.context["report"].networks == 0
    assert sample[0].name not in response.content.decode()


@pytest.mark.parametrize(
    "persona, status",
    [
        ("officer", 200),
        ("agency_admin", 200),
        ("facilitator", 403),
        ("firm_user", 403),
        ("outsider_officer", 200),
        ("outsider_facilitator", 403),
        ("outsider_firm_user", 403),
    ],
)
def test_access(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(REPORT).status_code == status


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_menu_links_to_reports_for_agency_people_only(client, officer, facilitator):
    client.force_login(officer)
    home = client.get(reverse("networks:agency-home")).content.decode()
    assert f'href="{REPORT}"' in home
    client.force_login(facilitator)
    home = client.get(reverse("networks:facilitator-home")).content.decode()
    assert f'href="{REPORT}"' not in home


def test_report_queries_do_not_grow(client, officer, programme, django_assert_max_num_queries):
    client.force_login(officer)
    for met in (3, 5):
        evaluate(running_network(programme=programme), officer, met=met)
    with django_assert_max_num_queries(REPORT_QUERIES):
        assert client.get(REPORT, {"k": 4}).status_code == 200
    networks = sample_1993(officer, programme, region="Biobío")
    for network in networks[:5]:
        evaluate(network, officer, met=9)  # a second evaluation: still one row per network
    with django_assert_max_num_queries(REPORT_QUERIES):
        response = client.get(REPORT, {"k": 4})
    assert response.context["report"].networks == 12
