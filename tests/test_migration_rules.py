"""Migration 0017: the programmes that exist get the seed's two joint-action types before
"other", the suggestions of criteria 6, 7 and 9, and their extensions a rate; twice is once."""

import datetime
import importlib

import pytest
from django.apps import apps

from networks.models import Criterion, JointActionType, TermChange

pytestmark = pytest.mark.django_db

migration = importlib.import_module("networks.migrations.0020_rules_defaults_data")


def test_existing_programmes_get_the_new_defaults_once(network, officer):
    programme = network.programme
    # As before issue 18: without the two types and the three suggestions.
    JointActionType.objects.filter(slug__in=["sharing_credits", "awareness_workshops"]).delete()
    Criterion.objects.filter(key__in=migration.SUGGESTIONS).update(suggestion="")
    other = JointActionType.objects.get(programme=programme, slug="other")
    other_position = other.position
    TermChange.objects.create(
        network=network, kind="extension", previous_due=datetime.date(2026, 1, 1),
        new_due=datetime.date(2026, 7, 1), reason="Rain", actor=officer,
    )  # fmt: skip
    for _twice in range(2):
        migration.forwards(apps, None)
    types = list(
        JointActionType.objects.filter(programme=programme).values_list("slug", "position")
    )
    slugs = [slug for slug, _position in sorted(types, key=lambda t: t[1])]
    assert slugs[-3:] == ["sharing_credits", "awareness_workshops", "other"]
    assert dict(types)["sharing_credits"] == other_position
    assert len(slugs) == len(set(slugs)) == 12
    assert dict(
        Criterion.objects.filter(programme=programme, key__in=migration.SUGGESTIONS).values_list(
            "key", "suggestion"
        )
    ) == {key: key for key in migration.SUGGESTIONS}
    assert TermChange.objects.get().agency_percent == 30
