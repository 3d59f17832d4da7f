"""Editing a programme's criteria set: agency admins only, never deleting a criterion."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from networks import access
from networks.models import Criterion, Evaluation, EvaluationResult
from networks.services import criteria as C
from networks.services.common import ConflictError
from tests import factories
from tests.builders import evaluate, running_network

pytestmark = pytest.mark.django_db


def active_keys(programme) -> list[str]:
    return list(
        Criterion.objects.filter(programme=programme, is_active=True).values_list("key", flat=True)
    )


def test_an_admin_adds_a_criterion_at_the_end(agency_admin, programme):
    criterion = C.criterion_create(
        programme=programme, actor=agency_admin, title="  Exports   as a group ",
        description="At least one shipment together.", suggestion="joint_commercial",
    )  # fmt: skip
    criterion.refresh_from_db()
    assert criterion.title == "Exports as a group"
    assert criterion.key == "exports-as-a-group"
    assert criterion.suggestion == "joint_commercial"
    assert criterion.is_active
    assert active_keys(programme)[-1] == "exports-as-a-group"
    assert Criterion.objects.filter(programme=programme).count() == 13


def test_keys_stay_unique_when_titles_slug_alike(agency_admin, programme):
    first = C.criterion_create(programme=programme, actor=agency_admin, title="Ñandú export")
    second = C.criterion_create(programme=programme, actor=agency_admin, title="Nandu-export!")
    assert first.key == "nandu-export"
    assert second.key == "nandu-export-2"


@pytest.mark.parametrize("persona", ["officer", "facilitator", "firm_user", "outsider_officer"])
def test_only_the_agencys_admins_change_the_set(request, programme, persona):
    actor = request.getfixturevalue(persona)
    criterion = Criterion.objects.get(programme=programme, key="quality")
    attempts = [
        lambda: C.criterion_create(programme=programme, actor=actor, title="New one"),
        lambda: C.criterion_update(criterion=criterion, actor=actor, title="Renamed"),
        lambda: C.criterion_deactivate(criterion=criterion, actor=actor),
        lambda: C.criterion_reactivate(criterion=criterion, actor=actor),
        lambda: C.criterion_move(criterion=criterion, actor=actor, direction="up"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    criterion.refresh_from_db()
    assert (criterion.title, criterion.is_active, criterion.position) == (
        "A joint quality or certification process", True, 4,
    )  # fmt: skip
    assert Criterion.objects.filter(programme=programme).count() == 12


def test_another_agencys_admin_is_refused(programme, other_network):
    stranger = factories.AgencyAdminFactory(agency=other_network.programme.agency)
    with pytest.raises(PermissionDenied) as err:
        C.criterion_create(programme=programme, actor=stranger, title="Sneaky")
    assert str(err.value) == str(C.NOT_PROGRAMME_ADMIN)


@pytest.mark.parametrize(
    "title, suggestion, field, message",
    [
        ("   ", "", "title", C.CRITERION_TITLE_REQUIRED),
        ("x" * 201, "", "title", C.CRITERION_TITLE_TOO_LONG % {"max": 200}),
        ("joint PURCHASING", "", "title", C.CRITERION_TITLE_TAKEN % {"title": "joint PURCHASING"}),
        ("Fine title", "telepathy", "suggestion", C.CRITERION_SUGGESTION_UNKNOWN),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    agency_admin, programme, title, suggestion, field, message
):
    with pytest.raises(ValidationError) as err:
        C.criterion_create(
            programme=programme, actor=agency_admin, title=title, suggestion=suggestion
        )
    assert err.value.message_dict == {field: [str(message)]}
    assert Criterion.objects.filter(programme=programme).count() == 12


def test_an_admin_edits_title_description_and_suggestion(agency_admin, programme):
    criterion = Criterion.objects.get(programme=programme, key="product_development")
    C.criterion_update(
        criterion=criterion, actor=agency_admin, title="New designs for the fair",
        description="A product shown at a fair.", suggestion="joint_commercial",
    )  # fmt: skip
    criterion.refresh_from_db()
    assert criterion.label == "New designs for the fair"
    assert criterion.description == "A product shown at a fair."
    assert criterion.suggestion == "joint_commercial"
    assert criterion.key == "product_development"  # the key is stable


def test_editing_only_the_description_keeps_a_default_title_translatable(agency_admin, programme):
    criterion = Criterion.objects.get(programme=programme, key="joint_purchasing")
    with translation.override("es"):
        shown = str(criterion.label)
        C.criterion_update(
            criterion=criterion, actor=agency_admin, title=shown, description="Timber."
        )
    criterion.refresh_from_db()
    assert criterion.title == "Joint purchasing"
    assert criterion.description == "Timber."


def test_renaming_to_its_own_title_is_not_a_clash(agency_admin, programme):
    criterion = Criterion.objects.get(programme=programme, key="quality")
    C.criterion_update(criterion=criterion, actor=agency_admin, title=criterion.title)
    criterion.refresh_from_db()
    assert criterion.title == "A joint quality or certification process"


def test_deactivation_keeps_old_evaluations_intact(officer, agency_admin):
    network = running_network(programme=factories.ProgrammeFactory(agency=officer.agency))
    old = evaluate(network, officer, met=12)
    quality = Criterion.objects.get(programme=network.programme, key="quality")

    C.criterion_deactivate(criterion=quality, actor=agency_admin)

    assert Criterion.objects.filter(pk=quality.pk, is_active=False).exists()
    old = Evaluation.objects.get(pk=old.pk)
    assert (old.met_count, old.criteria_count) == (12, 12)
    assert old.results.count() == 12
    assert EvaluationResult.objects.filter(evaluation=old, criterion=quality, met=True).exists()
    # New evaluations leave it out and do not ask for it.
    new = evaluate(network, officer, met=11)
    assert (new.met_count, new.criteria_count) == (11, 11)
    assert not new.results.filter(criterion=quality).exists()


def test_deactivating_twice_is_a_conflict_and_the_last_one_stays(agency_admin, programme):
    criteria = list(Criterion.objects.filter(programme=programme))
    for criterion in criteria[1:]:
        C.criterion_deactivate(criterion=criterion, actor=agency_admin)
    with pytest.raises(ConflictError):
        C.criterion_deactivate(criterion=criteria[1], actor=agency_admin)
    with pytest.raises(ValidationError) as err:
        C.criterion_deactivate(criterion=criteria[0], actor=agency_admin)
    assert err.value.messages == [str(C.CRITERION_LAST_ACTIVE)]
    assert active_keys(programme) == [criteria[0].key]


def test_reactivation_puts_it_back_at_the_end(agency_admin, programme):
    quality = Criterion.objects.get(programme=programme, key="quality")
    C.criterion_deactivate(criterion=quality, actor=agency_admin)
    C.criterion_reactivate(criterion=quality, actor=agency_admin)
    assert active_keys(programme)[-1] == "quality"
    with pytest.raises(ConflictError):
        C.criterion_reactivate(criterion=quality, actor=agency_admin)


def test_moving_up_and_down(agency_admin, programme):
    keys = active_keys(programme)
    quality = Criterion.objects.get(programme=programme, key="quality")
    C.criterion_move(criterion=quality, actor=agency_admin, direction="up")
    moved = active_keys(programme)
    assert moved.index("quality") == keys.index("quality") - 1
    assert moved.index("shared_equipment") == keys.index("quality")
    C.criterion_move(criterion=quality, actor=agency_admin, direction="down")
    assert active_keys(programme) == keys
    positions = list(
        Criterion.objects.filter(programme=programme).values_list("position", flat=True)
    )
    assert positions == list(range(12))


def test_moving_past_the_ends_changes_nothing(agency_admin, programme):
    keys = active_keys(programme)
    first = Criterion.objects.get(programme=programme, key=keys[0])
    last = Criterion.objects.get(programme=programme, key=keys[-1])
    C.criterion_move(criterion=first, actor=agency_admin, direction="up")
    C.criterion_move(criterion=last, actor=agency_admin, direction="down")
    assert active_keys(programme) == keys


def test_moving_skips_inactive_criteria_and_refuses_them(agency_admin, programme):
    keys = active_keys(programme)
    shared = Criterion.objects.get(programme=programme, key="shared_equipment")
    C.criterion_deactivate(criterion=shared, actor=agency_admin)
    quality = Criterion.objects.get(programme=programme, key="quality")
    C.criterion_move(criterion=quality, actor=agency_admin, direction="up")
    now = active_keys(programme)
    assert now.index("quality") == now.index("joint_purchasing") - 1
    with pytest.raises(ConflictError):
        C.criterion_move(criterion=shared, actor=agency_admin, direction="up")
    with pytest.raises(ValidationError):
        C.criterion_move(criterion=quality, actor=agency_admin, direction="sideways")
    assert len(keys) == len(now) + 1


def test_visible_programmes_by_role(
    programme, officer, agency_admin, facilitator, firm_user, network, other_network,
    outsider_officer, outsider_firm_user,
):  # fmt: skip
    other = other_network.programme
    assert set(access.visible_programmes(officer)) == {programme}
    assert set(access.visible_programmes(agency_admin)) == {programme}
    assert set(access.visible_programmes(facilitator)) == {programme}
    assert set(access.visible_programmes(firm_user)) == {programme}
    assert set(access.visible_programmes(outsider_officer)) == {other}
    assert set(access.visible_programmes(outsider_firm_user)) == {other}
    assert access.can_admin_programme(agency_admin, programme)
    assert not access.can_admin_programme(officer, programme)
    assert not access.can_admin_programme(agency_admin, other)
