"""seed_scale writes a large data set in bulk; at a small size it must be as consistent as data
written through the services: members attend, dues add up, dates fall within the term."""

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from networks.lib.dates import add_months, first_of_month, last_of_month
from networks.lib.taxid import normalize_rut
from networks.models import (
    Activity,
    Agency,
    Application,
    Attendance,
    CheckIn,
    Diagnosis,
    Due,
    Evaluation,
    Firm,
    Handover,
    JointAction,
    JointActionParticipant,
    Membership,
    MonthlyCharge,
    Network,
    Payment,
    PhaseTransition,
    ServiceUptake,
    TermChange,
    User,
)
from networks.seed.scale import build as scale_build
from networks.seed.scale import data as scale_data
from networks.seed.scale import plan as scale_plan
from networks.seed.scale import write as scale_write
from networks.services.lifecycle import network_update
from networks.services.reminders import reminders_send
from networks.services.term import month_split
from tests import factories

pytestmark = pytest.mark.django_db

SMALL = {"networks": 6, "months": 8, "firms": 150}
# Old enough for handovers, overdue and extended terms, evaluations and a dissolution.
MATURE = {"networks": 8, "months": 40, "firms": 200, "activities_per_month": 2, "joint_actions": 80}


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


def months_of(network, today) -> int:
    end = today
    if network.phase == Network.Phase.DISSOLVED:
        end = network.transitions.get(to_phase=Network.Phase.DISSOLVED).at.date()
    start = first_of_month(network.term_start)
    return (end.year - start.year) * 12 + end.month - start.month + 1


def test_counts_follow_the_flags(debug):
    output = seed(**SMALL)
    today = timezone.localdate()
    assert Agency.objects.filter(name__in=scale_data.AGENCIES).count() == 2
    assert Network.objects.count() == 6
    assert Firm.objects.count() == Membership.objects.count() == 150
    assert Application.objects.filter(status="approved").count() == 6
    assert Diagnosis.objects.filter(occasion="application").count() == 6
    assert Activity.objects.count() == round(6 * 8 * 25 / 3)
    assert JointAction.objects.count() == 600  # 100 per network by default
    assert all(10 <= n.memberships.count() <= 30 for n in Network.objects.all())
    assert 8 <= Attendance.objects.count() / Activity.objects.count() <= 12
    for network in Network.objects.all():
        assert network.charges.count() == months_of(network, today)
        assert network.transitions.filter(to_phase="consolidation").count() == 1
    assert "Scale data ready" in output and "activities and attendance" in output


def test_attendees_participants_and_payers_are_members_at_the_time(debug):
    seed(**SMALL)

    def member_on(network, firm, day):
        return Membership.objects.filter(
            network=OuterRef(network), firm=OuterRef(firm), joined_on__lte=OuterRef(day)
        ).exclude(left_on__lt=OuterRef(day))

    assert not Attendance.objects.filter(
        ~Exists(member_on("activity__network", "firm", "activity__date"))
    ).exists()
    assert not JointActionParticipant.objects.filter(
        ~Exists(member_on("joint_action__network", "firm", "joint_action__start_date"))
    ).exists()
    assert not ServiceUptake.objects.filter(~Exists(member_on("network", "firm", "date"))).exists()
    assert (
        not Activity.objects.filter(host_firm__isnull=False)
        .exclude(attendance__firm=F("host_firm"))
        .exists()
    )
    memberships = defaultdict(list)
    for m in Membership.objects.all():
        memberships[m.network_id, m.firm_id].append(m)
    for due in Due.objects.all():
        assert any(
            m.joined_on <= last_of_month(due.month) and not (m.left_on and m.left_on < due.month)
            for m in memberships[due.network_id, due.firm_id]
        ), due
    assert not Payment.objects.exclude(
        Exists(Membership.objects.filter(network=OuterRef("network"), firm=OuterRef("firm")))
    ).exists()


def test_dates_fall_within_each_term(debug):
    seed(**SMALL)
    today = timezone.localdate()
    for model, field in ((Activity, "date"), (JointAction, "start_date"), (ServiceUptake, "date")):
        rows = model.objects.all()
        assert not rows.filter(**{f"{field}__lt": F("network__term_start")}).exists(), model
        assert not rows.filter(**{f"{field}__gt": today}).exists(), model
    assert not JointAction.objects.filter(end_date__lt=F("start_date")).exists()
    assert not Payment.objects.filter(date__gt=today).exists()


def test_every_charge_adds_up_and_matches_the_services_split(debug):
    seed(**MATURE)
    charges = MonthlyCharge.objects.annotate(dues_total=Sum("dues__amount"))
    assert charges.exists()
    for charge in charges.select_related("network__programme"):
        assert charge.agency_amount + (charge.dues_total or 0) == charge.salary
        assert charge.firms_amount == (charge.dues_total or 0)
        expected = month_split(charge.network, charge.month)
        assert (charge.salary, charge.agency_percent, charge.agency_amount) == (
            expected["salary"],
            expected["agency_percent"],
            expected["agency_amount"],
        )
        assert dict(charge.dues.values_list("firm_id", "amount")) == expected["dues"]
    # Year 1 of the term at 70%, year 2 at 50%, after the handover nothing; a month in which a
    # year of the term (or the handover) begins is weighted by days between two rates.
    percents = set(MonthlyCharge.objects.values_list("agency_percent", flat=True))
    assert {Decimal(70), Decimal(50)} <= percents
    assert all(0 <= p <= 70 for p in percents)


def test_mature_networks_have_handovers_evaluations_and_nothing_left_to_send(debug):
    seed(**MATURE)
    phases = set(Network.objects.values_list("phase", flat=True))
    assert {"consolidation", "independence", "dissolved"} <= phases
    for handover in Handover.objects.filter(status="confirmed").select_related("network"):
        network = handover.network
        assert network.phase == "independence" and network.handed_over_on == handover.date
        assert handover.date >= network.handover_due
        assert sum(handover.commitments.values_list("share_percent", flat=True)) == 100
        active = set(
            network.memberships.filter(left_on__isnull=True).values_list("firm_id", flat=True)
        )
        assert set(handover.commitments.values_list("firm_id", flat=True)) == active
        assert network.transitions.filter(to_phase="independence").exists()
    assert Evaluation.objects.exists()
    for evaluation in Evaluation.objects.annotate(
        met=Count("results", filter=Q(results__met=True)), total=Count("results")
    ):
        assert evaluation.total == evaluation.criteria_count == 12
        assert evaluation.met == evaluation.met_count
    soon = add_months(timezone.localdate(), 6)
    assert Network.objects.filter(phase="consolidation", handover_due__lte=soon).exists()
    # What the scheduled commands would do next has been done already.
    out = io.StringIO()
    call_command("generate_dues", stdout=out)
    assert out.getvalue().startswith("0 month(s)")
    assert reminders_send() == 0


def test_tax_ids_are_valid_and_unique(debug):
    seed(**SMALL)
    tax_ids = list(Firm.objects.values_list("tax_id", flat=True))
    assert len(set(tax_ids)) == len(tax_ids) == 150
    assert all(normalize_rut(tax_id) == tax_id for tax_id in tax_ids)


def test_people_and_their_networks(debug):
    seed(networks=32, firms=320, months=3, activities_per_month=0.5, joint_actions=32)
    facilitator = User.objects.get(username="scale.facilitator")
    assert facilitator.managed_networks.count() == 15
    assert User.objects.get(username="scale.officer").agency.name == "SERCOTEC Scale North"
    firm_user = User.objects.get(username="scale.firm")
    assert Network.objects.filter(
        facilitator=facilitator, memberships__firm=firm_user.firm, memberships__left_on=None
    ).exists()
    # One hash for everyone: the seed hashes the password once.
    assert User.objects.values("password").distinct().count() == 1
    assert firm_user.check_password(scale_data.PASSWORD)


def test_pages_render_with_scale_data(debug, client):
    seed(**SMALL)
    officer = User.objects.get(username="scale.officer")
    network = Network.objects.filter(programme__agency=officer.agency).first()
    client.force_login(officer)
    for name in (
        "network-detail",
        "network-firms",
        "network-money",
        "network-progress",
        "network-timeline",
        "activity-list",
        "joint-action-list",
        "network-ledger",
    ):
        response = client.get(reverse(f"networks:{name}", args=[network.pk]))
        assert response.status_code == 200, name
        assert escape(network.name) in response.content.decode(), name
    facilitator = User.objects.get(username="scale.facilitator")
    client.force_login(facilitator)
    response = client.get(reverse("networks:facilitator-home"))
    assert response.status_code == 200
    assert escape(facilitator.managed_networks.first().name) in response.content.decode()
    firm_user = User.objects.get(username="scale.firm")
    client.force_login(firm_user)
    response = client.get(reverse("networks:firm-home"))
    assert response.status_code == 200
    assert escape(firm_user.firm.name) in response.content.decode()


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        seed(**SMALL)
    assert not Agency.objects.exists() and not Firm.objects.exists()
    seed(force=True, **SMALL)
    assert Network.objects.count() == 6


def test_a_second_run_refuses_and_points_at_reset(debug):
    seed(**SMALL)
    with pytest.raises(CommandError, match="Scale data exists already.*--reset"):
        seed(**SMALL)
    assert Network.objects.count() == 6


def test_bad_sizes_are_refused(debug):
    with pytest.raises(CommandError, match="between 10 and 30 per network"):
        seed(networks=6, firms=50)
    assert not Agency.objects.exists()


def test_reset_replaces_scale_data_and_keeps_the_rest(debug):
    other = factories.MembershipFactory().network
    seed(**SMALL)
    officer = User.objects.get(username="scale.officer")
    scale_network = (
        Network.objects.filter(programme__agency=officer.agency).exclude(phase="dissolved").first()
    )
    # What people may do with the data between two runs must not block the reset.
    network_update(network=scale_network, actor=officer, name="Renamed by hand")
    factories.api_token(officer)
    history = Network.history.model
    assert history.objects.filter(id=scale_network.pk).exists()

    seed(reset=True, seed=7, **SMALL)

    assert Network.objects.count() == 7 and Firm.objects.count() == 151
    assert Network.objects.filter(pk=other.pk).exists()
    assert not history.objects.filter(id=scale_network.pk).exists()
    assert User.objects.filter(username="scale.officer").count() == 1
    assert not Network.objects.filter(name="Renamed by hand").exists()
    assert PhaseTransition.objects.filter(network__in=Network.objects.exclude(pk=other.pk)).count()


def fingerprint() -> list:
    """What the data says, without the ids that differ from run to run."""
    return [
        (
            n.name,
            n.phase,
            n.term_start,
            n.memberships.count(),
            n.activities.count(),
            Attendance.objects.filter(activity__network=n).count(),
            n.dues.aggregate(total=Sum("amount"))["total"],
            n.payments.aggregate(total=Sum("amount"))["total"],
        )
        for n in Network.objects.order_by("name")
    ]


def test_copy_and_bulk_create_write_the_same_data(debug):
    options = scale_plan.Options(networks=4, firms=100, months=6, joint_actions=40, seed=11)
    scale_build.build(options, lambda line: None)
    copied = fingerprint()
    scale_write.reset(lambda line: None)
    assert not Network.objects.exists() and not Agency.objects.exists()
    scale_build.build(
        scale_plan.Options(
            networks=4, firms=100, months=6, joint_actions=40, seed=11, use_copy=False
        ),
        lambda line: None,
    )
    assert fingerprint() == copied


def test_the_writer_refuses_a_row_without_a_required_column():
    with pytest.raises(ValueError, match=r"Attendance: no value for .*\bfirm\b"):
        scale_write.TableWriter(
            Attendance, ["activity"], copier=None, counts=defaultdict(int), seconds={}
        )


def test_the_brokers_records_are_written_and_consistent(debug):
    """Re-diagnoses for networks a year into their term, certifications, projects whose firms'
    contributions add up, and marketing joint actions whose value is their firms' sales."""
    from networks.models import Certification, JointProject

    seed(**MATURE)
    today = timezone.localdate()
    for network in Network.objects.filter(term_start__lte=add_months(today, -13)):
        if network.phase != Network.Phase.DISSOLVED:
            assert network.diagnoses.filter(occasion="follow_up").exists(), network
    assert Diagnosis.objects.filter(occasion="application").count() == Network.objects.count()
    assert Certification.objects.filter(status="certified").exists()
    assert not Certification.objects.filter(certified_on__gt=today).exists()
    projects = JointProject.objects.annotate(given=Sum("participants__contribution"))
    assert projects.exists()
    for project in projects:
        assert project.given == project.firms_funding
        assert project.agency_funding + project.firms_funding <= project.budget
    with_sales = JointAction.objects.filter(participants__sales__isnull=False).distinct()
    assert with_sales.exists()
    for action in with_sales.annotate(total=Sum("participants__sales")):
        assert action.total == action.value


def test_networks_in_independence_have_their_check_ins(debug):
    seed(**MATURE)
    handed = Network.objects.filter(phase=Network.Phase.INDEPENDENCE)
    assert handed.exists()
    check_ins = CheckIn.objects.filter(network__in=handed)
    assert check_ins.exists()
    for check_in in check_ins.select_related("network__programme"):
        network = check_in.network
        assert 1 <= check_in.year <= network.programme.check_in_years
        assert network.handed_over_on <= check_in.date <= timezone.localdate()
    assert not TermChange.objects.filter(kind="extension", agency_percent__isnull=True).exists()
