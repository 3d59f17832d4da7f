"""The programme's goal horizons and participation settings (issue 16): checked as a whole,
read from the network's programme by the goal rules, the checklist and the dashboards, and
previewed on the running networks before they are saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from networks.forms.lifecycle import GoalForm
from networks.lib.dates import add_months
from networks.models import Goal, Network, Programme
from networks.selectors import programmes as programme_selectors
from networks.selectors.dashboard import homes as dashboard_homes
from networks.services import lifecycle as lifecycle_services
from networks.services import programmes as programme_services
from tests import builders, factories
from tests.dashboard_scenes import card_for, the_worked_example

pytestmark = pytest.mark.django_db


def _refused(programme, actor, **settings) -> dict:
    with pytest.raises(ValidationError) as error:
        programme_services.programme_update(
            programme=programme, actor=actor, reason="Try.", **settings
        )
    return error.value.message_dict


def test_horizons_and_participation_are_checked_and_nothing_is_saved(agency_admin, programme):
    audit_rows = programme.history.count()
    errors = _refused(programme, agency_admin, goal_short_months=36)
    assert errors == {
        "goal_medium_months": [
            "Medium-term goals must have a longer horizon than short-term ones (36 months)."
        ]
    }
    errors = _refused(programme, agency_admin, goal_medium_months=40)
    assert errors["goal_medium_months"] == [
        "Medium-term goals must fall due within the term (36 months)."
    ]
    assert set(_refused(programme, agency_admin, goal_short_months=0)) == {"goal_short_months"}
    for window in (0, 25):
        errors = _refused(programme, agency_admin, participation_window_months=window)
        assert set(errors) == {"participation_window_months"}
    errors = _refused(programme, agency_admin, participation_risk_percent=101)
    assert set(errors) == {"participation_risk_percent"}
    programme.refresh_from_db()
    assert programme.history.count() == audit_rows
    assert (programme.goal_short_months, programme.goal_medium_months) == (12, 36)
    assert (programme.participation_window_months, programme.participation_risk_percent) == (6, 50)
    programme_services.programme_update(
        programme=programme, actor=agency_admin, reason="Shorter cycles.", goal_short_months=6,
        goal_medium_months=24, participation_window_months=3, participation_risk_percent=40,
    )  # fmt: skip
    programme.refresh_from_db()
    assert (programme.goal_short_months, programme.participation_risk_percent) == (6, 40)
    assert programme.history.first().history_change_reason == "Shorter cycles."


def test_goals_count_against_the_programmes_horizons(facilitator, network):
    builders.submittable_network(network)  # a short goal due in 10 months, a medium one in 30
    assert all(item.met for item in lifecycle_services.submit_checklist(network))
    Programme.objects.filter(pk=network.programme_id).update(
        goal_short_months=6, goal_medium_months=24
    )
    network = Network.objects.select_related("programme").get(pk=network.pk)
    items = {item.key: item for item in lifecycle_services.submit_checklist(network)}
    assert not items["short_goal"].met and not items["medium_goal"].met
    assert "within 6 months" in items["short_goal"].label
    assert items["medium_goal"].message == lifecycle_services.MEDIUM_GOAL_MISSING % {"months": 24}
    # The facilitator's home counts the same conditions unmet.
    card = card_for(dashboard_homes.facilitator_dashboard(user=facilitator), network)
    assert card.checklist_unmet == 2
    with pytest.raises(ValidationError) as error:
        lifecycle_services.goal_create(
            network=network, actor=facilitator, horizon=Goal.Horizon.SHORT, title="Late",
            due_date=add_months(timezone.localdate(), 8),
        )  # fmt: skip
    assert error.value.message_dict["due_date"][0].startswith("A short term (within 6 months) goal")
    form = GoalForm(programme=network.programme)
    assert dict(form.fields["horizon"].choices)["medium"] == "medium term (within 24 months)"


def test_the_preview_names_the_networks_with_goals_beyond_new_horizons(programme, officer):
    preparing = factories.NetworkFactory(programme=programme, name="Preparing")
    builders.add_goals(preparing)  # medium goal due in 30 months
    approved = factories.NetworkFactory(programme=programme, name="Approved")
    builders.add_goals(approved)
    builders.open_for_joint_actions(approved)  # past its application
    (effect,) = programme_selectors.settings_preview(
        programme, {"goal_short_months": 6, "goal_medium_months": 24}
    )
    assert effect.warning and effect.networks == ["Preparing"]
    assert effect.lines[0].startswith("1 network in preparation would have goals beyond")
    (effect,) = programme_selectors.settings_preview(programme, {"goal_medium_months": 30})
    assert not effect.warning and effect.networks == []


def test_the_preview_counts_the_networks_falling_under_the_participation_threshold(
    network, officer
):
    the_worked_example(network, officer)  # attendance 50% over six months
    programme = network.programme
    (effect,) = programme_selectors.settings_preview(programme, {"participation_risk_percent": 60})
    assert effect.warning and effect.networks == [f"{network.name} (50%)"]
    assert effect.lines == [
        "1 network in consolidation would be under the participation threshold (attendance "
        "under 60% over 6 months), against 0 now."
    ]
    with translation.override("es"):
        (effect,) = programme_selectors.settings_preview(
            programme, {"participation_risk_percent": 60, "participation_window_months": 6}
        )
    assert effect.lines[0].startswith("1 red en consolidación quedaría bajo")
    assert programme_selectors.settings_preview(programme, {"participation_risk_percent": 50}) == []
    (effect,) = programme_selectors.settings_preview(programme, {"participation_risk_percent": 40})
    assert effect.networks == [] and not effect.warning


def test_two_programmes_with_their_own_windows_on_one_agency_home(network, officer, agency):
    """Each network is counted over its own programme's window, in the same queries."""
    from tests.dashboard_scenes import healthy, running_facts

    the_worked_example(network, officer)  # four activities in six months, 50%
    short = factories.ProgrammeFactory(agency=agency, participation_window_months=1)
    other = factories.NetworkFactory(programme=short, facilitator=network.facilitator)
    firms = healthy(other, count=10)  # one activity ten days ago, everyone there
    builders.activity(other, *firms[:5], date=builders.days_ago(40))  # outside one month
    facts = {n: running_facts(officer, n) for n in (network, other)}
    assert (facts[network].activities_6m, facts[network].participation_percent) == (4, 50)
    assert (facts[other].activities_6m, facts[other].participation_percent) == (1, 100)
    card = card_for(dashboard_homes.facilitator_dashboard(user=network.facilitator), other)
    assert (card.activities_6m, card.attended_6m) == (1, 10)


def test_the_overdue_share_and_the_check_in_years_are_console_settings(agency_admin, programme):
    # Every setting the rules read is the agency's to change (issue 16), these two included.
    assert {"overdue_agency_percent", "check_in_years"} <= set(programme_services.SETTING_FIELDS)
    errors = _refused(programme, agency_admin, overdue_agency_percent=Decimal("101"))
    assert list(errors) == ["overdue_agency_percent"]
    programme_services.programme_update(
        programme=programme, actor=agency_admin, reason="Board decision 12/2026.",
        overdue_agency_percent=Decimal("15"), check_in_years=5,
    )  # fmt: skip
    programme.refresh_from_db()
    assert (programme.overdue_agency_percent, programme.check_in_years) == (Decimal("15"), 5)


def test_the_preview_names_the_overdue_networks_and_those_asked_for_check_ins(programme, officer):
    today = timezone.localdate()
    overdue = factories.NetworkFactory(programme=programme, name="Overdue")
    builders.consolidating_network(overdue, officer, start=add_months(today, -40))
    on_time = factories.NetworkFactory(programme=programme, name="On time")
    builders.consolidating_network(on_time, officer, start=add_months(today, -10))
    (effect,) = programme_selectors.settings_preview(
        programme, {"overdue_agency_percent": Decimal("20")}
    )
    assert effect.networks == ["Overdue"] and effect.warning
    assert effect.lines[0].startswith("1 network is past its due date without a handover")
    Network.objects.filter(pk=overdue.pk).update(
        phase=Network.Phase.INDEPENDENCE, handed_over_on=add_months(today, -50)
    )
    (effect,) = programme_selectors.settings_preview(programme, {"check_in_years": 5})
    assert effect.networks == ["Overdue"]
    assert effect.lines[0].startswith("1 network in independence is asked for its yearly check-in")


def test_a_goals_horizon_is_named_with_its_programmes_months(client, facilitator, network):
    builders.add_goals(network)
    Programme.objects.filter(pk=network.programme_id).update(
        goal_short_months=9, goal_medium_months=24
    )
    client.force_login(facilitator)
    page = client.get(reverse("networks:network-progress", args=[network.pk])).content.decode()
    assert "short term (within 9 months)" in page and "medium term (within 24 months)" in page
    assert "within 12 months" not in page


def test_the_overview_names_the_programmes_participation_window(client, facilitator, network):
    Programme.objects.filter(pk=network.programme_id).update(participation_window_months=4)
    client.force_login(facilitator)
    page = client.get(reverse("networks:network-detail", args=[network.pk])).content.decode()
    assert "Average attendance, last 4 months" in page and "last 6 months" not in page
