"""The pages of the broker's records: a firm's certifications, re-diagnosis, joint strategic
projects and milestones, and the sales a joint action won per firm. Outsiders get 404,
read-only users 403; a POST writes the row and says so."""

from decimal import Decimal

import pytest
from django.urls import reverse

from networks.models import Certification, Diagnosis, JointAction, JointProject, Milestone
from networks.services import certifications as certification_services
from networks.services import projects as project_services
from tests import factories
from tests.builders import complete_diagnosis, days_ago, joint_action, open_for_joint_actions
from tests.factories import pdf
from tests.services.test_diagnoses import INFORMAL, ORGANIZED
from tests.views.conftest import shows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def neighbour(network):
    firm = factories.MembershipFactory(network=network, firm__name="Neighbour Sawmill").firm
    return factories.FirmMemberFactory(username="neighbour", firm=firm)


# --- certifications ----------------------------------------------------------------------------


def test_the_facilitator_records_a_certificate_with_evidence(client, facilitator, member_firm):
    client.force_login(facilitator)
    url = reverse("networks:firm-certifications", args=[member_firm.pk])
    data = {"standard": "ISO 9001", "status": "certified", "certified_on": days_ago(5),
            "evidence": pdf("iso.pdf")}  # fmt: skip
    response = client.post(url, data, follow=True)
    row = Certification.objects.get()
    assert (row.firm, row.recorded_by, row.evidence_name) == (member_firm, facilitator, "iso.pdf")
    assert shows(response, "Certification saved.")
    download = client.get(reverse("networks:certification-evidence", args=[row.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_another_member_firm_and_outsiders_get_404(
    client, facilitator, member_firm, neighbour, outsider_officer
):
    row = certification_services.certification_record(
        firm=member_firm, actor=facilitator, standard="GMP", evidence=pdf()
    )
    for user in (neighbour, outsider_officer):
        client.force_login(user)
        for name, args in (("firm-certifications", [member_firm.pk]),
                           ("certification-edit", [row.pk]),
                           ("certification-evidence", [row.pk])):  # fmt: skip
            assert client.get(reverse(f"networks:{name}", args=args)).status_code == 404, name


def test_a_shared_own_record_is_read_but_not_changed_by_the_facilitator(
    client, facilitator, member_firm, firm_user
):
    row = certification_services.certification_record(
        firm=member_firm, actor=firm_user, standard="HACCP", network=None
    )
    member_firm.memberships.update(shares_figures=True)
    client.force_login(facilitator)
    assert shows(client.get(reverse("networks:firm-certifications", args=[member_firm.pk])),
                 "HACCP")  # fmt: skip
    url = reverse("networks:certification-edit", args=[row.pk])
    assert client.post(url, {"standard": "X", "status": "preparing"}).status_code == 403
    assert Certification.objects.get().standard == "HACCP"


def test_the_network_page_counts_but_other_firms_see_no_rows(
    client, facilitator, member_firm, neighbour, network
):
    certification_services.certification_record(
        firm=member_firm, actor=facilitator, standard="SecretStandard", status="certified",
        certified_on=days_ago(3),
    )  # fmt: skip
    client.force_login(neighbour)
    response = client.get(reverse("networks:network-certifications", args=[network.pk]))
    assert response.context["counts"].now == 1
    assert not shows(response, "SecretStandard")
    client.force_login(facilitator)
    response = client.get(reverse("networks:network-certifications", args=[network.pk]))
    assert shows(response, "SecretStandard")


# --- re-diagnosis ------------------------------------------------------------------------------


def test_a_re_diagnosis_moves_the_profile_on_the_progress_page(client, facilitator, network):
    diagnosis = complete_diagnosis(network)
    Diagnosis.objects.filter(pk=diagnosis.pk).update(diagnosed_on=days_ago(400), **INFORMAL)
    open_for_joint_actions(network, members=2)
    client.force_login(facilitator)
    url = reverse("networks:network-rediagnosis", args=[network.pk])
    response = client.post(url, {"diagnosed_on": days_ago(2), **ORGANIZED}, follow=True)
    assert shows(response, "Re-diagnosis saved.")
    assert Diagnosis.objects.filter(network=network, occasion="follow_up").count() == 1
    page = client.get(reverse("networks:network-progress", args=[network.pk]))
    assert [p.profile.key for p in page.context["profile_series"]] == ["informal", "organized"]
    assert shows(page, "up a profile")


def test_re_diagnosis_is_read_only_for_firms_and_hidden_from_outsiders(
    client, firm_user, outsider_officer, network
):
    open_for_joint_actions(network)
    url = reverse("networks:network-rediagnosis", args=[network.pk])
    client.force_login(firm_user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"diagnosed_on": days_ago(2), **ORGANIZED}).status_code == 403
    client.force_login(outsider_officer)
    assert client.get(url).status_code == 404
    assert not Diagnosis.objects.filter(occasion="follow_up").exists()


# --- projects and sales -----------------------------------------------------------------------


def test_the_officer_plans_a_project_and_adds_a_milestone(client, officer, network):
    a, b = open_for_joint_actions(network, members=2)
    client.force_login(officer)
    url = reverse("networks:project-list", args=[network.pk])
    data = {"title": "Shared kiln", "goal": "Dry timber together.", "status": "planned",
            "budget": "1000", "agency_funding": "600", "firms_funding": "301",
            "firms": [a.pk, b.pk]}  # fmt: skip
    response = client.post(url, data, follow=True)
    project = JointProject.objects.get()
    assert shows(response, "Project saved.")
    assert sorted(project.participants.values_list("contribution", flat=True)) == [150, 151]
    detail = reverse("networks:project-detail", args=[network.pk, project.pk])
    client.post(detail, {"title": "Kiln bought", "due_on": days_ago(-20), "status": "pending"})
    milestone = Milestone.objects.get()
    client.post(
        reverse("networks:milestone-update", args=[network.pk, project.pk, milestone.pk]),
        {"title": "Kiln bought", "due_on": days_ago(-20), "status": "done",
         "done_on": days_ago(0)},
    )  # fmt: skip
    assert Milestone.objects.get().status == "done"


def test_firms_read_projects_but_do_not_plan_them(client, firm_user, network, facilitator):
    firms = open_for_joint_actions(network, members=2)
    project = project_services.project_create(
        network=network, actor=facilitator, title="Brand", goal="A shared brand.", firms=firms
    )
    client.force_login(firm_user)
    assert shows(client.get(reverse("networks:project-list", args=[network.pk])), "Brand")
    url = reverse("networks:project-edit", args=[network.pk, project.pk])
    assert client.get(url).status_code == 403


def test_outsiders_get_404_on_projects(client, outsider_facilitator, network, facilitator):
    firms = open_for_joint_actions(network, members=2)
    project = project_services.project_create(
        network=network, actor=facilitator, title="Brand", goal="A shared brand.", firms=firms
    )
    client.force_login(outsider_facilitator)
    for name, args in (("project-list", [network.pk]),
                       ("project-detail", [network.pk, project.pk]),
                       ("project-edit", [network.pk, project.pk])):  # fmt: skip
        assert client.get(reverse(f"networks:{name}", args=args)).status_code == 404


def test_sales_per_firm_on_a_joint_action(client, facilitator, network, neighbour):
    a, b = open_for_joint_actions(network, members=2)
    action = joint_action(network, a, b, value=Decimal("5"))
    url = reverse("networks:joint-action-sales", args=[network.pk, action.pk])
    client.force_login(neighbour)  # a member firm that did not log it: reads, may not record
    assert client.get(url).status_code == 200
    assert client.post(url, {f"firm_{a.pk}": "100"}).status_code == 403
    client.force_login(facilitator)
    response = client.post(url, {f"firm_{a.pk}": "1200", f"firm_{b.pk}": "800"}, follow=True)
    assert shows(response, "Sales saved.")
    assert JointAction.objects.get().value == Decimal("2000")
