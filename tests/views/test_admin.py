"""The Django admin writes through the services, as every page and endpoint does: a firm is
created by firm_create and changed by firm_update (their rules and access checks apply)."""

from unittest import mock

import pytest
from django.urls import reverse

from networks.lib.taxid import rut_check_digit
from networks.models import Firm
from networks.services import firms as firm_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    """A platform operator: the admin is theirs alone (profo/admin.py)."""
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


def firm_form(firm, **changes) -> dict:
    data = {"name": firm.name, "sector": firm.sector, "region": firm.region,
            "commune": firm.commune, "employees": firm.employees or "", "contact_name": "",
            "email": "", "phone": ""}  # fmt: skip
    return {**data, **changes}


def test_a_firm_changed_in_the_admin_goes_through_firm_update(client, admin_user, member_firm):
    client.force_login(admin_user)
    url = reverse("admin:networks_firm_change", args=[member_firm.pk])
    with mock.patch.object(
        firm_services, "firm_update", wraps=firm_services.firm_update
    ) as firm_update:
        response = client.post(url, firm_form(member_firm, sector="Wine", employees=40))
    assert response.status_code == 302
    assert firm_update.call_count == 1 and firm_update.call_args.kwargs["actor"] == admin_user
    member_firm.refresh_from_db()
    assert (member_firm.sector, member_firm.employees) == ("Wine", 40)


def test_the_tax_id_is_not_changed_in_the_admin(client, admin_user, member_firm):
    client.force_login(admin_user)
    tax_id = member_firm.tax_id
    url = reverse("admin:networks_firm_change", args=[member_firm.pk])
    response = client.post(
        url, firm_form(member_firm, tax_id=f"99999999-{rut_check_digit(99999999)}", sector="Wine")
    )
    assert response.status_code == 302
    member_firm.refresh_from_db()
    assert member_firm.sector == "Wine"
    assert member_firm.tax_id == tax_id


def test_an_agency_admin_changes_no_firm_in_the_admin(client, agency_admin, other_network):
    firm = factories.MembershipFactory(network=other_network).firm
    agency_admin.is_staff = True
    agency_admin.save()
    client.force_login(agency_admin)
    url = reverse("admin:networks_firm_change", args=[firm.pk])
    response = client.post(url, firm_form(firm, sector="Wine"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    firm.refresh_from_db()
    assert firm.sector != "Wine"


def test_a_firm_added_in_the_admin_goes_through_firm_create(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:networks_firm_add")
    with mock.patch.object(
        firm_services, "firm_create", wraps=firm_services.firm_create
    ) as firm_create:
        response = client.post(url, {"name": " Aserradero Sur ", "tax_id": "76.123.456-0",
                                     "sector": "Wood", "region": "", "commune": "",
                                     "employees": "", "contact_name": "", "email": "",
                                     "phone": ""})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    assert firm_create.call_count == 1
    firm = Firm.objects.get(name="Aserradero Sur")
    assert (firm.tax_id, firm.sector) == ("76123456-0", "Wood")


def test_a_bad_tax_id_is_shown_on_the_admin_form(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:networks_firm_add"), {
        "name": "Bad RUT", "tax_id": "76.123.456-1", "sector": "", "region": "", "commune": "",
        "employees": "", "contact_name": "", "email": "", "phone": "",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["tax_id"]
    assert not Firm.objects.filter(name="Bad RUT").exists()


def test_operators_find_a_firms_users_by_the_firms_name_and_read_their_full_names(
    client, admin_user, member_firm
):
    contact = factories.FirmMemberFactory(firm=member_firm, first_name="Rosa", last_name="Soto")
    factories.FirmMemberFactory(first_name="Other", last_name="Person")
    client.force_login(admin_user)
    response = client.get(reverse("admin:networks_user_changelist"), {"q": member_firm.name})
    assert response.status_code == 200
    assert [user.pk for user in response.context["cl"].result_list] == [contact.pk]
    body = response.content.decode()
    assert "Rosa Soto" in body and "Full name" in body and "GET FULL NAME" not in body.upper()


def test_the_admin_lists_types_and_leaves_out_groups_and_login_logs(client, admin_user):
    from django.contrib import admin

    registered = {model._meta.label for model in admin.site._registry}
    assert {"networks.ActivityType", "networks.JointActionType"} <= registered
    assert not registered & {"auth.Group", "axes.AccessLog", "axes.AccessFailureLog"}
