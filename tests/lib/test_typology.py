"""The diagnosis' reference profiles (domain.md section 5)."""

import pytest

from networks.lib.typology import DIMENSIONS, PROFILES_BY_KEY, closest_profile, distances

COLUMNS = {
    #            tech skills innov trust coop comp size exports learning
    "informal": (1, 1, 1, 1, 1, 3, 1, 1, 1),
    "organized": (2, 2, 2, 3, 3, 3, 3, 2, 2),
    "innovative": (3, 3, 3, 3, 3, 3, 3, 3, 3),
}


def ratings(values):
    return dict(zip(DIMENSIONS, values, strict=True))


@pytest.mark.parametrize("key", COLUMNS)
def test_each_reference_column_is_classified_as_itself(key):
    assert closest_profile(ratings(COLUMNS[key])).key == key
    assert distances(ratings(COLUMNS[key]))[key] == 0


def test_ranges_in_the_table_count_as_matches():
    # "Some to high" exports and "medium to high" learning are still organized.
    values = list(COLUMNS["organized"])
    values[7], values[8] = 3, 3
    assert closest_profile(ratings(values)).key == "organized"


def test_a_near_informal_group():
    values = list(COLUMNS["informal"])
    values[3] = 2  # some trust
    assert closest_profile(ratings(values)).key == "informal"


def test_incomplete_ratings_have_no_profile():
    values = dict(ratings(COLUMNS["organized"]), trust=None)
    assert closest_profile(values) is None
    assert distances(values) == {}


def test_profiles_have_labels():
    assert str(PROFILES_BY_KEY["innovative"].label) == "innovative"


@pytest.mark.django_db
def test_diagnosis_model_computes_its_profile(network):
    from networks.models import Diagnosis

    Diagnosis.objects.filter(network=network).update(**ratings(COLUMNS["innovative"]))
    diagnosis = Diagnosis.objects.get(network=network)
    assert diagnosis.profile.key == "innovative"
