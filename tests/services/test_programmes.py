"""networks/services/programmes.py: a new programme gets its default criteria and type lists
through the service (no model's save() writes other rows), whoever creates it."""

import pytest
from django.urls import reverse

from networks.models import ActivityType, Criterion, JointActionType, Programme
from networks.services.programmes import programme_create, programme_defaults_ensure
from tests import factories

pytestmark = pytest.mark.django_db


def defaults(programme) -> tuple[int, int, int]:
    return (
        Criterion.objects.filter(programme=programme).count(),
        ActivityType.objects.filter(programme=programme).count(),
        JointActionType.objects.filter(programme=programme).count(),
    )


def test_a_new_programme_gets_the_default_criteria_and_types(agency):
    programme = programme_create(agency=agency, name="PROFO Maule", currency="UF")
    assert (programme.name, programme.currency) == ("PROFO Maule", "UF")
    assert defaults(programme) == (12, 8, 12)
    # Named in English whatever the language of the request that created them.
    assert Criterion.objects.get(programme=programme, key="joint_purchasing").title == (
        "Joint purchasing"
    )


def test_ensuring_the_defaults_again_adds_only_what_is_missing(agency):
    programme = programme_create(agency=agency, name="PROFO Maule")
    ActivityType.objects.filter(programme=programme, slug="factory_visit").delete()
    programme_defaults_ensure(programme=programme)
    programme_defaults_ensure(programme=programme)
    assert defaults(programme) == (12, 8, 12)


def test_saving_a_programme_writes_no_other_rows(agency):
    """Writes go through services: the model's save() stores the programme, nothing else."""
    programme = Programme.objects.create(agency=agency, name="Bare")
    assert defaults(programme) == (0, 0, 0)


def test_a_programme_added_in_the_admin_gets_the_defaults(client, agency):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:networks_programme_add"),
        {
            "agency": agency.pk, "name": "Admin programme", "country": "CL", "currency": "CLP",
            "min_firms": 10, "max_firms": 30, "term_months": 36, "arrears_days": 60,
            "agency_share_schedule": "[70, 50, 30]", "reminder_offsets_months": "[6, 3, 1]",
            "overdue_agency_percent": "0", "check_in_years": 3, "goal_short_months": 12,
            "goal_medium_months": 36, "participation_window_months": 6,
            "participation_risk_percent": 50,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert defaults(Programme.objects.get(name="Admin programme")) == (12, 8, 12)
