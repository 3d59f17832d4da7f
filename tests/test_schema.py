"""The database holds every constraint and index the models declare, after all migrations.

Django drops every index on a column when a foreign key's db_index is turned off, including a
partial unique index declared elsewhere (it happened to indicator_one_baseline while
migration 0010 was written): this catches any such loss."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db


def test_every_declared_constraint_and_index_exists():
    missing = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("networks").get_models():
            present = connection.introspection.get_constraints(cursor, model._meta.db_table)
            declared = [c.name for c in model._meta.constraints] + [
                i.name for i in model._meta.indexes
            ]
            missing += [f"{model.__name__}.{name}" for name in declared if name not in present]
    assert not missing, missing


def test_indexes_covered_by_a_composite_are_gone():
    """Migration 0010: a foreign key's own index is dropped where a composite index or unique
    constraint leads with the same column (the seed writes faster, the tables are smaller)."""
    with connection.cursor() as cursor:
        attendance = connection.introspection.get_constraints(cursor, "networks_attendance")
    single = [
        name
        for name, info in attendance.items()
        if info["index"] and len(info["columns"]) == 1 and not info["primary_key"]
    ]
    assert [attendance[name]["columns"] for name in single] == [["confirmed_by_id"]]
