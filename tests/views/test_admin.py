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
def admin_user(agency):
    """An agency admin who is also the operators' superuser (the admin's model permissions)."""
    return factories.AgencyAdminFactory(
        username="root", agency=agency, is_staff=True, is_superuser=True
    )


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


def test_another_agencys_firm_is_refused(client, admin_user, other_network):
    firm = factories.MembershipFactory(network=other_network).firm
    client.force_login(admin_user)
    url = reverse("admin:networks_firm_change", args=[firm.pk])
    response = client.post(url, firm_form(firm, sector="Wine"))
    assert response.status_code == 403
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
