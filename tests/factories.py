"""factory_boy factories for the domain, one class per model that tests create. Tax ids are valid
RUTs. Rows are written directly (fast); the services' rules are tested in tests/services/.
Networks at a point of their life, and "a network with N members", are in tests/builders.py."""

import datetime
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from networks.lib.taxid import rut_check_digit
from networks.models import (
    Activity,
    ActivityType,
    Agency,
    Application,
    Attachment,
    Attendance,
    Diagnosis,
    Firm,
    FirmIndicator,
    Goal,
    GoalActual,
    JointAction,
    JointActionType,
    Membership,
    Network,
    Programme,
    ServiceUptake,
    SupportProvider,
    SupportService,
    User,
)
from networks.services.programmes import programme_create

PASSWORD = "correct-horse-battery"


def api_token(user) -> str:
    """A new API token of `user`: the key to send as "Authorization: Token <key>"."""
    from networks.models import ApiToken

    return ApiToken.objects.create(user=user)[1]


def _rut(n: int) -> str:
    number = 77_000_000 + n
    return f"{number}-{rut_check_digit(number)}"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Programme {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, so that every test programme has its default criteria and types.
        return programme_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class AgencyStaffFactory(UserFactory):
    role = User.Role.AGENCY_STAFF
    agency = factory.SubFactory(AgencyFactory)


class AgencyAdminFactory(AgencyStaffFactory):
    role = User.Role.AGENCY_ADMIN


class FacilitatorFactory(UserFactory):
    role = User.Role.FACILITATOR
    agency = factory.SubFactory(AgencyFactory)


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"Firm {n}")
    tax_id = factory.Sequence(_rut)
    sector = "Furniture"
    region = "Maule"
    commune = "Talca"
    employees = 12


class FirmMemberFactory(UserFactory):
    role = User.Role.FIRM_MEMBER
    firm = factory.SubFactory(FirmFactory)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Network {n}")
    facilitator = factory.SubFactory(
        FacilitatorFactory, agency=factory.SelfAttribute("..programme.agency")
    )
    region = "Maule"
    commune = "Talca"
    sector = "Furniture"

    @factory.post_generation
    def application(network, create, extracted, **kwargs):
        # services.network_create makes both; so does the factory.
        if create:
            Application.objects.get_or_create(network=network)
            Diagnosis.objects.get_or_create(network=network)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    firm = factory.SubFactory(FirmFactory)


# --- files ----------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PDF_MINIMAL = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"  # what pdf() uploads
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def pdf(name: str = "minutes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_MINIMAL, content_type="application/pdf")


# --- activities -----------------------------------------------------------------------------


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    network = factory.SubFactory(NetworkFactory)
    type = factory.LazyAttribute(
        lambda o: ActivityType.objects.get(
            programme_id=o.network.programme_id, slug="group_workshop"
        )
    )
    title = factory.Sequence(lambda n: f"Workshop {n}")
    date = factory.LazyFunction(timezone.localdate)
    place = "Talca"
    created_by = factory.LazyAttribute(lambda o: o.network.facilitator)

    @factory.post_generation
    def attendees(activity, create, extracted, **kwargs):
        if create and extracted:
            Attendance.objects.bulk_create(
                Attendance(activity=activity, firm=firm) for firm in extracted
            )


class AttachmentFactory(factory.django.DjangoModelFactory):
    """Needs settings.MEDIA_ROOT pointed at a temporary folder (the `media` fixture)."""

    class Meta:
        model = Attachment

    activity = factory.SubFactory(ActivityFactory)
    file = factory.LazyFunction(lambda: ContentFile(PDF, name="minutes.pdf"))
    original_name = "minutes.pdf"
    content_type = "application/pdf"
    size = len(PDF)
    uploaded_by = factory.LazyAttribute(lambda o: o.activity.network.facilitator)


# --- joint actions and support services ---------------------------------------------------


class JointActionFactory(factory.django.DjangoModelFactory):
    """A joint action with no participants; add them with `builders.participants()`."""

    class Meta:
        model = JointAction

    network = factory.SubFactory(NetworkFactory)
    type = factory.LazyAttribute(
        lambda o: JointActionType.objects.get(
            programme=o.network.programme, slug="joint_purchasing"
        )
    )
    title = factory.Sequence(lambda n: f"Joint action {n}")
    status = JointAction.Status.PLANNED
    logged_by = factory.LazyAttribute(lambda o: o.network.facilitator)


class SupportProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportProvider

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Provider {n}")


class SupportServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportService

    provider = factory.SubFactory(SupportProviderFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    category = SupportService.Category.TRAINING


class ServiceUptakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceUptake

    network = factory.SubFactory(NetworkFactory)
    firm = factory.SubFactory(FirmFactory)
    service = factory.SubFactory(
        SupportServiceFactory,
        provider__agency=factory.SelfAttribute("...network.programme.agency"),
    )
    date = factory.LazyFunction(timezone.localdate)
    status = ServiceUptake.Status.REFERRED
    referred_by_facilitator = True
    recorded_by = factory.LazyAttribute(lambda o: o.network.facilitator)


# --- progress -------------------------------------------------------------------------------


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    network = factory.SubFactory(NetworkFactory)
    horizon = Goal.Horizon.SHORT
    title = factory.Sequence(lambda n: f"Goal {n}")
    indicator = "Firms buying together"
    unit = "firms"
    baseline = Decimal("0")
    target = Decimal("10")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))


class GoalActualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalActual

    goal = factory.SubFactory(GoalFactory)
    period_end = factory.LazyFunction(timezone.localdate)
    value = Decimal("1")
    recorded_by = factory.LazyAttribute(lambda a: a.goal.network.facilitator)


def _first_network(firm):
    membership = firm.memberships.select_related("network").order_by("joined_on", "pk").first()
    return membership.network if membership else None


class FirmIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FirmIndicator

    firm = factory.SubFactory(FirmFactory)
    # Recorded for the firm's network, as its facilitator would; a firm in no network: its own.
    network = factory.LazyAttribute(lambda o: _first_network(o.firm))
    date = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SubFactory(FacilitatorFactory)
