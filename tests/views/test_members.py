"""The members page: find firms, add them, register a new firm, take a firm out."""

import pytest
from django.urls import reverse

from networks.lib.taxid import RUT_BAD_CHECK_DIGIT, rut_check_digit
from networks.models import Firm, Membership
from networks.services.firms import FIRM_TAX_ID_TAKEN
from networks.services.lifecycle import (
    APPLICATION_UNDER_REVIEW,
    MEMBER_LEAVE_REASON_REQUIRED,
)
from tests import builders, factories
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

NEW_FIRM = {
    "name": "Aserradero Sur",
    "tax_id": f"76.123.456-{rut_check_digit(76123456)}",
    "sector": "Wood",
    "region": "Maule",
    "commune": "Talca",
    "employees": "14",
    "contact_name": "Rosa Pérez",
    "email": "rosa@example.org",
    "phone": "+56 9 1234 5678",
}


def members_url(network):
    return reverse("networks:network-members", args=[network.pk])


def test_members_page_shows_members_and_programme_bounds(client, facilitator, network):
    builders.add_members(network, 3)
    client.force_login(facilitator)
    response = client.get(members_url(network))
    html = response.content.decode()
    assert "3 active member firms." in html
    assert "The programme asks for 10 to 30." in html
    assert "Too few" in html
    for membership in network.memberships.select_related("firm"):
        assert membership.firm.tax_id_display in html
        assert reverse("networks:member-remove", args=[network.pk, membership.firm_id]) in html


def test_search_finds_firms_without_javascript_and_leaves_out_members(client, facilitator, network):
    free = factories.FirmFactory(name="Maderas Libres")
    member = factories.MembershipFactory(network=network, firm__name="Maderas Socias").firm
    client.force_login(facilitator)
    html = client.get(members_url(network), {"q": "Maderas"}).content.decode()
    assert "Maderas Libres" in html
    assert f'name="tax_id" value="{free.tax_id}"' in html
    assert f'name="tax_id" value="{member.tax_id}"' not in html
    assert 'hx-get="' + reverse("networks:member-search", args=[network.pk]) in html
    assert 'hx-trigger="keyup changed delay:300ms' in html


def test_live_search_returns_only_the_results(client, facilitator, network):
    factories.FirmFactory(name="Maderas Libres")
    client.force_login(facilitator)
    url = reverse("networks:member-search", args=[network.pk])
    html = client.get(url, {"q": "Maderas"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Maderas Libres" in html
    assert "<html" not in html
    assert "No firm found" in client.get(url, {"q": "zzz"}).content.decode()


def test_search_hides_firms_of_other_agencies_unless_the_tax_id_is_complete(
    client, facilitator, network, other_network
):
    foreign = factories.MembershipFactory(network=other_network, firm__name="Foreign Woods").firm
    client.force_login(facilitator)
    url = reverse("networks:member-search", args=[network.pk])
    assert "Foreign Woods" not in client.get(url, {"q": "Foreign"}).content.decode()
    assert "Foreign Woods" in client.get(url, {"q": foreign.tax_id_display}).content.decode()


def test_add_a_found_firm(client, facilitator, network):
    firm = factories.FirmFactory(name="Maderas Libres")
    client.force_login(facilitator)
    response = client.post(
        reverse("networks:member-add", args=[network.pk]),
        {"tax_id": firm.tax_id, "q": "Maderas"},
        follow=True,
    )
    assert Membership.objects.filter(network=network, firm=firm, left_on__isnull=True).exists()
    assert response.redirect_chain[-1][0] == members_url(network) + "?q=Maderas"
    assert shows(response, "Maderas Libres added to the network.")


def test_add_refused_while_under_review_shows_why(client, facilitator, network):
    builders.submitted_network(network)
    firm = factories.FirmFactory()
    client.force_login(facilitator)
    response = client.post(
        reverse("networks:member-add", args=[network.pk]), {"tax_id": firm.tax_id}, follow=True
    )
    assert not Membership.objects.filter(firm=firm).exists()
    assert shows(response, APPLICATION_UNDER_REVIEW)


def test_add_an_unknown_tax_id(client, facilitator, network):
    client.force_login(facilitator)
    response = client.post(
        reverse("networks:member-add", args=[network.pk]), {"tax_id": "1-9"}, follow=True
    )
    assert shows(response, "No firm has that tax id.")
    assert not Membership.objects.filter(network=network).exists()


def test_register_a_new_firm_and_add_it(client, officer, network):
    client.force_login(officer)
    response = client.post(members_url(network), NEW_FIRM, follow=True)
    firm = Firm.objects.get(name="Aserradero Sur")
    assert firm.tax_id == f"76123456-{rut_check_digit(76123456)}"
    assert (firm.employees, firm.email, firm.contact_name) == (14, "rosa@example.org", "Rosa Pérez")
    assert Membership.objects.filter(network=network, firm=firm).exists()
    assert shows(response, "Aserradero Sur registered and added to the network.")


def test_bad_rut_is_shown_on_the_tax_id_field_and_nothing_is_written(client, facilitator, network):
    client.force_login(facilitator)
    wrong = "0" if rut_check_digit(76123456) != "0" else "1"
    response = client.post(members_url(network), {**NEW_FIRM, "tax_id": f"76.123.456-{wrong}"})
    assert response.status_code == 200
    assert shows(response, RUT_BAD_CHECK_DIGIT)
    assert response.context["form"].errors["tax_id"] == [str(RUT_BAD_CHECK_DIGIT)]
    assert not Firm.objects.filter(name="Aserradero Sur").exists()


def test_a_registered_tax_id_is_refused(client, facilitator, network):
    factories.FirmFactory(tax_id=f"76123456-{rut_check_digit(76123456)}")
    client.force_login(facilitator)
    response = client.post(members_url(network), NEW_FIRM)
    assert shows(response, FIRM_TAX_ID_TAKEN)
    assert not Membership.objects.filter(network=network).exists()


@pytest.mark.parametrize("whose", ["unaffiliated", "other-agency"])
def test_a_registered_tax_id_lists_that_firm_to_add_by_name_and_rut_only(
    client, facilitator, network, other_network, whose
):
    """The same page for a firm nobody's network has and another agency's firm: the error,
    and the firm in the search results with its Add button; nothing else about it."""
    firm = factories.FirmFactory(
        name="Maderas Registradas", tax_id=f"76123456-{rut_check_digit(76123456)}",
        region="Región Secreta", commune="Comuna Secreta",
    )  # fmt: skip
    if whose == "other-agency":
        factories.MembershipFactory(network=other_network, firm=firm)
    client.force_login(facilitator)
    response = client.post(members_url(network), NEW_FIRM)
    html = response.content.decode()
    assert response.context["form"].errors["tax_id"] == [str(FIRM_TAX_ID_TAKEN)]
    assert [f.pk for f in response.context["results"]] == [firm.pk]
    assert f'name="tax_id" value="{firm.tax_id}"' in html and "Maderas Registradas" in html
    assert ("Región Secreta" in html) is (whose == "unaffiliated")
    assert "Comuna Secreta" not in html or whose == "unaffiliated"
    assert not Membership.objects.filter(network=network).exists()


def test_firm_is_not_left_behind_when_it_cannot_join(client, facilitator, network):
    builders.submitted_network(network)  # under review: no member can be added
    client.force_login(facilitator)
    response = client.post(members_url(network), NEW_FIRM, follow=True)
    assert shows(response, APPLICATION_UNDER_REVIEW)
    assert not Firm.objects.filter(name="Aserradero Sur").exists()


def test_remove_before_approval_is_a_plain_confirmation(client, facilitator, network, member_firm):
    client.force_login(facilitator)
    url = reverse("networks:member-remove", args=[network.pk, member_firm.pk])
    page = client.get(url)
    assert 'name="reason"' not in page.content.decode()
    response = client.post(url, follow=True)
    assert not Membership.objects.filter(network=network, firm=member_firm).exists()
    assert shows(response, f"{member_firm.name} is no longer a member.")


def test_after_approval_leaving_needs_a_reason_and_stays_in_history(client, officer, network):
    builders.consolidating_network(network, officer)
    firm = network.memberships.select_related("firm").first().firm
    client.force_login(officer)
    url = reverse("networks:member-remove", args=[network.pk, firm.pk])
    assert 'name="reason"' in client.get(url).content.decode()
    response = client.post(url, {"reason": ""})
    assert shows(response, MEMBER_LEAVE_REASON_REQUIRED)
    assert Membership.objects.get(network=network, firm=firm).left_on is None
    response = client.post(url, {"reason": "Sold the workshop."}, follow=True)
    membership = Membership.objects.get(network=network, firm=firm)
    assert membership.left_on is not None and membership.leave_reason == "Sold the workshop."
    assert shows(response, f"{firm.name} is no longer a member.")
    detail = client.get(reverse("networks:network-firms", args=[network.pk]))
    assert shows(detail, "Sold the workshop.")


def test_remove_a_firm_that_is_not_a_member_is_404(client, facilitator, network):
    stranger = factories.FirmFactory()
    client.force_login(facilitator)
    url = reverse("networks:member-remove", args=[network.pk, stranger.pk])
    assert client.get(url).status_code == 404


def test_remove_while_under_review_shows_why(client, facilitator, network):
    builders.submitted_network(network)
    firm = network.memberships.select_related("firm").first().firm
    client.force_login(facilitator)
    url = reverse("networks:member-remove", args=[network.pk, firm.pk])
    response = client.post(url, follow=True)
    assert shows(response, APPLICATION_UNDER_REVIEW)
    assert Membership.objects.filter(network=network, firm=firm).exists()


def test_members_page_query_count_does_not_grow(
    client, facilitator, network, django_assert_max_num_queries
):
    factories.FirmFactory.create_batch(5, name="Maderas")
    builders.add_members(network, 5)
    client.force_login(facilitator)
    with django_assert_max_num_queries(7):  # 6, +1 since issue 15: the bell's unread count
        client.get(members_url(network), {"q": "Maderas"})
    factories.FirmFactory.create_batch(15, name="Maderas")
    builders.add_members(network, 25)
    with django_assert_max_num_queries(7):
        response = client.get(members_url(network), {"q": "Maderas"})
    assert len(response.context["results"]) == 20


def test_adding_an_active_member_again_shows_the_services_message(
    client, facilitator, network, member_firm
):
    client.force_login(facilitator)
    response = client.post(
        reverse("networks:member-add", args=[network.pk]),
        {"tax_id": member_firm.tax_id},
        follow=True,
    )
    assert shows(response, f"{member_firm.name} is already an active member of this network.")


def test_members_page_says_why_it_is_frozen_and_offers_no_forms(client, facilitator, network):
    builders.submitted_network(network)
    client.force_login(facilitator)
    response = client.get(members_url(network))
    assert shows(response, APPLICATION_UNDER_REVIEW)
    html = response.content.decode()
    assert "Register and add" not in html
    assert reverse("networks:member-add", args=[network.pk]) not in html
    assert "/remove/" not in html
