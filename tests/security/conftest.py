"""One world for the security tests: two agencies side by side, built once per module.

Agency A ("ALPHA") runs network A, in consolidation with everything a network can hold:
members with users, activities with attendance and an attached PNG, joint actions, goals with
actuals and evidence, take-ups, firm indicators, dues and payments, share weights, an
evaluation and a handover proposal. It also runs network A2 (another programme, another
facilitator) so that "another network" is tested inside the same agency too.
Agency B ("BRAVO") runs network B, built the same way; every name in it says BRAVO, so that a
page showing one of them to agency A's people is caught by a plain substring test.

The world is written once per module inside a transaction that is rolled back at the end; each
test runs in a savepoint inside it (pytest-django's `db`), so tests may write freely.
"""

import datetime
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import (
    Activity,
    ActivityType,
    ApiToken,
    Attachment,
    Attendance,
    Certification,
    Criterion,
    Firm,
    FirmIndicator,
    Goal,
    GoalActual,
    JointAction,
    JointActionParticipant,
    JointActionType,
    JointProject,
    JointProjectFirm,
    Membership,
    Milestone,
    Network,
    Notification,
    Payment,
    ServiceUptake,
    ShareWeight,
    SupportProvider,
    SupportService,
    User,
)
from networks.services import evaluation as evaluation_services
from networks.services import people as people_services
from networks.services import term as term_services
from tests import builders, factories

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass
class Side:
    """One agency's half of the world."""

    prefix: str
    agency: object = None
    programme: object = None
    officer: User = None
    admin: User = None
    facilitator: User = None
    network: Network = None
    firms: list = field(default_factory=list)
    firm_user: User = None  # user of firms[0]: attends, takes part, has take-ups
    other_firm_user: User = None  # user of firms[1]: takes part too
    bystander_firm_user: User = None  # user of firms[2]: takes part in nothing
    activity: Activity = None
    attachment: Attachment = None
    joint_action: JointAction = None  # logged by the facilitator; firms 0 and 1 take part
    firm_joint_action: JointAction = None  # logged by firm 1
    answer_row: JointActionParticipant = None  # firm 2's part in it, recorded on paper
    goal: Goal = None
    goal_actual: GoalActual = None
    evidence: Attachment = None
    uptake: ServiceUptake = None  # firms[0]'s
    other_uptake: ServiceUptake = None  # firms[1]'s
    service: SupportService = None
    evaluation: object = None
    criterion: Criterion = None
    handover: object = None
    token: object = None  # an API token of firm_user's
    notification: object = None  # firm_user's, about the network; its e-mail failed
    payment: object = None  # firms[1]'s: confidential to it, its facilitator and its agency
    indicator: FirmIndicator = None  # firms[1]'s baseline
    certification: object = None  # firms[1]'s, recorded for the network, with evidence
    project: object = None  # a joint strategic project with firms 0 and 1
    milestone: object = None
    # Another network of the same agency, with its own people.
    network2: Network = None
    facilitator2: User = None
    firm_user2: User = None
    invitation: object = None  # an open invitation of a firm contact, by the agency admin


@dataclass
class World:
    a: Side
    b: Side
    media_root: str
    sessions: dict = field(default_factory=dict)

    def token(self, user) -> str:
        return ApiToken.objects.create(user=user)[1]

    def login(self, client, user) -> None:
        """Log `client` in as `user` with a session made with the world (no writes per test)."""
        key = self.sessions.get(user.pk)
        if key is None:
            client.force_login(user)
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = key

    def people(self) -> list:
        return [
            getattr(side, attribute)
            for side in (self.a, self.b)
            for attribute in (
                "officer", "admin", "facilitator", "firm_user", "other_firm_user",
                "bystander_firm_user", "facilitator2", "firm_user2",
            )
        ]  # fmt: skip


def _session_for(user) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def _name(side: Side, what: str) -> str:
    return f"{side.prefix}-{what}"


def _side(prefix: str) -> Side:
    side = Side(prefix=prefix)
    lower = prefix.lower()
    side.agency = factories.AgencyFactory(name=_name(side, "agency"))
    side.programme = factories.ProgrammeFactory(agency=side.agency, name=_name(side, "programme"))
    side.officer = factories.AgencyStaffFactory(username=f"{lower}-officer", agency=side.agency)
    side.admin = factories.AgencyAdminFactory(username=f"{lower}-admin", agency=side.agency)
    side.facilitator = factories.FacilitatorFactory(
        username=f"{lower}-facilitator", agency=side.agency, first_name=_name(side, "Fran")
    )
    side.network = factories.NetworkFactory(
        programme=side.programme, facilitator=side.facilitator, name=_name(side, "network"),
        region=_name(side, "region"), commune=_name(side, "commune"), sector=_name(side, "sector"),
    )  # fmt: skip

    # Through the real services: application approved, manager appointed 29 months ago (the
    # handover is due within the year, so it can be proposed), dues
    # charged month by month and one payment per firm.
    builders.term_network(side.network, side.officer, months=30)
    side.network.refresh_from_db()
    memberships = Membership.objects.filter(network=side.network).select_related("firm")
    side.firms = [m.firm for m in memberships.order_by("firm_id")]
    for index, firm in enumerate(side.firms):
        firm.name = _name(side, f"firm-{index:02d}")
        firm.contact_name = _name(side, f"contact-{index:02d}")
        firm.email = f"{lower}-firm-{index:02d}@example.org"
        firm.region = _name(side, "region")
        firm.save()
    Goal.objects.filter(network=side.network).update(title=_name(side, "goal"))
    side.firm_user = factories.FirmMemberFactory(
        username=f"{lower}-firm-user", firm=side.firms[0], email=f"{lower}-firm-user@example.org"
    )
    side.other_firm_user = factories.FirmMemberFactory(
        username=f"{lower}-other-firm-user", firm=side.firms[1]
    )
    side.bystander_firm_user = factories.FirmMemberFactory(
        username=f"{lower}-bystander-firm-user", firm=side.firms[2]
    )
    side.token = ApiToken.objects.create(user=side.firm_user)[0]
    side.notification = Notification.objects.create(
        recipient=side.firm_user, kind="dues_charged", network=side.network,
        url=f"/networks/{side.network.pk}/", mail="failed", mail_attempts=17,
        mail_error=f"SMTPRecipientsRefused: {side.firm_user.email}",
        params={"network": side.network.name, "firm": side.firms[0].name, "amount": "1",
                "month": "2026-01"},
    )  # fmt: skip

    today = timezone.localdate()
    day = today - datetime.timedelta(days=10)
    activity_type = ActivityType.objects.get(programme=side.programme, slug="factory_visit")
    side.activity = Activity.objects.create(
        network=side.network, type=activity_type, title=_name(side, "activity"), date=day,
        place=_name(side, "place"), host_firm=side.firms[0], description=_name(side, "minutes"),
        outcomes=_name(side, "outcomes"), cost=Decimal("25000"), created_by=side.facilitator,
    )  # fmt: skip
    Attendance.objects.bulk_create(
        Attendance(activity=side.activity, firm=firm) for firm in side.firms[:2]
    )
    side.attachment = Attachment.objects.create(
        activity=side.activity, file=ContentFile(PNG, name="photo.png"),
        original_name=_name(side, "photo.png"), content_type="image/png", size=len(PNG),
        uploaded_by=side.facilitator,
    )  # fmt: skip

    ja_type = JointActionType.objects.get(programme=side.programme, slug="joint_purchasing")
    side.joint_action = JointAction.objects.create(
        network=side.network, type=ja_type, title=_name(side, "joint-purchase"),
        status=JointAction.Status.UNDER_WAY, start_date=day, value=Decimal("900000"),
        outcome=_name(side, "outcome"), logged_by=side.facilitator,
    )  # fmt: skip
    JointActionParticipant.objects.bulk_create(
        JointActionParticipant(joint_action=side.joint_action, firm=firm) for firm in side.firms[:2]
    )
    side.firm_joint_action = JointAction.objects.create(
        network=side.network, type=ja_type, title=_name(side, "firm-joint-action"),
        status=JointAction.Status.PLANNED, logged_by=side.other_firm_user,
        logged_by_firm=side.firms[1],
    )  # fmt: skip
    JointActionParticipant.objects.bulk_create(
        JointActionParticipant(
            joint_action=side.firm_joint_action, firm=firm,
            confirmed_at=timezone.now() if firm == side.firms[1] else None,
        )
        for firm in side.firms[1:3]
    )  # fmt: skip
    # Firm 2's answer, recorded by the facilitator from a signed paper (issue 17).
    side.answer_row = JointActionParticipant.objects.get(
        joint_action=side.firm_joint_action, firm=side.firms[2]
    )
    side.answer_row.confirmed_at, side.answer_row.confirmed_by = timezone.now(), side.facilitator
    side.answer_row.confirmation_method = "paper"
    side.answer_row.confirmation_evidence = ContentFile(PDF, name="answer.pdf")
    side.answer_row.confirmation_evidence_name = _name(side, "answer.pdf")
    side.answer_row.confirmation_evidence_type = "application/pdf"
    side.answer_row.save()

    side.goal = Goal.objects.filter(network=side.network).order_by("pk").first()
    side.goal_actual = GoalActual.objects.create(
        goal=side.goal, period_end=day, value=Decimal("3"), comment=_name(side, "comment"),
        recorded_by=side.facilitator,
    )  # fmt: skip
    side.evidence = Attachment.objects.create(
        goal_actual=side.goal_actual, file=ContentFile(PDF, name="evidence.pdf"),
        original_name=_name(side, "evidence.pdf"), content_type="application/pdf",
        size=len(PDF), uploaded_by=side.facilitator,
    )  # fmt: skip

    provider = SupportProvider.objects.create(agency=side.agency, name=_name(side, "provider"))
    side.service = SupportService.objects.create(
        provider=provider, name=_name(side, "credit"), category=SupportService.Category.CREDIT
    )
    side.uptake, side.other_uptake = (
        ServiceUptake.objects.create(
            network=side.network,
            firm=firm,
            service=side.service,
            date=day,
            status=ServiceUptake.Status.TAKEN_UP,
            result=_name(side, f"loan-{index}"),
            recorded_by=side.facilitator,
        )  # fmt: skip
        for index, firm in enumerate(side.firms[:2])
    )

    for index, firm in enumerate(side.firms[:3]):
        report = FirmIndicator.objects.create(
            firm=firm, network=side.network, date=today - datetime.timedelta(days=200),
            is_baseline=True,
            employees=10 + index, annual_sales=Decimal(f"12345{index}77"),
            exports=Decimal(f"5432{index}11"), average_wage=Decimal("654321"),
            notes=_name(side, f"confidential-{index}"), recorded_by=side.facilitator,
        )  # fmt: skip
        if index == 1:
            side.indicator = report
    side.certification = Certification.objects.create(
        firm=side.firms[1], network=side.network, standard=_name(side, "ISO-9001"),
        status=Certification.Status.CERTIFIED, certified_on=day,
        evidence=ContentFile(PDF, name="certificate.pdf"),
        evidence_name=_name(side, "certificate.pdf"), evidence_type="application/pdf",
        evidence_size=len(PDF), recorded_by=side.facilitator,
    )  # fmt: skip
    side.project = JointProject.objects.create(
        network=side.network, title=_name(side, "project"), goal=_name(side, "project-goal"),
        budget=Decimal("1000"), agency_funding=Decimal("500"), firms_funding=Decimal("200"),
        created_by=side.facilitator,
    )  # fmt: skip
    JointProjectFirm.objects.bulk_create(
        JointProjectFirm(project=side.project, firm=firm, contribution=Decimal("100"))
        for firm in side.firms[:2]
    )
    side.milestone = Milestone.objects.create(
        project=side.project, title=_name(side, "milestone"), due_on=today
    )
    side.payment = Payment.objects.filter(network=side.network, firm=side.firms[1]).first()
    share = Decimal(100) / len(side.firms)
    ShareWeight.objects.bulk_create(
        ShareWeight(network=side.network, firm=firm, percent=share) for firm in side.firms
    )

    criteria = list(Criterion.objects.filter(programme=side.programme, is_active=True))
    side.criterion = criteria[0]
    side.evaluation = evaluation_services.evaluation_record(
        network=side.network, actor=side.officer, date=today, notes=_name(side, "evaluation"),
        results=[(c, i % 2 == 0, _name(side, f"evidence-{i}")) for i, c in enumerate(criteria)],
    )  # fmt: skip
    side.handover = term_services.handover_propose(
        network=side.network, actor=side.facilitator, date=side.network.handover_due,
        manager=side.facilitator, monthly_salary=Decimal("1500000"),
        commitments=dict.fromkeys(side.firms, share),
    )  # fmt: skip

    # Another network of the same agency, in another programme, with its own people.
    programme2 = factories.ProgrammeFactory(agency=side.agency, name=_name(side, "programme-2"))
    side.facilitator2 = factories.FacilitatorFactory(
        username=f"{lower}-facilitator-2", agency=side.agency
    )
    side.network2 = factories.NetworkFactory(
        programme=programme2, facilitator=side.facilitator2, name=_name(side, "network-2"),
        region=_name(side, "region"), sector=_name(side, "sector"),
    )  # fmt: skip
    firms2 = builders.add_members(side.network2, 3)
    Firm.objects.filter(pk__in=[f.pk for f in firms2]).update(name=_name(side, "firm-n2"))
    side.firm_user2 = factories.FirmMemberFactory(username=f"{lower}-firm-user-2", firm=firms2[0])
    side.invitation = people_services.invitation_create(
        actor=side.admin, email=f"{lower}-contact@example.com", role=User.Role.FIRM_MEMBER,
        firm=side.firms[2], first_name=_name(side, "Invited"),
    )  # fmt: skip
    return side


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    media_root = tempfile.mkdtemp(prefix="profo-security-")
    overrides = override_settings(
        MEDIA_ROOT=media_root,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    overrides.enable()
    try:
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                world = World(a=_side("ALPHA"), b=_side("BRAVO"), media_root=media_root)
                world.sessions = {user.pk: _session_for(user) for user in world.people()}
                yield world
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
    finally:
        overrides.disable()
        shutil.rmtree(media_root, ignore_errors=True)


@pytest.fixture
def a(world, db) -> Side:
    return world.a


@pytest.fixture
def b(world, db) -> Side:
    return world.b


def months_ago(months: int) -> datetime.date:
    return add_months(timezone.localdate(), -months)


# --- hostile input for the fuzz tests -------------------------------------------------------

HOSTILE_STRINGS = [
    "", " ", "\x00", "a\x00b", "\x00" * 10, "\x1b[31m\x07\x08\x0b\x0c\x7f", "\r\n\t",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "' OR '1'='1", "1; DROP TABLE networks_firm; --", "%s%s%s%n", "{{ 7*7 }}", "${7*7}",
    "../../etc/passwd", "😀" * 60, "ñandú é ü Ç ß 漢字", "\u202e\u200b\ufeff", "\ud7ff",
    "x" * 5000, "9" * 40, "-" + "9" * 40, "1e309", "-1e309", "NaN", "Infinity", "-Infinity",
    "0", "-1", "-0.001", "2147483648", "9223372036854775808", "1.23456789012345678901",
    "2024-02-30", "2023-02-29", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01",
    "31/12/2024", "2024-13-01", "today", "null", "true", "[]", "{}", "76.123.456-0",
]  # fmt: skip


def hostile_text():
    from hypothesis import strategies as st

    return st.one_of(
        st.sampled_from(HOSTILE_STRINGS),
        st.text(max_size=60),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.decimals(allow_nan=True, allow_infinity=True, places=4).map(str),
        st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()),
    )


def hostile_json():
    """Any JSON value, weighted to what breaks servers: wrong types, huge numbers, NUL bytes."""
    from hypothesis import strategies as st

    scalars = st.one_of(
        hostile_text(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(st.sampled_from(["a", "firm", "id", "\x00"]), inner, max_size=2),
        ),
        max_leaves=4,
    )
