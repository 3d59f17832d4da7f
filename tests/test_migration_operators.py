"""Migration 0016 (console): agency admins made superusers by the old demo lose the flags;
the operators (superusers with no role) keep them."""

import importlib

import pytest
from django.apps import apps

from networks.models import User
from tests import factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("networks.migrations.0021_console_agency_admins_not_superusers")


def test_agency_admins_lose_the_superuser_and_staff_flags_operators_keep_them(agency):
    admin = factories.AgencyAdminFactory(agency=agency, is_superuser=True, is_staff=True)
    operator = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    officer = factories.AgencyStaffFactory(agency=agency)
    migration.clear_flags(apps, None)
    flags = {
        pk: (su, staff)
        for pk, su, staff in User.objects.values_list("pk", "is_superuser", "is_staff")
    }
    assert flags[admin.pk] == (False, False)
    assert flags[operator.pk] == (True, True)
    assert flags[officer.pk] == (False, False)
