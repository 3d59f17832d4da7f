"""/api/v1/networks/ and /api/v1/networks/{id}/: list, create, read, change."""

import pytest

from networks.api.serializers.lifecycle import NO_SUCH_PROGRAMME
from networks.models import Application, Diagnosis, Network
from networks.services import lifecycle as L
from tests import factories
from tests.builders import make_consolidating

pytestmark = pytest.mark.django_db

LIST = "/api/v1/networks/"


def detail(network) -> str:
    return f"/api/v1/networks/{network.pk}/"


# --- list -----------------------------------------------------------------------------------


def test_list_shows_the_agencys_networks_with_their_fields(api, officer, network, other_network):
    factories.MembershipFactory.create_batch(3, network=network)
    api.force_authenticate(officer)
    response = api.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": network.pk,
            "name": network.name,
            "phase": "preparation",
            "programme": network.programme_id,
            "agency": network.programme.agency_id,
            "facilitator": network.facilitator_id,
            "locality": "Talca, Maule",
            "region": "Maule",
            "commune": "Talca",
            "sector": "Furniture",
            "member_count": 3,
            "term_start": None,
            "handover_due": None,
            "created_on": network.created_on.isoformat(),
            "application_status": "draft",
        }
    ]


@pytest.mark.parametrize(
    "persona", ["facilitator", "firm_user", "agency_admin", "outsider_officer"]
)
def test_each_persona_lists_only_what_they_may_see(api, request, network, other_network, persona):
    user = request.getfixturevalue(persona)
    api.force_authenticate(user)
    ids = [row["id"] for row in api.get(LIST).json()["results"]]
    assert ids == [other_network.pk if persona == "outsider_officer" else network.pk]


def test_list_is_paginated(api, officer, programme):
    factories.NetworkFactory.create_batch(51, programme=programme)
    api.force_authenticate(officer)
    first = api.get(LIST).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert (first["count"], len(first["results"]), first["previous"]) == (51, 50, None)
    assert first["next"].endswith("/api/v1/networks/?page=2")
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None


def test_list_filters_by_phase(api, officer, network, programme):
    consolidating = make_consolidating(
        factories.NetworkFactory(programme=programme, name="Consolidating"), officer
    )
    api.force_authenticate(officer)
    rows = api.get(LIST, {"phase": "consolidation"}).json()["results"]
    assert [row["id"] for row in rows] == [consolidating.pk]
    assert rows[0]["application_status"] == "approved"
    assert rows[0]["term_start"] == consolidating.term_start.isoformat()
    rows = api.get(LIST, {"phase": "preparation"}).json()["results"]
    assert [row["id"] for row in rows] == [network.pk]


def test_list_with_an_unknown_phase_is_400(api, officer, network):
    api.force_authenticate(officer)
    response = api.get(LIST, {"phase": "flying"})
    assert response.status_code == 400
    assert "phase" in response.json()


def test_list_queries_do_not_grow_with_networks_or_members(
    api, officer, programme, django_assert_max_num_queries
):
    api.force_authenticate(officer)
    factories.MembershipFactory(network=factories.NetworkFactory(programme=programme))
    with django_assert_max_num_queries(2) as small:
        api.get(LIST)
    for network in factories.NetworkFactory.create_batch(5, programme=programme):
        factories.MembershipFactory.create_batch(4, network=network)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = api.get(LIST).json()
    assert body["count"] == 6


def test_list_requires_login_401(api, network):
    assert api.get(LIST).status_code == 401


# --- detail ---------------------------------------------------------------------------------


def test_detail_has_the_networks_fields(api, facilitator, network):
    factories.MembershipFactory.create_batch(2, network=network)
    api.force_authenticate(facilitator)
    body = api.get(detail(network)).json()
    assert body["id"] == network.pk
    assert body["member_count"] == 2
    assert body["agency"] == network.programme.agency_id
    assert body["application_status"] == "draft"


def test_detail_queries_do_not_grow_with_members(
    api, officer, network, django_assert_max_num_queries
):
    api.force_authenticate(officer)
    with django_assert_max_num_queries(1):
        api.get(detail(network))
    factories.MembershipFactory.create_batch(12, network=network)
    with django_assert_max_num_queries(1):
        assert api.get(detail(network)).json()["member_count"] == 12


@pytest.mark.parametrize(
    "persona", ["outsider_officer", "outsider_facilitator", "outsider_firm_user"]
)
def test_detail_of_another_network_is_404(api, request, network, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    assert api.get(detail(network)).status_code == 404
    assert api.patch(detail(network), {"name": "Mine"}, format="json").status_code == 404
    assert Network.objects.get(pk=network.pk).name == network.name


def test_detail_of_a_network_that_does_not_exist_is_404(api, officer):
    api.force_authenticate(officer)
    assert api.get("/api/v1/networks/999999/").status_code == 404


def test_detail_requires_login_401(api, network):
    assert api.get(detail(network)).status_code == 401


# --- create ---------------------------------------------------------------------------------


def test_facilitator_creates_a_network_they_run(api, facilitator, programme):
    api.force_authenticate(facilitator)
    response = api.post(
        LIST,
        {"programme": programme.pk, "name": " Muebleros de Talca ", "locality": "Talca, Maule",
         "sector": "Furniture"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    network = Network.objects.get(name="Muebleros de Talca")
    assert (network.region, network.commune, network.facilitator) == ("Maule", "Talca", facilitator)
    assert Application.objects.filter(network=network, status="draft").exists()
    assert Diagnosis.objects.filter(network=network).exists()
    body = response.json()
    assert body["id"] == network.pk
    assert body["locality"] == "Talca, Maule"
    assert body["member_count"] == 0
    assert body["phase"] == "preparation"
    assert body["application_status"] == "draft"


def test_officer_creates_a_network_naming_its_facilitator(api, officer, facilitator, programme):
    api.force_authenticate(officer)
    response = api.post(
        LIST,
        {"programme": programme.pk, "name": "Vineyards", "region": "Maule", "commune": "Curicó",
         "sector": "Wine", "facilitator": facilitator.pk},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    network = Network.objects.get(name="Vineyards")
    assert network.facilitator == facilitator
    assert response.json()["facilitator"] == facilitator.pk
    assert response.json()["locality"] == "Curicó, Maule"


@pytest.mark.parametrize(
    "given, region, commune",
    [
        ({"locality": "Maule"}, "Maule", ""),
        ({"locality": "San Javier, Loncomilla, Maule"}, "Maule", "San Javier, Loncomilla"),
        ({"locality": "Talca, Maule", "region": "Ñuble"}, "Ñuble", "Talca"),
    ],
)
def test_locality_is_split_on_its_last_comma(api, facilitator, programme, given, region, commune):
    api.force_authenticate(facilitator)
    data = {"programme": programme.pk, "name": "N", "sector": "S", **given}
    assert api.post(LIST, data, format="json").status_code == 201
    network = Network.objects.get(name="N")
    assert (network.region, network.commune) == (region, commune)


def test_create_without_name_region_sector_gives_the_services_messages(api, facilitator, programme):
    api.force_authenticate(facilitator)
    response = api.post(LIST, {"programme": programme.pk, "name": " "}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["name"] == [str(L.NETWORK_NAME_REQUIRED)]
    assert set(body) == {"name", "region", "sector"}
    assert not Network.objects.exists()


def test_officer_must_name_the_facilitator(api, officer, programme):
    api.force_authenticate(officer)
    data = {"programme": programme.pk, "name": "N", "region": "Maule", "sector": "S"}
    response = api.post(LIST, data, format="json")
    assert response.status_code == 400
    assert response.json() == {"facilitator": [str(L.NETWORK_FACILITATOR_REQUIRED)]}


def test_facilitator_of_another_agency_cannot_be_named(
    api, officer, programme, outsider_facilitator
):
    api.force_authenticate(officer)
    data = {"programme": programme.pk, "name": "N", "region": "Maule", "sector": "S",
            "facilitator": outsider_facilitator.pk}  # fmt: skip
    response = api.post(LIST, data, format="json")
    assert response.status_code == 400
    assert "facilitator" in response.json()
    assert not Network.objects.filter(name="N").exists()


def test_programme_of_another_agency_is_no_such_programme_as_an_unknown_one(
    api, officer, other_network
):
    api.force_authenticate(officer)
    answers = []
    for programme_id in (other_network.programme_id, 999999):
        data = {"programme": programme_id, "name": "N", "region": "Maule", "sector": "S"}
        response = api.post(LIST, data, format="json")
        answers.append((response.status_code, response.json()))
    assert answers == [(400, {"programme": [str(NO_SUCH_PROGRAMME)]})] * 2
    assert not Network.objects.filter(name="N").exists()


@pytest.mark.parametrize("programme_id", [999999, "abc", None])
def test_unknown_or_malformed_programme_is_400_on_programme(api, officer, programme_id):
    api.force_authenticate(officer)
    data = {"programme": programme_id, "name": "N", "region": "Maule", "sector": "S"}
    response = api.post(LIST, data, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["programme"]


def test_firm_member_cannot_create_a_network_403(api, firm_user, programme):
    api.force_authenticate(firm_user)
    data = {"programme": programme.pk, "name": "N", "region": "Maule", "sector": "S"}
    assert api.post(LIST, data, format="json").status_code == 403
    assert not Network.objects.filter(name="N").exists()


def test_create_requires_login_401(api, programme):
    assert api.post(LIST, {"programme": programme.pk}, format="json").status_code == 401


# --- change ---------------------------------------------------------------------------------


def test_patch_round_trip_returns_what_it_was_given(api, facilitator, network):
    api.force_authenticate(facilitator)
    before = api.get(detail(network)).json()
    response = api.patch(detail(network), before, format="json")
    assert response.status_code == 200
    assert response.json() == before


def test_patch_changes_name_and_locality(api, officer, network):
    api.force_authenticate(officer)
    response = api.patch(detail(network), {"name": "Renamed", "commune": "Linares"}, format="json")
    assert response.status_code == 200
    network.refresh_from_db()
    assert (network.name, network.commune, network.region) == ("Renamed", "Linares", "Maule")
    assert response.json()["locality"] == "Linares, Maule"


def test_patch_refuses_read_only_fields_with_another_value(api, officer, network, programme):
    other_programme = factories.ProgrammeFactory(agency=programme.agency)
    api.force_authenticate(officer)
    response = api.patch(
        detail(network),
        {"phase": "independence", "programme": other_programme.pk, "term_start": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"phase", "programme", "term_start"}
    network.refresh_from_db()
    assert (network.phase, network.programme, network.term_start) == (
        "preparation", programme, None
    )  # fmt: skip


def test_patch_with_an_empty_name_is_400(api, officer, network):
    api.force_authenticate(officer)
    response = api.patch(detail(network), {"name": ""}, format="json")
    assert response.status_code == 400
    assert response.json() == {"name": ["This field cannot be empty."]}


def test_patch_of_a_dissolved_network_is_409(api, officer, network):
    L.network_dissolve(network=network, actor=officer, reason="The group broke up.")
    api.force_authenticate(officer)
    response = api.patch(detail(network), {"name": "Back"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": str(L.NETWORK_CLOSED)}


def test_firm_member_may_read_but_not_patch_403(api, firm_user, network):
    api.force_authenticate(firm_user)
    assert api.get(detail(network)).status_code == 200
    # Even a malformed body is refused as 403, not judged as 400.
    response = api.patch(detail(network), {"name": ""}, format="json")
    assert response.status_code == 403
    assert Network.objects.get(pk=network.pk).name == network.name


def test_put_is_not_offered_405(api, officer, network):
    api.force_authenticate(officer)
    assert api.put(detail(network), {"name": "X"}, format="json").status_code == 405
