"""Every lifecycle page and action: outsiders get 404, read-only users 403, anonymous users the
login page, and only the network's agency reaches the agency's actions."""

import pytest
from django.urls import reverse

from networks.models import Goal, Membership
from tests import builders

pytestmark = pytest.mark.django_db

# (url name, extra url args beyond the network, methods): pages that change the network.
CHANGE_PAGES = [
    ("network-members", (), ("get", "post")),
    ("member-search", (), ("get",)),
    ("member-add", (), ("post",)),
    ("member-remove", ("firm",), ("get", "post")),
    ("network-diagnosis", (), ("get", "post")),
    ("goal-create", (), ("get", "post")),
    ("goal-edit", ("goal",), ("get", "post")),
    ("goal-delete", ("goal",), ("get", "post")),
    ("network-application", (), ("get",)),
    ("application-checklist", (), ("get",)),
    ("application-submit", (), ("post",)),
]
AGENCY_PAGES = [
    ("manager-appoint", (), ("get", "post")),
    ("manager-replace", (), ("get", "post")),
    ("network-dissolve", (), ("get", "post")),
    ("application-decide", (), ("post",)),
]
READ_PAGES = [("network-detail", (), ("get",))]


def _cases(pages):
    return [
        pytest.param(name, extra, method, id=f"{name}-{method}")
        for name, extra, methods in pages
        for method in methods
    ]


@pytest.fixture
def urls(network, member_firm):
    builders.complete_diagnosis(network)
    goal, _medium = builders.add_goals(network)

    def url(name, extra):
        args = [network.pk] + [{"firm": member_firm.pk, "goal": goal.pk}[e] for e in extra]
        return reverse(f"networks:{name}", args=args)

    return url


def _request(client, method, url):
    return getattr(client, method)(url, {"reason": "x", "decision": "approve"})


@pytest.mark.parametrize(
    "persona", ["outsider_facilitator", "outsider_officer", "outsider_firm_user"]
)
@pytest.mark.parametrize("name, extra, method", _cases(CHANGE_PAGES + AGENCY_PAGES + READ_PAGES))
def test_outsiders_get_404(client, request, urls, persona, name, extra, method):
    client.force_login(request.getfixturevalue(persona))
    assert _request(client, method, urls(name, extra)).status_code == 404


@pytest.mark.parametrize("name, extra, method", _cases(CHANGE_PAGES + AGENCY_PAGES))
def test_member_firm_user_may_look_but_gets_403_on_changes(
    client, firm_user, network, urls, name, extra, method
):
    client.force_login(firm_user)
    memberships, goals = Membership.objects.count(), Goal.objects.count()
    assert _request(client, method, urls(name, extra)).status_code == 403
    assert (Membership.objects.count(), Goal.objects.count()) == (memberships, goals)


def test_member_firm_user_sees_the_network_page_without_actions(client, firm_user, network, urls):
    client.force_login(firm_user)
    response = client.get(urls("network-detail", ()))
    assert response.status_code == 200
    html = response.content.decode()
    assert network.name in html
    for action in ("network-members", "network-diagnosis", "network-application"):
        assert urls(action, ()) not in html


@pytest.mark.parametrize("name, extra, method", _cases(AGENCY_PAGES))
def test_facilitator_gets_403_on_the_agencys_actions(
    client, facilitator, urls, name, extra, method
):
    client.force_login(facilitator)
    assert _request(client, method, urls(name, extra)).status_code == 403


@pytest.mark.parametrize("name, extra, method", _cases(CHANGE_PAGES + AGENCY_PAGES + READ_PAGES))
def test_anonymous_is_sent_to_login(client, urls, name, extra, method):
    response = _request(client, method, urls(name, extra))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["network-create", "approvals-queue"])
def test_anonymous_is_sent_to_login_from_pages_without_a_network(client, name):
    response = client.get(reverse(f"networks:{name}"))
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "persona, name",
    [
        ("firm_user", "network-create"),
        ("firm_user", "approvals-queue"),
        ("facilitator", "approvals-queue"),
    ],
)
def test_roles_without_those_pages_get_403(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(f"networks:{name}")).status_code == 403
    assert client.post(reverse(f"networks:{name}")).status_code == 403


def test_agency_actions_on_a_dissolved_network_are_refused_politely(client, officer, network):
    client.force_login(officer)
    client.post(reverse("networks:network-dissolve", args=[network.pk]), {"reason": "Closed."})
    response = client.post(
        reverse("networks:network-dissolve", args=[network.pk]), {"reason": "Again."}, follow=True
    )
    assert "already dissolved" in response.content.decode()
