"""Data for the browser tests, built through the real services: a network at work, with an
activity, a joint action and an evaluation, and a second network whose application waits."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from networks.models import ActivityType, Criterion, Firm, Network, User
from networks.services import activities as activity_services
from networks.services import evaluation as evaluation_services
from networks.services import joint_actions as ja_services
from tests import builders, factories


@dataclass
class Scene:
    network: Network
    waiting: Network
    firm_user: User
    firms: list[Firm]


def member_firms(network: Network) -> list[Firm]:
    return list(
        Firm.objects.filter(memberships__network=network, memberships__left_on__isnull=True)
        .order_by("name")
        .distinct()
    )


def activity_type(network: Network, slug: str) -> ActivityType:
    return ActivityType.objects.get(programme_id=network.programme_id, slug=slug)


def working_scene(*, network, officer, facilitator, firm_user, texts: dict | None = None) -> Scene:
    """`network` in consolidation with its members, one activity, one joint action and one
    evaluation; a second network of the same facilitator waiting for the agency's decision.

    `texts` overrides the free texts (the XSS test puts scripts in them)."""
    texts = texts or {}
    builders.consolidating_network(network, officer)
    firms = member_firms(network)
    others = [firm for firm in firms if firm.pk != firm_user.firm_id]
    today = timezone.localdate()
    activity_services.activity_log(
        network=network, actor=facilitator, type=activity_type(network, "factory_visit"),
        title=texts.get("activity_title", "Visit to the lathe workshop"), date=today,
        place="Talca", host_firm=others[0], attendees=[firm_user.firm, *others[:4]],
        description=texts.get("activity_description", "We saw the new lathe."),
        outcomes=texts.get("activity_outcomes", "Two firms will share the lathe."),
        cost=Decimal("45000"),
    )  # fmt: skip
    ja_services.joint_action_log(
        network=network, actor=firm_user, type="joint_purchasing",
        title=texts.get("joint_action_title", "Joint purchase of timber"),
        firms=[firm_user.firm, *others[:2]], status="under_way", start_date=today,
        value=Decimal("3200000"),
        outcome=texts.get("joint_action_outcome", "Twelve per cent cheaper timber."),
    )  # fmt: skip
    criteria = Criterion.objects.filter(programme=network.programme_id, is_active=True)
    evaluation_services.evaluation_record(
        network=network, actor=officer, date=today,
        results=[(c, i % 2 == 0, "Minutes of the meetings") for i, c in enumerate(criteria)],
    )  # fmt: skip
    waiting = factories.NetworkFactory(
        name="Wine cellars of Curicó", programme=network.programme, facilitator=facilitator
    )
    builders.submitted_network(waiting)
    network.refresh_from_db()
    return Scene(network=network, waiting=waiting, firm_user=firm_user, firms=firms)


def months_later(months: int) -> datetime.timedelta:
    """How far `months` calendar months from today reach, as a timedelta for the clock."""
    from networks.lib.dates import add_months

    today = timezone.localdate()
    return add_months(today, months) - today
