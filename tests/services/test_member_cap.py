"""The 30-firm cap holds all along (domain.md section 3): after approval, adding a member past
the programme's maximum is refused with the reason, also when two adds race at the cap."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from networks.models import Membership
from networks.services import lifecycle as lifecycle_services
from tests import builders, factories
from tests.services.test_races import race


def active(network) -> int:
    return Membership.objects.filter(network=network, left_on__isnull=True).count()


@pytest.mark.django_db
def test_before_approval_the_group_may_grow_past_the_maximum(network):
    builders.add_members(network, network.programme.max_firms)
    lifecycle_services.membership_add(
        network=network, firm=factories.FirmFactory(), actor=network.facilitator
    )
    assert active(network) == network.programme.max_firms + 1


@pytest.mark.django_db
def test_after_approval_a_member_past_the_maximum_is_refused(network, officer):
    builders.consolidating_network(network, officer)
    builders.add_members(network, network.programme.max_firms - active(network))
    with pytest.raises(ValidationError) as err:
        lifecycle_services.membership_add(
            network=network, firm=factories.FirmFactory(), actor=network.facilitator
        )
    assert err.value.message_dict == {
        "firm": [str(lifecycle_services.MEMBER_CAP_REACHED % {"max": 30})]
    }
    assert active(network) == 30


@pytest.mark.django_db
def test_the_maximum_is_the_programmes_setting(network, officer):
    network.programme.max_firms = 11
    network.programme.save()
    builders.approved_network(network, officer)  # ten members
    lifecycle_services.membership_add(
        network=network, firm=factories.FirmFactory(), actor=network.facilitator
    )
    with pytest.raises(ValidationError):
        lifecycle_services.membership_add(
            network=network, firm=factories.FirmFactory(), actor=network.facilitator
        )
    assert active(network) == 11


@pytest.mark.django_db(transaction=True)
def test_two_adds_at_once_at_29_members_one_wins(network, officer):
    assert connection.vendor == "postgresql"
    builders.consolidating_network(network, officer)
    builders.add_members(network, 29 - active(network))
    first, second = factories.FirmFactory(), factories.FirmFactory()

    def add(firm):
        return lambda: lifecycle_services.membership_add(
            network=network, firm=firm, actor=network.facilitator
        )

    outcomes = race(add(first), add(second))
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ValidationError)
    assert error.message_dict == {
        "firm": [str(lifecycle_services.MEMBER_CAP_REACHED % {"max": 30})]
    }
    assert active(network) == 30
