"""Life after independence (issue 18): the yearly check-in, the network that stops, the
indicator "still running N years after handover", and the events the notifications will read."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from networks.lib.dates import add_months
from networks.models import CheckIn, Network
from networks.selectors import evaluation as evaluation_selectors
from networks.selectors import independence as I
from networks.selectors.dashboard.homes import agency_dashboard
from networks.services import independence as S
from networks.services.common import ConflictError
from tests import builders, factories

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 4)


def independent(network, handed_over_on=datetime.date(2025, 3, 10)):
    builders.add_members(network, 10)
    Network.objects.filter(pk=network.pk).update(
        phase=Network.Phase.INDEPENDENCE, term_start=add_months(handed_over_on, -36),
        handover_due=handed_over_on, handed_over_on=handed_over_on,
    )  # fmt: skip
    network.refresh_from_db()
    return network


def record(network, actor, day, **fields):
    values = {"still_meeting": True, "manager_paid": True, "members": 10, "joint_actions": 2}
    with mock.patch("networks.services.independence.timezone.localdate", return_value=TODAY):
        return S.check_in_record(network=network, actor=actor, date=day, **values | fields)


def test_a_check_in_belongs_to_the_year_its_date_falls_in(network):
    independent(network)
    first = record(network, network.facilitator, datetime.date(2026, 3, 9))
    second = record(network, network.facilitator, datetime.date(2026, 3, 10))
    assert (first.year, second.year) == (1, 2)
    with pytest.raises(ValidationError) as err:
        record(network, network.facilitator, datetime.date(2026, 11, 1))
    assert err.value.message_dict == {"date": [str(S.CHECK_IN_YEAR_RECORDED % {"year": 2})]}
    assert CheckIn.objects.count() == 2


def test_check_in_rules_list_every_problem(network):
    independent(network)
    with pytest.raises(ValidationError) as err:
        record(network, network.facilitator, datetime.date(2025, 1, 1), members=-1,
               still_meeting=None)  # fmt: skip
    assert err.value.message_dict == {
        "date": [str(S.CHECK_IN_BEFORE_HANDOVER % {"date": "10 Mar 2025"})],
        "still_meeting": [str(S.ANSWER_REQUIRED)],
        "members": [str(S.CHECK_IN_COUNT_INVALID)],
    }
    with pytest.raises(ValidationError) as err:
        record(network, network.facilitator, datetime.date(2027, 1, 1))
    assert err.value.message_dict == {"date": [str(S.CHECK_IN_DATE_IN_FUTURE)]}


def test_only_for_the_programmes_years(network):
    independent(network, handed_over_on=datetime.date(2022, 1, 10))
    network.programme.check_in_years = 2
    network.programme.save()
    with pytest.raises(ValidationError) as err:
        record(network, network.facilitator, datetime.date(2024, 6, 1))
    assert err.value.message_dict == {"date": [str(S.CHECK_IN_PAST_THE_YEARS % {
        "years": 2, "date": "1 Jun 2024", "year": 3})]}  # fmt: skip
    assert record(network, network.facilitator, datetime.date(2023, 6, 1)).year == 2


def test_who_may_record_and_when(network, officer, firm_user, outsider_officer):
    for actor in (firm_user, outsider_officer):
        with pytest.raises(PermissionDenied):
            record(network, actor, TODAY)
    with pytest.raises(ConflictError) as err:
        record(network, officer, TODAY)  # still in preparation
    assert err.value.messages == [str(S.CHECK_IN_NOT_INDEPENDENT)]
    independent(network)
    assert record(network, officer, TODAY).recorded_by == officer


def test_a_network_that_stopped_is_flagged_on_the_agencys_dashboard(network, officer):
    independent(network)
    record(network, officer, datetime.date(2026, 2, 1), stopped=True, still_meeting=False)
    dashboard = agency_dashboard(user=officer, today=TODAY)
    assert [(i.network.pk, [r.code for r in i.reasons]) for i in dashboard.at_risk] == [
        (network.pk, ["stopped"])
    ]
    events = I.rule_events(Network.objects.all(), TODAY)
    assert [(e.code, e.network.pk, e.since) for e in events] == [
        ("stopped", network.pk, datetime.date(2026, 2, 1))
    ]


def test_a_missing_check_in_is_an_event_and_a_risk(network, officer):
    independent(network, handed_over_on=datetime.date(2024, 6, 1))
    record(network, officer, datetime.date(2025, 5, 1))  # year 1; year 2 was due 2026-06-01
    events = I.rule_events(Network.objects.all(), TODAY)
    assert [(e.code, e.since) for e in events] == [("check_in_missing", datetime.date(2026, 6, 1))]
    dashboard = agency_dashboard(user=officer, today=TODAY)
    assert [r.code for r in dashboard.at_risk[0].reasons] == ["check_in_missing"]


def test_rule_events_in_consolidation(officer, programme):
    late = factories.NetworkFactory(programme=programme)
    builders.add_members(late, 9)
    Network.objects.filter(pk=late.pk).update(
        phase=Network.Phase.CONSOLIDATION, term_start=datetime.date(2023, 1, 1),
        handover_due=datetime.date(2026, 1, 1),
    )  # fmt: skip
    events = I.rule_events(Network.objects.all(), TODAY)
    assert [(e.code, e.since) for e in events] == [
        ("handover_overdue", datetime.date(2026, 1, 1)), ("below_minimum", TODAY),
    ]  # fmt: skip


def test_still_running_n_years_after_handover(officer, programme):
    networks = []
    for handed in (datetime.date(2021, 1, 1), datetime.date(2022, 5, 1),
                   datetime.date(2023, 1, 1), datetime.date(2025, 1, 1)):  # fmt: skip
        networks.append(independent(factories.NetworkFactory(programme=programme), handed))
    running, stopped, silent, young = networks
    CheckIn.objects.create(network=running, year=3, date=datetime.date(2023, 12, 1),
                           still_meeting=True, manager_paid=True, members=9, joint_actions=1,
                           recorded_by=officer)  # fmt: skip
    CheckIn.objects.create(network=stopped, year=2, date=datetime.date(2024, 4, 1),
                           still_meeting=False, manager_paid=False, members=4, joint_actions=0,
                           stopped=True, recorded_by=officer)  # fmt: skip
    figures = I.still_running(Network.objects.all(), TODAY)
    assert figures == I.StillRunning(years=3, handed_over=3, running=1, stopped=1, unknown=1)
    indicator = evaluation_selectors.programme_indicators(
        user=officer, date_from=datetime.date(2026, 1, 1), date_to=TODAY
    )["still_running"]
    assert (indicator.title, indicator.display) == ("Still running 3 years after handover", "33%")
    assert "(3)" in indicator.how and young.pk not in {running.pk, stopped.pk, silent.pk}
