"""The application page: checklist and submission; the agency's queue and decision."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import Application, ApplicationEvent, Network
from networks.services.lifecycle import (
    APPLICATION_ALREADY_DECIDED,
    DECISION_REASON_REQUIRED,
    DIAGNOSIS_INCOMPLETE,
    FOUR_EYES,
    MEDIUM_GOAL_MISSING,
    MEMBERS_OUT_OF_BOUNDS,
    SHORT_GOAL_MISSING,
)
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

UNMET = [
    DIAGNOSIS_INCOMPLETE, SHORT_GOAL_MISSING % {"months": 12}, MEDIUM_GOAL_MISSING % {"months": 36},
]  # fmt: skip


def application_url(network):
    return reverse("networks:network-application", args=[network.pk])


def decide(client, network, decision, reason="", follow=True):
    url = reverse("networks:application-decide", args=[network.pk])
    return client.post(url, {"decision": decision, "reason": reason}, follow=follow)


# --- checklist and submission ---------------------------------------------------------------


def test_checklist_lists_every_unmet_condition_in_words(client, facilitator, network):
    builders.add_members(network, 4)
    client.force_login(facilitator)
    response = client.get(application_url(network))
    html = response.content.decode()
    assert html.count("✗") == 4 and html.count("not met") == 4
    assert shows(response, MEMBERS_OUT_OF_BOUNDS % {"min": 10, "max": 30, "count": 4})
    for message in UNMET:
        assert shows(response, message)
    assert "Submit the application to the agency" in html


def test_checklist_partial_for_htmx(client, facilitator, network):
    builders.submittable_network(network)
    client.force_login(facilitator)
    url = reverse("networks:application-checklist", args=[network.pk])
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    assert html.count("✓") == 4 and html.count("not met") == 0
    assert f'hx-get="{url}"' in client.get(application_url(network)).content.decode()


def test_submit_shows_every_unmet_condition(client, facilitator, network):
    client.force_login(facilitator)
    response = client.post(reverse("networks:application-submit", args=[network.pk]), follow=True)
    assert response.redirect_chain[-1][0] == application_url(network)
    messages = [str(m) for m in response.context["messages"]]
    assert str(MEMBERS_OUT_OF_BOUNDS % {"min": 10, "max": 30, "count": 0}) in messages
    for message in UNMET:
        assert str(message) in messages
    assert Application.objects.get(network=network).status == Application.Status.DRAFT
    assert not ApplicationEvent.objects.exists()


def test_submit_sends_the_application_and_mails_the_agency(
    client, facilitator, officer, network, mailoutbox, jobs
):
    builders.submittable_network(network)
    client.force_login(facilitator)
    response = client.post(reverse("networks:application-submit", args=[network.pk]), follow=True)
    assert mailoutbox == []  # queued, sent by a worker
    jobs.run()
    application = Application.objects.get(network=network)
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_by == facilitator
    event = ApplicationEvent.objects.get(application=application)
    assert (event.action, event.actor) == ("submitted", facilitator)
    assert shows(response, f"Application of “{network.name}” submitted to the agency.")
    assert [m.to for m in mailoutbox] == [[officer.email]]
    html = response.content.decode()
    assert "Submit the application to the agency" not in html  # not twice
    assert "Submitted" in html  # the history


def test_submitting_twice_is_a_conflict_message(client, facilitator, network):
    builders.submitted_network(network)
    client.force_login(facilitator)
    response = client.post(reverse("networks:application-submit", args=[network.pk]), follow=True)
    assert shows(response, "Only a draft or returned application can be submitted.")
    assert ApplicationEvent.objects.count() == 1


# --- the agency's decision ------------------------------------------------------------------


def test_officer_sees_the_application_and_approves_it(client, officer, network, mailoutbox, jobs):
    builders.submitted_network(network)
    client.force_login(officer)
    page = client.get(application_url(network))
    html = page.content.decode()
    assert "Record the decision" in html and 'name="decision"' in html
    assert "Joint purchase of timber" in html  # goals
    assert "Isolated workshops" in html  # diagnosis
    assert html.count("✓") == 4
    response = decide(client, network, "approve")
    jobs.run()
    application = Application.objects.get(network=network)
    assert (application.status, application.decided_by) == ("approved", officer)
    assert ApplicationEvent.objects.filter(application=application, action="approved").exists()
    assert response.redirect_chain[-1][0] == reverse("networks:approvals-queue")
    assert shows(response, f"Application of “{network.name}” approved.")
    assert network.facilitator.email in [m.to[0] for m in mailoutbox]


def test_return_needs_a_reason_and_the_facilitator_reads_it(client, officer, facilitator, network):
    builders.submitted_network(network)
    client.force_login(officer)
    response = decide(client, network, "return", "   ")
    assert response.status_code == 200
    assert response.context["decision_form"].errors["reason"] == [str(DECISION_REASON_REQUIRED)]
    assert Application.objects.get(network=network).status == "submitted"
    decide(client, network, "return", "The medium-term goal needs a baseline from 2024.")
    assert Application.objects.get(network=network).status == "returned"
    client.force_login(facilitator)
    response = client.get(application_url(network))
    html = response.content.decode()
    assert html.count("The medium-term goal needs a baseline from 2024.") == 2  # alert, history
    assert "Returned for changes" in html
    assert "Submit the application to the agency" in html  # it can go again


def test_reject_dissolves_the_network(client, officer, network):
    builders.submitted_network(network)
    client.force_login(officer)
    response = decide(client, network, "reject", "No basis for collaboration.")
    network.refresh_from_db()
    assert network.phase == Network.Phase.DISSOLVED
    assert shows(response, f"Application of “{network.name}” rejected.")


def test_four_eyes(client, officer, network):
    builders.submitted_network(network, submitter=officer)
    client.force_login(officer)
    page = client.get(application_url(network))
    assert shows(page, FOUR_EYES)
    assert 'name="decision"' not in page.content.decode()
    response = decide(client, network, "approve")
    assert response.status_code == 200
    assert shows(response, FOUR_EYES)
    assert Application.objects.get(network=network).status == "submitted"


def test_deciding_a_decided_application_says_so(client, officer, network):
    builders.approved_network(network, officer)
    client.force_login(factories.AgencyStaffFactory(agency=officer.agency))
    response = decide(client, network, "reject", "Too late.")
    assert shows(response, APPLICATION_ALREADY_DECIDED)
    assert Application.objects.get(network=network).status == "approved"
    assert ApplicationEvent.objects.filter(action="rejected").count() == 0


def test_an_unknown_decision_is_refused_by_the_form(client, officer, network):
    builders.submitted_network(network)
    client.force_login(officer)
    response = decide(client, network, "maybe")
    assert "decision" in response.context["decision_form"].errors
    assert Application.objects.get(network=network).status == "submitted"


# --- the approvals queue --------------------------------------------------------------------


def _submit(name, officer, *, days_ago, members=10):
    network = factories.NetworkFactory(name=name, programme__agency=officer.agency)
    builders.submitted_network(network)
    if members > 10:
        builders.add_members(network, members - 10)
    submitted_at = timezone.now() - datetime.timedelta(days=days_ago)
    Application.objects.filter(network=network).update(submitted_at=submitted_at)
    return network


def test_queue_lists_the_agencys_submitted_applications_oldest_first(
    client, officer, network, other_network
):
    _submit("Recent", officer, days_ago=2)
    _submit("Old", officer, days_ago=9, members=12)
    builders.submitted_network(other_network)  # another agency's
    builders.submittable_network(network)  # not submitted
    client.force_login(officer)
    response = client.get(reverse("networks:approvals-queue"))
    rows = [
        (a.network.name, a.waiting_days, a.member_count) for a in response.context["applications"]
    ]
    assert rows == [("Old", 9, 12), ("Recent", 2, 10)]
    html = response.content.decode()
    assert html.index("Old") < html.index("Recent")
    assert other_network.name not in html
    assert reverse("networks:network-application", args=[_pk("Old")]) in html


def _pk(name):
    return Network.objects.get(name=name).pk


def test_queue_is_in_the_navigation_of_agency_roles_only(client, officer, facilitator):
    queue = reverse("networks:approvals-queue")
    client.force_login(officer)
    assert f'href="{queue}"' in client.get(reverse("networks:agency-home")).content.decode()
    client.force_login(facilitator)
    assert queue not in client.get(reverse("networks:facilitator-home")).content.decode()


QUEUE_QUERIES = 4  # session, user, the queue with its member counts (+1: the bell)


def test_queue_query_count_does_not_grow(client, officer, django_assert_max_num_queries):
    for i in range(2):
        _submit(f"First {i}", officer, days_ago=i)
    client.force_login(officer)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        client.get(reverse("networks:approvals-queue"))
    for i in range(8):
        _submit(f"Then {i}", officer, days_ago=i, members=25)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("networks:approvals-queue"))
    assert len(response.context["applications"]) == 10


APPLICATION_PAGE_QUERIES = 12  # +1 since issue 15: the bell's unread count


def test_application_page_query_count_does_not_grow(
    client, officer, network, django_assert_max_num_queries
):
    builders.submitted_network(network)
    client.force_login(officer)
    with django_assert_max_num_queries(APPLICATION_PAGE_QUERIES):
        client.get(application_url(network))
    builders.add_members(network, 20)
    builders.add_goals(network)
    for i in range(10):
        ApplicationEvent.objects.create(
            application=network.application, action="returned", actor=officer, reason=f"Fix {i}"
        )
    with django_assert_max_num_queries(APPLICATION_PAGE_QUERIES):
        response = client.get(application_url(network))
    assert len(response.context["members"]) == 30 and "Fix 9" in response.content.decode()
