"""Factories and set-ups for activities. Rows are written directly (fast); the services' rules
are tested in tests/test_services_activities.py."""

import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from networks.models import Activity, ActivityType, Attachment, Attendance, Membership, Network
from tests import factories

PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
SINCE = datetime.date(2024, 1, 1)


def activity_type(network, slug: str = "group_workshop") -> ActivityType:
    return ActivityType.objects.get(programme_id=network.programme_id, slug=slug)


def working_network(network, members: int = 5, since: datetime.date = SINCE) -> list:
    """Put `network` in consolidation with `members` firms that joined on `since`."""
    Network.objects.filter(pk=network.pk).update(phase=Network.Phase.CONSOLIDATION)
    network.phase = Network.Phase.CONSOLIDATION
    firms = factories.FirmFactory.create_batch(members)
    Membership.objects.bulk_create(
        Membership(network=network, firm=firm, joined_on=since) for firm in firms
    )
    return firms


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    network = factory.SubFactory(factories.NetworkFactory)
    type = factory.LazyAttribute(lambda o: activity_type(o.network))
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
