"""The console's people pages, a firm's users page and the invitation link, as people use them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from networks.models import Invitation, User
from networks.services import people as people_services
from tests import factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db


def test_the_list_finds_people_by_firm_name_and_tax_id_in_a_fixed_number_of_queries(
    client, agency_admin, network, django_assert_max_num_queries
):
    firms = [factories.MembershipFactory(network=network).firm for _ in range(8)]
    for index, firm in enumerate(firms):
        factories.FirmMemberFactory(firm=firm, first_name=f"Contact{index}", last_name="Soto")
    target = firms[3]
    target.name = "Aserradero del Sur"
    target.save(update_fields=["name"])
    client.force_login(agency_admin)
    url = reverse("networks:console-people")
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert (
        response.status_code == 200 and response.context["page"].paginator.count == 10
    )  # 8 contacts, the admin, the facilitator
    for query in (target.name, target.tax_id):
        response = client.get(url, {"q": query})
        assert [u.firm for u in response.context["page"].object_list] == [target], query
    response = client.get(url, {"q": "contact3 soto"})
    assert [u.first_name for u in response.context["page"].object_list] == ["Contact3"]
    response = client.get(url, {"role": "facilitator"})
    assert [u.role for u in response.context["page"].object_list] == ["facilitator"]
    with django_assert_max_num_queries(9):
        client.get(url, {"q": "soto", "page": 1})


def test_agency_staff_get_403_and_another_agencys_person_404(client, officer, agency_admin,
                                                             outsider_officer):  # fmt: skip
    client.force_login(officer)
    assert client.get(reverse("networks:console-people")).status_code == 403
    client.force_login(agency_admin)
    url = reverse("networks:console-person", args=[outsider_officer.pk])
    assert client.get(url).status_code == 404
    deactivate = reverse("networks:console-person-deactivate", args=[outsider_officer.pk])
    assert client.post(deactivate, {"reason": "x"}).status_code == 404
    outsider_officer.refresh_from_db()
    assert outsider_officer.is_active


def test_invite_then_accept_from_the_mail_logs_the_person_in(
    client, agency_admin, network, member_firm, jobs
):
    client.force_login(agency_admin)
    response = client.post(reverse("networks:console-invite"), {
        "email": "Rosa@Example.com", "first_name": "Rosa", "role": "firm_member",
        "firm": member_firm.pk, "language": "es",
    })  # fmt: skip
    jobs.run()  # the worker sends the invitation
    assert response.status_code == 302
    assert shows(client.get(response["Location"]), "rosa@example.com")
    path = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and shows(page, member_firm.name)
    response = client.post(path, {"first_name": "Rosa", "last_name": "Soto",
                                  "password1": "cuenta-segura-2026",
                                  "password2": "cuenta-segura-2026"})  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(username="rosa@example.com")
    assert (user.role, user.firm, user.language) == ("firm_member", member_firm, "es")
    assert int(client.session["_auth_user_id"]) == user.pk
    client.logout()
    again = client.get(path)
    assert again.status_code == 404 and shows(again, people_services.INVITATION_USED)


def test_the_role_page_says_why_a_facilitator_keeps_the_role(client, agency_admin, facilitator,
                                                             network):  # fmt: skip
    client.force_login(agency_admin)
    url = reverse("networks:console-person-role", args=[facilitator.pk])
    response = client.post(url, {"role": "agency_staff"})
    assert response.status_code == 400
    assert network.name in response.content.decode()
    facilitator.refresh_from_db()
    assert facilitator.role == "facilitator"


def test_a_facilitator_invites_a_contact_from_the_firms_page_and_firms_only_look(
    client, facilitator, member_firm, firm_user, jobs
):
    url = reverse("networks:firm-people", args=[member_firm.pk])
    client.force_login(firm_user)
    page = client.get(url)
    assert page.status_code == 200 and shows(page, firm_user.email)
    assert client.post(url, {"email": "x@example.com"}).status_code == 403
    client.force_login(facilitator)
    response = client.post(url, {"email": "compras@example.com"})
    jobs.run()  # the worker sends the invitation
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="compras@example.com")
    assert (invitation.firm, invitation.role, invitation.invited_by) == (
        member_firm, "firm_member", facilitator
    )  # fmt: skip
    assert shows(client.get(url), "compras@example.com")
    assert [m.to for m in mail.outbox] == [["compras@example.com"]]


def test_the_audit_shows_who_deactivated_whom_and_why(client, agency_admin, officer):
    client.force_login(agency_admin)
    url = reverse("networks:console-person-deactivate", args=[officer.pk])
    assert client.post(url, {"reason": "Left the agency."}).status_code == 302
    page = client.get(reverse("networks:console-audit"))
    assert page.status_code == 200
    entries = page.context["page"].object_list
    entry = next(e for e in entries if e.kind == "user" and e.reason)
    assert (entry.who, entry.reason) == (agency_admin, "Left the agency.")
    assert any(c.before is True and c.after is False for c in entry.changes)
