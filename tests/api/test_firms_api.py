"""/api/v1/firms/: finding and registering firms."""

import pytest

from networks.lib.taxid import RUT_BAD_CHECK_DIGIT
from networks.models import Firm
from networks.services import firms as F
from tests import factories

pytestmark = pytest.mark.django_db

FIRMS = "/api/v1/firms/"


def test_list_shows_the_agencys_firms_and_unaffiliated_ones(
    api, officer, member_firm, other_network
):
    hidden = factories.MembershipFactory(network=other_network).firm
    free = factories.FirmFactory(name="Aserradero Libre")
    api.force_authenticate(officer)
    body = api.get(FIRMS).json()
    assert set(body) == {"count", "next", "previous", "results"}
    ids = {row["id"] for row in body["results"]}
    assert ids == {member_firm.pk, free.pk}
    assert hidden.pk not in ids


def test_list_row_shape(api, facilitator, member_firm):
    api.force_authenticate(facilitator)
    (row,) = api.get(FIRMS).json()["results"]
    assert row == {
        "id": member_firm.pk,
        "name": member_firm.name,
        "tax_id": member_firm.tax_id,
        "tax_id_display": member_firm.tax_id_display,
        "sector": "Furniture",
        "locality": "Talca, Maule",
        "region": "Maule",
        "commune": "Talca",
        "employees": 12,
        "size_class": "small",
        "contact_name": "",
        "email": "",
        "phone": "",
    }


def test_search_by_name_and_by_complete_tax_id(api, officer, member_firm, other_network):
    other_firm = factories.MembershipFactory(network=other_network).firm
    factories.FirmFactory(name="Carpintería Sur")
    api.force_authenticate(officer)
    rows = api.get(FIRMS, {"search": "carpinter"}).json()["results"]
    assert [row["name"] for row in rows] == ["Carpintería Sur"]
    # A complete tax id finds a firm of another agency's network (firm_search's rule).
    rows = api.get(FIRMS, {"search": other_firm.tax_id_display}).json()["results"]
    assert [row["id"] for row in rows] == [other_firm.pk]
    assert api.get(FIRMS, {"search": "c"}).json()["results"] == []


def test_another_agencys_firm_found_by_its_tax_id_shows_its_name_and_tax_id_only(
    api, officer, member_firm, other_network
):
    hidden = factories.MembershipFactory(
        network=other_network, firm__contact_name="Ana Secreta", firm__email="ana@example.org",
        firm__phone="+56 9 5555 5555", firm__employees=42, firm__region="Biobío",
        firm__commune="Lota", firm__sector="Pesca",
    ).firm  # fmt: skip
    member_firm.contact_name = "Own Contact"
    member_firm.save()
    api.force_authenticate(officer)
    [row] = api.get(FIRMS, {"search": hidden.tax_id_display}).json()["results"]
    assert row == {
        "id": hidden.pk, "name": hidden.name, "tax_id": hidden.tax_id,
        "tax_id_display": hidden.tax_id_display, "sector": "", "locality": "", "region": "",
        "commune": "", "employees": None, "size_class": "", "contact_name": "", "email": "",
        "phone": "",
    }  # fmt: skip
    # The agency's own firms keep their details, by name or by tax id.
    [own] = api.get(FIRMS, {"search": member_firm.tax_id_display}).json()["results"]
    assert own["contact_name"] == "Own Contact"


def test_registering_a_taken_tax_id_is_the_same_answer_for_any_agencys_firm(
    api, officer, member_firm, other_network
):
    hidden = factories.MembershipFactory(network=other_network).firm
    api.force_authenticate(officer)
    answers = [
        api.post(FIRMS, {"name": "Copy", "tax_id": firm.tax_id_display}, format="json")
        for firm in (member_firm, hidden)
    ]
    assert [(r.status_code, r.json()) for r in answers] == [
        (400, {"tax_id": [str(F.FIRM_TAX_ID_TAKEN)]})
    ] * 2


def test_firm_member_finds_only_the_firms_of_their_networks(api, firm_user, member_firm):
    factories.FirmFactory()
    api.force_authenticate(firm_user)
    assert [row["id"] for row in api.get(FIRMS).json()["results"]] == [member_firm.pk]


@pytest.mark.parametrize("persona", ["officer", "agency_admin", "facilitator"])
def test_agency_people_and_facilitators_register_a_firm(api, request, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    response = api.post(
        FIRMS,
        {"name": "Maderas Linares", "tax_id": "76.123.456-0", "locality": "Linares, Maule",
         "employees": 60, "sector": "Timber", "email": "contacto@maderas.cl"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    firm = Firm.objects.get(tax_id="76123456-0")
    assert (firm.name, firm.commune, firm.region, firm.employees) == (
        "Maderas Linares", "Linares", "Maule", 60
    )  # fmt: skip
    body = response.json()
    assert body["id"] == firm.pk
    assert body["tax_id"] == "76123456-0"
    assert body["tax_id_display"] == "76.123.456-0"
    assert body["size_class"] == "medium"
    assert body["locality"] == "Linares, Maule"


def test_registered_firm_can_be_written_back_as_returned(api, officer):
    """The tax id as returned is taken back; the read-only fields are for reading only (a new
    firm has no id or size class to echo), and the 400 names them."""
    api.force_authenticate(officer)
    body = api.post(FIRMS, {"name": "A", "tax_id": "76123456-0"}, format="json").json()
    Firm.objects.all().delete()
    refused = api.post(FIRMS, body, format="json")
    assert refused.status_code == 400
    assert set(refused.json()) == {"id", "tax_id_display", "size_class"}
    assert not Firm.objects.exists()
    writable = {key: value for key, value in body.items() if key not in refused.json()}
    assert api.post(FIRMS, writable, format="json").status_code == 201


def test_tax_id_already_registered_is_400(api, officer, member_firm):
    api.force_authenticate(officer)
    response = api.post(
        FIRMS, {"name": "Copy", "tax_id": member_firm.tax_id_display}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"tax_id": [str(F.FIRM_TAX_ID_TAKEN)]}


def test_wrong_check_digit_is_400(api, officer):
    api.force_authenticate(officer)
    response = api.post(FIRMS, {"name": "A", "tax_id": "76.123.456-1"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"tax_id": [str(RUT_BAD_CHECK_DIGIT)]}


def test_blank_name_and_negative_employees_give_the_services_messages(api, officer):
    api.force_authenticate(officer)
    response = api.post(FIRMS, {"name": " ", "tax_id": "76123456-0"}, format="json")
    assert response.json() == {"name": [str(F.FIRM_NAME_REQUIRED)]}
    response = api.post(
        FIRMS, {"name": "A", "tax_id": "76123456-0", "employees": -1}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"employees": [str(F.FIRM_EMPLOYEES_NEGATIVE)]}
    assert not Firm.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "A"}, "tax_id"),
        ({"tax_id": "76123456-0"}, "name"),
        ({"name": "A", "tax_id": "76123456-0", "employees": "many"}, "employees"),
        ({"name": "A", "tax_id": "76123456-0", "employees": 10**12}, "employees"),
        ({"name": "A", "tax_id": "76123456-0", "email": "not-an-email"}, "email"),
    ],
)
def test_bad_input_is_400_naming_the_field(api, officer, data, field):
    api.force_authenticate(officer)
    response = api.post(FIRMS, data, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_firm_member_cannot_register_a_firm_403(api, firm_user):
    api.force_authenticate(firm_user)
    response = api.post(FIRMS, {"name": "A", "tax_id": "76123456-0"}, format="json")
    assert response.status_code == 403
    assert not Firm.objects.filter(tax_id="76123456-0").exists()


def test_firms_require_login_401(api):
    assert api.get(FIRMS).status_code == 401
    assert api.post(FIRMS, {}, format="json").status_code == 401
