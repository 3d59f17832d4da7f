"""Factories for joint actions and support-service take-up, and a network ready for them."""

import factory
from django.utils import timezone

from networks.models import (
    JointAction,
    JointActionParticipant,
    JointActionType,
    Membership,
    Network,
    ServiceUptake,
    SupportProvider,
    SupportService,
)
from tests import factories


def open_for_joint_actions(network, members: int = 0, phase=Network.Phase.CONSOLIDATION):
    """Put the network in a phase where joint actions are logged, with `members` more firms.

    Test data only: the phase is set directly. tests.builders.consolidating_network gets there
    through the real services when a test is about the lifecycle itself.
    """
    network.phase = phase
    network.save(update_fields=["phase"])
    firms = factories.FirmFactory.create_batch(members)
    Membership.objects.bulk_create(
        Membership(network=network, firm=firm, joined_on=network.created_on) for firm in firms
    )
    return firms


def joint_action_type(network, slug: str = "joint_purchasing") -> JointActionType:
    return JointActionType.objects.get(programme=network.programme, slug=slug)


class JointActionFactory(factory.django.DjangoModelFactory):
    """A joint action with no participants; add them with `participants()`."""

    class Meta:
        model = JointAction

    network = factory.SubFactory(factories.NetworkFactory)
    type = factory.LazyAttribute(lambda o: joint_action_type(o.network))
    title = factory.Sequence(lambda n: f"Joint action {n}")
    status = JointAction.Status.PLANNED
    logged_by = factory.LazyAttribute(lambda o: o.network.facilitator)


def participants(joint_action, firms, *, confirmed=()) -> list[JointActionParticipant]:
    """Add `firms` as participants; those in `confirmed` are confirmed by their first user."""
    rows = []
    now = timezone.now()
    for firm in firms:
        row = JointActionParticipant(joint_action=joint_action, firm=firm)
        if firm in confirmed:
            row.confirmed_at = now
            row.confirmed_by = firm.users.first()
        rows.append(row)
    return JointActionParticipant.objects.bulk_create(rows)


class SupportProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportProvider

    agency = factory.SubFactory(factories.AgencyFactory)
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

    network = factory.SubFactory(factories.NetworkFactory)
    firm = factory.SubFactory(factories.FirmFactory)
    service = factory.SubFactory(
        SupportServiceFactory,
        provider__agency=factory.SelfAttribute("...network.programme.agency"),
    )
    date = factory.LazyFunction(timezone.localdate)
    status = ServiceUptake.Status.REFERRED
    referred_by_facilitator = True
    recorded_by = factory.LazyAttribute(lambda o: o.network.facilitator)
