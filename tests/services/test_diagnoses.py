"""Services and selectors: dated diagnoses (re-diagnosis) and the profile moving."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from networks.lib.typology import DIMENSIONS
from networks.models import Diagnosis, Network
from networks.selectors import diagnoses as D
from networks.services import diagnoses as S
from networks.services.common import ConflictError
from tests.builders import complete_diagnosis, days_ago, open_for_joint_actions

pytestmark = pytest.mark.django_db

INFORMAL = dict.fromkeys(DIMENSIONS, 1) | {"competition": 3}
ORGANIZED = dict(INFORMAL, technology_level=2, skills=2, innovation=2, trust=3, cooperation=3,
                 firm_size=2, exports=2, learning=2)  # fmt: skip
INNOVATIVE = dict.fromkeys(DIMENSIONS, 3)


def application_diagnosis(network, ratings, on):
    diagnosis = complete_diagnosis(network)
    for name, value in ratings.items():
        setattr(diagnosis, name, value)
    diagnosis.diagnosed_on = on
    diagnosis.save()
    return diagnosis


def test_a_re_diagnosis_is_dated_and_leaves_the_application_one_as_it_was(network, facilitator):
    first = application_diagnosis(network, INFORMAL, days_ago(500))
    open_for_joint_actions(network)
    again = S.diagnosis_record(
        network=network, actor=facilitator, diagnosed_on=days_ago(100), **ORGANIZED
    )
    assert again.occasion == Diagnosis.Occasion.FOLLOW_UP
    first.refresh_from_db()
    assert (first.occasion, first.profile.key) == ("application", "informal")
    series = D.profile_series(network)
    assert [(p.diagnosed_on, p.profile.key, p.moved) for p in series] == [
        (days_ago(500), "informal", 0), (days_ago(100), "organized", 1),
    ]  # fmt: skip


def test_refused_in_preparation_before_the_application_twice_a_day_and_incomplete(
    network, facilitator
):
    application_diagnosis(network, INFORMAL, days_ago(200))
    with pytest.raises(ConflictError):
        S.diagnosis_record(network=network, actor=facilitator, diagnosed_on=days_ago(1), **INFORMAL)
    open_for_joint_actions(network)
    with pytest.raises(ValidationError) as exc:
        S.diagnosis_record(
            network=network, actor=facilitator, diagnosed_on=days_ago(300), **INFORMAL
        )
    assert "comes after the diagnosis at application" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        S.diagnosis_record(
            network=network, actor=facilitator, diagnosed_on=days_ago(200), **INFORMAL
        )
    assert "already has a diagnosis dated" in str(exc.value)
    partial = dict(INFORMAL)
    partial.pop("trust")
    with pytest.raises(ValidationError) as exc:
        S.diagnosis_record(network=network, actor=facilitator, diagnosed_on=days_ago(1), **partial)
    assert exc.value.message_dict == {"trust": [str(S.REDIAGNOSIS_RATINGS_REQUIRED)]}
    assert Diagnosis.objects.filter(network=network).count() == 1


def test_only_the_facilitator_and_agency_diagnose(network, firm_user, outsider_officer):
    open_for_joint_actions(network)
    for user in (firm_user, outsider_officer):
        with pytest.raises(PermissionDenied):
            S.diagnosis_record(network=network, actor=user, diagnosed_on=days_ago(1), **INFORMAL)


def test_networks_that_moved_up_a_profile(programme, facilitator):
    from tests import factories

    up, same, down, once = (
        factories.NetworkFactory(programme=programme, facilitator=facilitator) for _ in range(4)
    )
    for network, before, after in ((up, INFORMAL, INNOVATIVE), (same, ORGANIZED, ORGANIZED),
                                   (down, INNOVATIVE, ORGANIZED)):  # fmt: skip
        application_diagnosis(network, before, days_ago(400))
        open_for_joint_actions(network)
        S.diagnosis_record(network=network, actor=facilitator, diagnosed_on=days_ago(30), **after)
    application_diagnosis(once, INFORMAL, days_ago(400))
    moves = D.profile_moves(Network.objects.filter(programme=programme))
    assert (moves.diagnosed_twice, moves.moved_up, moves.moved_down) == (3, 1, 1)
    assert [(pk, a.key, b.key) for pk, a, b in moves.networks_up] == [
        (up.pk, "informal", "innovative")
    ]
