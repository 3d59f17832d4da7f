"""networks/access.py for a user of every role, including the outsiders."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from networks import access
from networks.selectors import lifecycle as lifecycle_selectors
from tests import factories

pytestmark = pytest.mark.django_db


def test_suite_runs_on_postgresql(django_db_blocker):
    from django.db import connection

    assert connection.vendor == "postgresql"


def test_agency_staff_see_only_their_agencys_networks(officer, network, other_network):
    same_agency = factories.NetworkFactory(programme__agency=officer.agency)
    visible = set(access.visible_networks(officer))
    assert visible == {network, same_agency}
    assert other_network not in visible


def test_agency_admin_sees_agency_networks(agency_admin, network, other_network):
    assert list(access.visible_networks(agency_admin)) == [network]


def test_facilitator_sees_only_networks_they_manage(facilitator, network, other_network):
    same_agency_other_facilitator = factories.NetworkFactory(programme=network.programme)
    assert list(access.visible_networks(facilitator)) == [network]
    assert same_agency_other_facilitator not in access.visible_networks(facilitator)


def test_firm_member_sees_networks_of_their_firm(firm_user, network, other_network):
    second = factories.NetworkFactory()
    factories.MembershipFactory(network=second, firm=firm_user.firm)
    assert set(access.visible_networks(firm_user)) == {network, second}


def test_firm_member_count_is_not_narrowed_by_the_visibility_filter(firm_user, network):

    factories.MembershipFactory.create_batch(3, network=network)
    row = lifecycle_selectors.network_list(user=firm_user).get(pk=network.pk)
    assert row.member_count == 4


def test_anonymous_and_roleless_users_see_nothing(network):
    assert not access.visible_networks(AnonymousUser()).exists()
    roleless = factories.UserFactory(role="")
    assert not access.visible_networks(roleless).exists()


def test_staff_without_agency_sees_nothing(network):
    user = factories.UserFactory(role="facilitator")
    assert not access.visible_networks(user).exists()


def test_can_change_network_by_role(
    officer, facilitator, firm_user, network, outsider_officer, outsider_facilitator
):
    assert access.can_change_network(officer, network)
    assert access.can_change_network(facilitator, network)
    assert not access.can_change_network(firm_user, network)
    assert not access.can_change_network(outsider_officer, network)
    assert not access.can_change_network(outsider_facilitator, network)


def test_get_network_or_404_outsiders_get_404(
    network, outsider_officer, outsider_facilitator, outsider_firm_user
):
    for user in (outsider_officer, outsider_facilitator, outsider_firm_user, AnonymousUser()):
        with pytest.raises(Http404):
            access.get_network_or_404(user, network.pk)


def test_get_network_or_404_read_only_user_gets_403_on_change(network, firm_user):
    assert access.get_network_or_404(firm_user, network.pk) == network
    with pytest.raises(PermissionDenied):
        access.get_network_or_404(firm_user, network.pk, change=True)


def test_get_network_or_404_rejects_garbage_ids(officer):
    with pytest.raises(Http404):
        access.get_network_or_404(officer, "not-a-number")
