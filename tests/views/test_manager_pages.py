"""Appointing and replacing the network's manager."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.lib.dates import day
from networks.models import ManagerAppointment, Network, PhaseTransition
from networks.services.lifecycle import (
    APPLICATION_NOT_APPROVED,
    MANAGER_ALREADY_APPOINTED,
    MANAGER_REPLACE_REASON_REQUIRED,
    MANAGER_SALARY_INVALID,
    MANAGER_START_BEFORE_CURRENT,
)
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db


def appoint_url(network):
    return reverse("networks:manager-appoint", args=[network.pk])


def replace_url(network):
    return reverse("networks:manager-replace", args=[network.pk])


def test_manager_choices_are_the_agencys_facilitators(client, officer, network):
    factories.FacilitatorFactory(agency=officer.agency, first_name="Ana", last_name="Soto")
    factories.FacilitatorFactory(first_name="Zoe", last_name="Elsewhere")
    client.force_login(officer)
    html = client.get(appoint_url(network)).content.decode()
    assert "Ana Soto" in html and "Zoe Elsewhere" not in html
    assert 'type="date"' in html


def test_appoint_the_first_manager(client, officer, network):
    builders.approved_network(network, officer)
    manager = factories.FacilitatorFactory(agency=officer.agency, first_name="Ana")
    client.force_login(officer)
    start = timezone.localdate()
    response = client.post(
        appoint_url(network),
        {"manager": manager.pk, "start_date": start.isoformat(), "monthly_salary": "1500000"},
        follow=True,
    )
    appointment = ManagerAppointment.objects.get(network=network)
    assert (appointment.person, appointment.start_date) == (manager, start)
    assert appointment.monthly_salary == Decimal("1500000")
    network.refresh_from_db()
    assert network.phase == Network.Phase.CONSOLIDATION
    assert network.term_start == start and network.handover_due is not None
    assert PhaseTransition.objects.filter(network=network, to_phase="consolidation").exists()
    assert shows(response, "Ana appointed manager. The network is now in consolidation.")


def test_appoint_before_approval_shows_why(client, officer, network):
    builders.submitted_network(network)
    client.force_login(officer)
    response = client.post(
        appoint_url(network),
        {"manager": network.facilitator.pk, "start_date": "2030-01-01", "monthly_salary": "10"},
    )
    assert shows(response, APPLICATION_NOT_APPROVED)
    assert not ManagerAppointment.objects.exists()


def test_appoint_salary_must_be_above_zero(client, officer, network):
    builders.approved_network(network, officer)
    client.force_login(officer)
    response = client.post(
        appoint_url(network),
        {
            "manager": network.facilitator.pk,
            "start_date": timezone.localdate().isoformat(),
            "monthly_salary": "0",
        },
    )
    assert response.context["form"].errors["monthly_salary"] == [str(MANAGER_SALARY_INVALID)]


def test_appointing_twice_is_a_conflict_message(client, officer, network):
    builders.consolidating_network(network, officer)
    client.force_login(officer)
    response = client.post(
        appoint_url(network),
        {
            "manager": network.facilitator.pk,
            "start_date": timezone.localdate().isoformat(),
            "monthly_salary": "10",
        },
        follow=True,
    )
    assert shows(response, MANAGER_ALREADY_APPOINTED)
    assert ManagerAppointment.objects.count() == 1


def test_replace_the_manager_keeps_the_term(client, officer, network):
    start = timezone.localdate() - datetime.timedelta(days=100)
    builders.consolidating_network(network, officer, start=start)
    due = Network.objects.get(pk=network.pk).handover_due
    successor = factories.FacilitatorFactory(agency=officer.agency, first_name="Luis")
    client.force_login(officer)
    data = {
        "manager": successor.pk,
        "start_date": timezone.localdate().isoformat(),
        "monthly_salary": "1600000",
    }
    response = client.post(replace_url(network), data)
    assert shows(response, MANAGER_REPLACE_REASON_REQUIRED)
    response = client.post(
        replace_url(network), {**data, "reason": "Moved to Santiago."}, follow=True
    )
    old, new = ManagerAppointment.objects.filter(network=network).order_by("pk")
    assert (old.end_date, old.end_reason) == (timezone.localdate(), "Moved to Santiago.")
    assert (new.person, new.end_date) == (successor, None)
    network.refresh_from_db()
    assert (network.term_start, network.handover_due) == (start, due)
    assert network.facilitator == successor
    assert shows(response, "Luis is the network's new manager.")


def test_replacement_cannot_start_before_the_current_manager(client, officer, network):
    start = timezone.localdate()
    builders.consolidating_network(network, officer, start=start)
    client.force_login(officer)
    response = client.post(
        replace_url(network),
        {
            "manager": factories.FacilitatorFactory(agency=officer.agency).pk,
            "start_date": (start - datetime.timedelta(days=5)).isoformat(),
            "monthly_salary": "10",
            "reason": "r",
        },
    )
    message = MANAGER_START_BEFORE_CURRENT % {"date": day(start)}
    assert response.context["form"].errors["start_date"] == [message]
    assert ManagerAppointment.objects.count() == 1


def test_replace_without_a_manager_is_a_conflict_message(client, officer, network):
    client.force_login(officer)
    response = client.post(
        replace_url(network),
        {
            "manager": network.facilitator.pk,
            "start_date": timezone.localdate().isoformat(),
            "monthly_salary": "10",
            "reason": "r",
        },
        follow=True,
    )
    assert shows(response, "This network has no manager yet: appoint the first one.")
