"""The console's programme rules: settings checked as a whole, a reason for each change, never
rewriting the past, the preview of what a change does; types added, renamed and retired."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from networks.forms.joint_actions import JointActionForm
from networks.lib.dates import add_months, first_of_month
from networks.models import ActivityType, JointAction, JointActionType, MonthlyCharge, Network
from networks.selectors import programmes as programme_selectors
from networks.services import programmes as programme_services
from networks.services import term as term_services
from tests import builders, factories

pytestmark = pytest.mark.django_db


def _choices(network, *, facilitator, joint_action=None) -> list:
    """The types the joint-action form offers."""
    form = JointActionForm(network=network, user=facilitator, joint_action=joint_action)
    return list(form.fields["type"].queryset)


def test_settings_change_with_a_reason_and_a_history_row(agency_admin, programme):
    programme_services.programme_update(
        programme=programme, actor=agency_admin, reason="New year.", min_firms=8, currency="usd"
    )
    programme.refresh_from_db()
    assert (programme.min_firms, programme.currency) == (8, "USD")
    row = programme.history.first()
    assert (row.history_user, row.history_change_reason) == (agency_admin, "New year.")


def test_settings_are_checked_as_a_whole_and_need_a_reason(agency_admin, programme):
    with pytest.raises(ValidationError) as error:
        programme_services.programme_update(
            programme=programme, actor=agency_admin, reason="", min_firms=8
        )
    assert error.value.message_dict["reason"] == [str(programme_services.SETTING_REASON_REQUIRED)]
    with pytest.raises(ValidationError) as error:
        programme_services.programme_update(
            programme=programme, actor=agency_admin, reason="x", min_firms=40,
            agency_share_schedule=[70, 150], currency="pesos",
        )  # fmt: skip
    assert set(error.value.message_dict) == {"max_firms", "agency_share_schedule", "currency"}
    with pytest.raises(ValidationError) as error:
        programme_services.programme_update(
            programme=programme, actor=agency_admin, reason="x", name="Renamed"
        )
    assert "name" in error.value.message_dict
    programme.refresh_from_db()
    assert programme.min_firms == 10 and programme.name != "Renamed"


def test_only_the_programmes_own_admins_change_it(agency_admin, officer, programme):
    other = factories.ProgrammeFactory()
    for actor, target in ((officer, programme), (agency_admin, other)):
        with pytest.raises(PermissionDenied):
            programme_services.programme_update(
                programme=target, actor=actor, reason="x", min_firms=5
            )


def test_a_new_share_schedule_leaves_the_charges_already_made_as_they_were(
    agency_admin, officer, network
):
    builders.term_network(network, officer, months=3, pay=False)
    before = {c.month: (c.agency_percent, c.agency_amount) for c in MonthlyCharge.objects.all()}
    assert before and all(percent == 70 for percent, _amount in before.values())
    programme_services.programme_update(
        programme=network.programme, actor=agency_admin, reason="Budget cut.",
        agency_share_schedule=[40, 30, 20],
    )  # fmt: skip
    after = {c.month: (c.agency_percent, c.agency_amount) for c in MonthlyCharge.objects.all()}
    assert after == before
    # The next month charged (still year 1 of the term) uses the new share.
    network = Network.objects.select_related("programme").get(pk=network.pk)
    next_month = add_months(first_of_month(max(before)), 1)
    assert term_services.month_split(network, next_month)["agency_percent"] == 40


def test_the_preview_counts_the_running_networks_outside_new_bounds(programme):
    small = factories.NetworkFactory(programme=programme, name="Small")
    big = factories.NetworkFactory(programme=programme, name="Big")
    builders.add_members(small, 4)
    builders.add_members(big, 12)
    effects = programme_selectors.settings_preview(programme, {"min_firms": 5, "max_firms": 11})
    assert len(effects) == 1  # the two bounds make one line
    assert effects[0].warning and effects[0].networks == ["Big (12)", "Small (4)"]
    assert effects[0].lines[0].startswith("2 running networks would fall outside")
    with translation.override("es"):
        effect = programme_selectors.settings_preview(programme, {"min_firms": 5})[0]
    assert effect.networks == ["Small (4)"]
    assert effect.lines[0].startswith("1 red en curso quedaría fuera")
    assert programme_selectors.settings_preview(programme, {"min_firms": programme.min_firms}) == []
    # A setting without a preview of its own still says what it touches.
    effect = programme_selectors.settings_preview(programme, {"currency": "USD"})[0]
    assert effect.lines == ["Applies from now on to the programme's 2 running networks."]


def test_types_are_added_in_two_languages_with_a_stable_slug(agency_admin, programme, network):
    made = programme_services.type_create(
        programme=programme, actor=agency_admin, kind="joint-action",
        name="Shared cold store", name_es="Cámara de frío compartida",
    )  # fmt: skip
    assert made.slug == "shared_cold_store"
    with translation.override("es"):
        assert made.label == "Cámara de frío compartida"
    assert made.label == "Shared cold store"
    programme_services.type_rename(type_row=made, actor=agency_admin, name="Cold store",
                                   name_es="Cámara de frío")  # fmt: skip
    made.refresh_from_db()
    assert (made.slug, made.label) == ("shared_cold_store", "Cold store")
    with pytest.raises(ValidationError) as error:
        programme_services.type_create(
            programme=programme, actor=agency_admin, kind="joint-action", name="cold STORE"
        )
    assert error.value.message_dict["name"] == [str(programme_services.TYPE_NAME_TAKEN)]
    assert made in _choices(network, facilitator=network.facilitator)


def test_a_renamed_default_type_shows_the_new_name_in_both_languages(agency_admin, programme):
    row = ActivityType.objects.get(programme=programme, slug="factory_visit")
    with translation.override("es"):
        assert row.label == "visita a fábrica" or row.label != row.name
    programme_services.type_rename(type_row=row, actor=agency_admin, name="Plant visit",
                                   name_es="Visita a planta")  # fmt: skip
    with translation.override("es"):
        assert row.label == "Visita a planta"
    assert row.label == "Plant visit"


def test_retiring_a_type_in_use_keeps_it_on_its_records_and_out_of_the_lists(
    agency_admin, programme, network
):
    builders.working_network(network, 3)
    used = JointActionType.objects.get(programme=programme, slug="joint_purchasing")
    joint_action = factories.JointActionFactory(network=network, type=used)
    programme_services.type_retire(type_row=used, actor=agency_admin)
    joint_action.refresh_from_db()
    assert joint_action.type == used and JointAction.objects.filter(type=used).count() == 1
    assert used not in _choices(network, facilitator=network.facilitator)
    # The action that uses it still offers it when edited.
    assert used in _choices(network, facilitator=network.facilitator, joint_action=joint_action)
    assert used.history.first().history_user == agency_admin
    with pytest.raises(ValidationError):
        programme_services.type_retire(type_row=used, actor=agency_admin)
    programme_services.type_reinstate(type_row=used, actor=agency_admin)
    assert used in _choices(network, facilitator=network.facilitator)


def test_the_last_active_type_is_not_retired(agency_admin, programme):
    rows = list(ActivityType.objects.filter(programme=programme))
    for row in rows[1:]:
        programme_services.type_retire(type_row=row, actor=agency_admin)
    with pytest.raises(ValidationError) as error:
        programme_services.type_retire(type_row=rows[0], actor=agency_admin)
    assert error.value.messages == [str(programme_services.TYPE_LAST_ACTIVE)]
