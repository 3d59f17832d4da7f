"""/api/v1/firms/{id}/certifications/, /certifications/{id}/, /networks/{id}/diagnoses/,
/networks/{id}/projects/ (with milestones) and /joint-actions/{id}/sales/."""

from decimal import Decimal

import pytest

from networks.models import Certification, Diagnosis, JointAction, JointProject, Milestone
from networks.services import certifications as certification_services
from tests import factories
from tests.builders import complete_diagnosis, days_ago, joint_action, open_for_joint_actions
from tests.factories import pdf
from tests.services.test_diagnoses import ORGANIZED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def test_a_firm_records_its_own_certificate_with_evidence(api, firm_user, member_firm):
    api.force_authenticate(firm_user)
    url = f"/api/v1/firms/{member_firm.pk}/certifications/"
    body = {"standard": "GMP", "status": "audited", "audited_on": days_ago(3).isoformat(),
            "evidence": pdf("audit.pdf")}  # fmt: skip
    response = api.post(url, body, format="multipart")
    assert response.status_code == 201, response.data
    row = Certification.objects.get()
    assert (row.network_id, row.status, row.evidence_name) == (
        member_firm.memberships.get().network_id, "audited", "audit.pdf",
    )  # fmt: skip
    assert response.data["evidence_url"] == f"/certifications/{row.pk}/evidence/"
    listed = api.get(url).data
    assert [r["standard"] for r in listed["results"]] == ["GMP"]


def test_unknown_fields_are_refused_and_outsiders_get_404(
    api, facilitator, member_firm, outsider_officer
):
    api.force_authenticate(facilitator)
    url = f"/api/v1/firms/{member_firm.pk}/certifications/"
    response = api.post(url, {"standard": "GMP", "standrd": "x"}, format="json")
    assert response.status_code == 400 and "standrd" in response.data
    row = certification_services.certification_record(
        firm=member_firm, actor=facilitator, standard="GMP"
    )
    api.force_authenticate(outsider_officer)
    assert api.get(url).status_code == 404
    assert api.get(f"/api/v1/certifications/{row.pk}/").status_code == 404


def test_patch_moves_a_certification_along(api, facilitator, member_firm):
    row = certification_services.certification_record(
        firm=member_firm, actor=facilitator, standard="GMP"
    )
    api.force_authenticate(facilitator)
    response = api.patch(
        f"/api/v1/certifications/{row.pk}/",
        {"status": "certified", "certified_on": days_ago(1).isoformat()}, format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.data
    assert Certification.objects.get().status == "certified"
    response = api.patch(f"/api/v1/certifications/{row.pk}/", {"status": "lapsed",
                         "certified_on": None}, format="json")  # fmt: skip
    assert response.status_code == 400 and "certified_on" in response.data


def test_a_re_diagnosis_through_the_api(api, facilitator, network):
    complete_diagnosis(network)
    Diagnosis.objects.update(diagnosed_on=days_ago(300))
    open_for_joint_actions(network)
    api.force_authenticate(facilitator)
    url = f"/api/v1/networks/{network.pk}/diagnoses/"
    response = api.post(url, {"diagnosed_on": days_ago(1).isoformat(), **ORGANIZED}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["profile"] == "organized"
    assert [r["occasion"] for r in api.get(url).data] == ["application", "follow_up"]


def test_projects_milestones_and_sales(api, officer, facilitator, network, firm_user):
    a, b = open_for_joint_actions(network, members=2)
    api.force_authenticate(officer)
    url = f"/api/v1/networks/{network.pk}/projects/"
    body = {"title": "Brand", "goal": "A shared brand.", "budget": "1000",
            "agency_funding": "500", "firms": [a.pk, b.pk],
            "contributions": [{"firm": a.pk, "contribution": "300"},
                              {"firm": b.pk, "contribution": "100"}]}  # fmt: skip
    response = api.post(url, body, format="json", headers={"Idempotency-Key": "p-1"})
    assert response.status_code == 201, response.data
    again = api.post(url, body, format="json", headers={"Idempotency-Key": "p-1"})
    assert again.status_code == 201 and JointProject.objects.count() == 1
    project = JointProject.objects.get()
    assert project.firms_funding == Decimal("400")
    milestones = f"{url}{project.pk}/milestones/"
    created = api.post(milestones, {"title": "Logo", "due_on": days_ago(-9).isoformat(),
                                    "status": "pending"}, format="json")  # fmt: skip
    assert created.status_code == 201, created.data
    done = api.patch(f"{milestones}{created.data['id']}/",
                     {"status": "done", "done_on": days_ago(0).isoformat()}, format="json")  # fmt: skip
    assert done.status_code == 200 and Milestone.objects.get().status == "done"
    api.force_authenticate(firm_user)
    assert api.get(url).status_code == 200
    assert api.patch(f"{url}{project.pk}/", {"title": "x"}, format="json").status_code == 403
    action = joint_action(network, a, b)
    api.force_authenticate(facilitator)
    sales = f"/api/v1/joint-actions/{action.pk}/sales/"
    response = api.put(sales, {"sales": [{"firm": a.pk, "sales": "70"},
                                         {"firm": b.pk, "sales": "30"}]}, format="json")  # fmt: skip
    assert response.status_code == 200, response.data
    assert Decimal(response.data["total"]) == Decimal("100") == JointAction.objects.get().value
    stranger = factories.FirmFactory()
    response = api.put(sales, {"sales": [{"firm": stranger.pk, "sales": "1"}]}, format="json")
    assert response.status_code == 400
