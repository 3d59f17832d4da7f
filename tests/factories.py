"""factory_boy factories for the domain. Tax ids are valid RUTs."""

import factory

from networks.lib.taxid import rut_check_digit
from networks.models import (
    Agency,
    Application,
    Diagnosis,
    Firm,
    Membership,
    Network,
    Programme,
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
