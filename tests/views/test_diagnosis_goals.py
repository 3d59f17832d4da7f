"""The diagnosis page and the goal pages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.lib.dates import add_months, day
from networks.models import Diagnosis, Goal
from networks.services.lifecycle import APPLICATION_UNDER_REVIEW, GOAL_TITLE_REQUIRED
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db


def diagnosis_url(network):
    return reverse("networks:network-diagnosis", args=[network.pk])


ORGANIZED = {
    "technology_level": 2, "skills": 2, "innovation": 2, "trust": 3, "cooperation": 3,
    "competition": 3, "firm_size": 3, "exports": 2, "learning": 3,
}  # fmt: skip


def test_diagnosis_form_uses_each_dimensions_words(client, facilitator, network):
    client.force_login(facilitator)
    html = client.get(diagnosis_url(network)).content.decode()
    assert "not rated" in html
    assert "SMEs and large" in html  # size of firms
    assert "little or none" in html  # exports
    assert "Size of firms" in html  # every select is labelled
    assert "Rate all nine dimensions" in html


def test_save_the_diagnosis_and_see_the_profile_and_distances(client, facilitator, network):
    client.force_login(facilitator)
    data = {
        "problems": "Old machines.",
        "opportunities": "Regional demand.",
        "collaboration_basis": "A shared supplier.",
        **ORGANIZED,
    }
    response = client.post(diagnosis_url(network), data, follow=True)
    diagnosis = Diagnosis.objects.get(network=network)
    assert diagnosis.problems == "Old machines."
    assert diagnosis.ratings() == ORGANIZED
    assert diagnosis.updated_by == facilitator
    assert shows(response, "Diagnosis saved.")
    assert "closest to the <strong>organized</strong> cluster profile" in response.content.decode()
    distances = dict(response.context["distances"])
    assert distances["organized"] == 0 and distances["informal"] > 0
    assert distances["innovative"] > 0


def test_not_rated_is_saved_as_empty(client, facilitator, network):
    builders.complete_diagnosis(network)
    Diagnosis.objects.filter(network=network).update(trust=3)
    client.force_login(facilitator)
    client.post(diagnosis_url(network), {"problems": "P", "trust": ""})
    diagnosis = Diagnosis.objects.get(network=network)
    assert diagnosis.trust is None and diagnosis.problems == "P"


def test_out_of_range_rating_is_refused_by_the_form(client, facilitator, network):
    client.force_login(facilitator)
    response = client.post(diagnosis_url(network), {"trust": "7"})
    assert response.status_code == 200
    assert "trust" in response.context["form"].errors
    assert Diagnosis.objects.get(network=network).trust is None


def test_diagnosis_is_frozen_while_under_review(client, facilitator, network):
    builders.submitted_network(network)
    client.force_login(facilitator)
    response = client.post(diagnosis_url(network), {"problems": "Changed."})
    assert shows(response, APPLICATION_UNDER_REVIEW)
    assert Diagnosis.objects.get(network=network).problems != "Changed."


def test_network_page_shows_ratings_in_words(client, firm_user, network):
    Diagnosis.objects.filter(network=network).update(**ORGANIZED, problems="Old machines.")
    client.force_login(firm_user)
    html = client.get(reverse("networks:network-progress", args=[network.pk])).content.decode()
    assert "Old machines." in html
    assert "SMEs and large" in html
    assert "closest to the organized cluster" in html


# --- goals ----------------------------------------------------------------------------------

GOAL = {
    "horizon": "short",
    "title": "Joint purchase",
    "indicator": "Firms buying together",
    "unit": "firms",
    "baseline": "0",
    "target": "8.5",
    "due_date": add_months(timezone.localdate(), 6).isoformat(),
}
DUE = add_months(timezone.localdate(), 6)


def test_create_a_goal(client, facilitator, network):
    client.force_login(facilitator)
    url = reverse("networks:goal-create", args=[network.pk])
    assert 'type="date"' in client.get(url).content.decode()
    response = client.post(url, GOAL, follow=True)
    goal = Goal.objects.get(network=network)
    assert (goal.title, goal.target, goal.due_date) == (
        "Joint purchase", Decimal("8.5"), DUE
    )  # fmt: skip
    assert shows(response, "Goal “Joint purchase” added.")
    assert reverse("networks:goal-edit", args=[network.pk, goal.pk]) in response.content.decode()


def test_goal_form_checks_types_and_dates(client, facilitator, network):
    client.force_login(facilitator)
    url = reverse("networks:goal-create", args=[network.pk])
    response = client.post(url, {**GOAL, "target": "many", "due_date": "31st of March"})
    errors = response.context["form"].errors
    assert set(errors) == {"target", "due_date"}
    assert not Goal.objects.exists()


def test_goal_out_of_horizon_is_explained(client, facilitator, network):
    from networks.services.lifecycle import GOAL_DUE_OUT_OF_HORIZON

    client.force_login(facilitator)
    late = add_months(timezone.localdate(), 20).isoformat()
    response = client.post(reverse("networks:goal-create", args=[network.pk]),
                           {**GOAL, "due_date": late})  # fmt: skip
    limit = day(add_months(timezone.localdate(), 12))
    assert shows(response, GOAL_DUE_OUT_OF_HORIZON % {
        "horizon": "short term (within 12 months)", "limit": limit})  # fmt: skip
    assert not Goal.objects.exists()


def test_goal_services_message_is_shown(client, facilitator, network, monkeypatch):
    from django.core.exceptions import ValidationError

    from networks.services import lifecycle as lifecycle_services

    def refuse(**kwargs):
        raise ValidationError({"title": [GOAL_TITLE_REQUIRED]})

    monkeypatch.setattr(lifecycle_services, "goal_create", refuse)
    client.force_login(facilitator)
    response = client.post(reverse("networks:goal-create", args=[network.pk]), GOAL)
    assert shows(response, GOAL_TITLE_REQUIRED)


def test_edit_a_goal(client, officer, network):
    short, _medium = builders.add_goals(network)
    client.force_login(officer)
    url = reverse("networks:goal-edit", args=[network.pk, short.pk])
    page = client.get(url).content.decode()
    assert f'value="{short.due_date.isoformat()}"' in page  # the date picker's format
    response = client.post(url, {**GOAL, "title": "Joint purchase of timber and glue"}, follow=True)
    short.refresh_from_db()
    assert short.title == "Joint purchase of timber and glue"
    assert short.due_date == DUE
    assert shows(response, "Goal “Joint purchase of timber and glue” saved.")


def test_delete_a_goal(client, facilitator, network):
    short, medium = builders.add_goals(network)
    client.force_login(facilitator)
    url = reverse("networks:goal-delete", args=[network.pk, short.pk])
    assert short.title in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert list(Goal.objects.filter(network=network)) == [medium]
    assert shows(response, f"Goal “{short.title}” deleted.")


def test_goals_are_frozen_while_under_review(client, facilitator, network):
    builders.submitted_network(network)
    goal = Goal.objects.filter(network=network).first()
    client.force_login(facilitator)
    response = client.post(reverse("networks:goal-delete", args=[network.pk, goal.pk]), follow=True)
    assert shows(response, APPLICATION_UNDER_REVIEW)
    assert Goal.objects.filter(pk=goal.pk).exists()
    response = client.post(reverse("networks:goal-create", args=[network.pk]), GOAL)
    assert shows(response, APPLICATION_UNDER_REVIEW)
    assert Goal.objects.filter(network=network).count() == 2


def test_another_networks_goal_is_not_found_through_this_network(client, facilitator, network):
    elsewhere = factories.NetworkFactory(facilitator=facilitator, programme=network.programme)
    goal, _ = builders.add_goals(elsewhere)
    client.force_login(facilitator)
    for name in ("goal-edit", "goal-delete"):
        assert (
            client.get(reverse(f"networks:{name}", args=[network.pk, goal.pk])).status_code == 404
        )
