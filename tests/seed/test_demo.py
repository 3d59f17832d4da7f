"""seed_demo builds the demo world and can run again without duplicating anything."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import (
    Activity,
    Agency,
    ApplicationEvent,
    Attendance,
    Due,
    Evaluation,
    Firm,
    FirmIndicator,
    Goal,
    GoalActual,
    Handover,
    JointAction,
    JointActionParticipant,
    ManagerAppointment,
    Membership,
    Network,
    Payment,
    PhaseTransition,
    Programme,
    ServiceUptake,
    User,
)
from networks.selectors import term as term_selectors

pytestmark = pytest.mark.django_db


def _counts():
    models = (Agency, Programme, User, Firm, Network, Membership, Goal, ApplicationEvent,
              ManagerAppointment, PhaseTransition, Activity, Attendance, JointAction,
              JointActionParticipant, ServiceUptake, GoalActual, FirmIndicator, Due, Payment,
              Evaluation, Handover)  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


def test_seed_demo_twice_is_harmless(settings):
    settings.DEBUG = True
    call_command("seed_demo", password="demo-pass-123")
    first = _counts()
    call_command("seed_demo", password="demo-pass-123")
    assert _counts() == first
    assert set(Agency.objects.values_list("name", flat=True)) == {
        "SERCOTEC Maule",
        "SERCOTEC Biobío",
    }
    roles = dict(User.objects.values_list("username", "role"))
    assert roles["admin"] == "agency_admin"
    # The Django admin is the operator's alone; the agency admin uses the console.
    assert list(User.objects.filter(is_superuser=True).values_list("username", "role")) == [
        ("operator", "")
    ]
    assert not User.objects.filter(is_staff=True).exclude(username="operator").exists()
    assert roles["officer"] == roles["officer2"] == roles["officer.biobio"] == "agency_staff"
    assert roles["facilitator"] == roles["facilitator2"] == "facilitator"
    assert roles["firm"] == roles["firm2"] == "firm_member"
    assert User.objects.get(username="officer").check_password("demo-pass-123")
    assert User.objects.get(username="officer.biobio").agency.name == "SERCOTEC Biobío"


def test_demo_firm_users_belong_to_the_right_networks(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    firm = User.objects.get(username="firm")
    firm2 = User.objects.get(username="firm2")
    assert Network.objects.filter(
        memberships__firm=firm.firm, facilitator__username="facilitator"
    ).exists()
    assert Network.objects.filter(
        memberships__firm=firm2.firm, facilitator__username="facilitator2"
    ).exists()
    # `firm` and `firm3` work for two firms of one network: firm logged a joint action that
    # waits for firm3's confirmation (the confirmation flow can be shown with demo logins).
    firm3 = User.objects.get(username="firm3")
    assert firm3.firm != firm.firm and firm3.check_password("profo-demo-2026")
    talca = Network.objects.get(name="Muebleros de Talca")
    assert {firm.firm, firm3.firm} <= {m.firm for m in talca.memberships.all()}
    waiting = JointActionParticipant.objects.get(
        joint_action__network=talca, joint_action__logged_by_firm=firm.firm, firm=firm3.firm,
        confirmed_at__isnull=True,
    )  # fmt: skip
    assert waiting.joint_action.title == "Compra conjunta de barniz al agua"


def test_the_demos_past_is_dated_as_it_happened_and_written_in_spanish(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    for network in Network.objects.exclude(term_start=None):
        application = network.application
        # Approved before the term began, submitted before that; not all stamped today.
        assert application.submitted_at.date() < application.decided_at.date() < network.term_start
        assert network.transitions.get(to_phase="consolidation").at.date() == network.term_start
        first = network.activities.order_by("date").first()
        assert timezone.localtime(first.created_at).date() == first.date
        assert first.history.earliest().history_date.date() == first.date
    talca, metal = (Network.objects.get(name=n) for n in ("Muebleros de Talca",
                                                          "Metalmecánica de Talcahuano"))  # fmt: skip
    assert "madera" in talca.diagnoses.first().problems
    assert talca.diagnoses.first().problems != metal.diagnoses.first().problems
    assert {g.title for g in talca.goals.all()} == {
        "Compra conjunta de madera seca", "Ventas conjuntas a tiendas de Santiago"
    }  # fmt: skip
    assert talca.activities.filter(title="Taller de costos y precios de muebles").exists()
    assert metal.joint_actions.filter(title="Compra conjunta de acero y soldadura").exists()


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")
    assert Agency.objects.count() == 0


def test_demo_networks_go_through_the_lifecycle(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    statuses = dict(Network.objects.values_list("name", "application__status"))
    assert statuses["Turismo rural de Vichuquén"] == "draft"
    assert statuses["Hortaliceros de San Clemente"] == "returned"
    assert statuses["Queseros de Cauquenes"] == "submitted"
    consolidating = Network.objects.filter(phase="consolidation")
    assert consolidating.count() >= 3
    assert len(set(consolidating.values_list("term_start", flat=True))) == consolidating.count()
    soon = add_months(timezone.localdate(), 6)
    assert consolidating.filter(handover_due__lte=soon).exists()
    for network in consolidating:
        assert network.transitions.get().to_phase == "consolidation"
        assert 10 <= network.memberships.count() <= 30


def test_demo_networks_have_months_of_history(settings):

    settings.DEBUG = True
    call_command("seed_demo")
    talca = Network.objects.get(name="Muebleros de Talca")
    assert talca.activities.count() >= 30
    assert talca.joint_actions.filter(status="done").exists()
    waiting = JointActionParticipant.objects.filter(
        joint_action__network=talca, confirmed_at__isnull=True
    )
    assert waiting.exists()  # some confirmations still wait
    assert talca.evaluations.count() == 2
    assert any(b.in_arrears for b in term_selectors.balances(talca))
    independent = Network.objects.get(phase="independence")
    assert independent.handovers.get().status == "confirmed"
    assert independent.charges.order_by("month").last().agency_amount == 0


def test_demo_networks_have_the_brokers_records(settings, tmp_path):
    """Older networks are diagnosed twice or more with the profile moving; firms hold
    certificates (one from before joining, one with its evidence); each running network has a
    project with milestones and a joint action; a done joint action has sales per firm."""
    from networks.models import Certification, Diagnosis, JointProject
    from networks.selectors import certifications as certification_selectors
    from networks.selectors import diagnoses as diagnosis_selectors

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")
    talca = Network.objects.get(name="Muebleros de Talca")
    series = diagnosis_selectors.profile_series(talca)
    assert len(series) >= 3 and series[0].occasion == Diagnosis.Occasion.APPLICATION
    assert any(point.moved > 0 for point in series)
    counts = certification_selectors.network_counts(talca)
    assert counts.at_joining >= 1 and counts.now >= 2
    assert Certification.objects.filter(network=talca).exclude(evidence="").exists()
    assert talca.projects.count() == 2
    assert talca.projects.filter(milestones__status="done").exists()
    assert JointAction.objects.filter(network=talca, project__isnull=False).exists()
    assert JointActionParticipant.objects.filter(
        joint_action__network=talca, sales__isnull=False
    ).exists()
    for network in Network.objects.filter(phase__in=["consolidation", "independence"]):
        assert JointProject.objects.filter(network=network).exists(), network
