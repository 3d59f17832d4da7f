"""Migration 0018: each network's one diagnosis becomes the first of a dated series, the
diagnosis at application, with every field as it was."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from networks.models import ApplicationEvent, Diagnosis
from tests import factories
from tests.builders import complete_diagnosis

pytestmark = pytest.mark.django_db

migration = importlib.import_module("networks.migrations.0018_records_diagnosis_dates")


def test_the_diagnosis_is_dated_by_the_latest_submission_else_the_networks_creation(officer):
    submitted = factories.NetworkFactory(created_on=datetime.date(2023, 1, 5))
    draft = factories.NetworkFactory(created_on=datetime.date(2024, 2, 1))
    for network in (submitted, draft):
        diagnosis = complete_diagnosis(network)
        diagnosis.trust = 2
        diagnosis.save()
    application = submitted.application
    for day in (datetime.date(2023, 3, 1), datetime.date(2023, 4, 2)):
        ApplicationEvent.objects.create(
            application=application, action="submitted", actor=officer,
            at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))),
        )  # fmt: skip
    before = {d.pk: (d.problems, d.trust, d.updated_at) for d in Diagnosis.objects.all()}
    migration.date_application_diagnoses(apps, None)
    rows = {d.network_id: d for d in Diagnosis.objects.all()}
    assert rows[submitted.pk].diagnosed_on == datetime.date(2023, 4, 2)
    assert rows[draft.pk].diagnosed_on == datetime.date(2024, 2, 1)
    assert {d.occasion for d in rows.values()} == {"application"}
    assert {d.pk: (d.problems, d.trust, d.updated_at) for d in rows.values()} == before
