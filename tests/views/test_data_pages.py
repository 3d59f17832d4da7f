"""The data pages: the export list, the import (upload, preview, confirm), the printable report."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from networks.files import imports
from networks.lib.taxid import rut_check_digit
from networks.models import Firm, Membership
from networks.services.imports import IMPORT_HAS_ERRORS
from networks.views.data import IMPORT_EXPIRED
from tests import builders, factories
from tests import rows as data
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

HEADER = "name,tax_id,sector,region,commune,employees,email,phone,network,joined_on\n"


def rut(n: int) -> str:
    number = 76_000_000 + n
    return f"{number}-{rut_check_digit(number)}"


def upload(text: str, name="firms.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def stored_uploads(media) -> list:
    folder = media / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


# --- exports --------------------------------------------------------------------------------


def test_export_list_offers_every_export_in_both_formats(client, officer, network):
    client.force_login(officer)
    response = client.get(reverse("networks:export-list"))
    for key in ("networks", "members", "activities", "joint-actions", "uptakes",
                "contributions", "evaluations", "indicators"):  # fmt: skip
        assert reverse("networks:export", args=[key, "csv"]) in response.content.decode()
        assert reverse("networks:export", args=[key, "xlsx"]) in response.content.decode()
    assert shows(response, "The files below hold all your networks.")
    assert reverse("networks:import") in response.content.decode()
    # The nav links to it too.
    assert f'href="{reverse("networks:export-list")}"' in response.content.decode()


def test_export_list_narrows_the_links_to_one_network(client, officer, network):
    client.force_login(officer)
    response = client.get(reverse("networks:export-list"), {"network": network.pk})
    link = reverse("networks:export", args=["members", "csv"]) + f"?network={network.pk}"
    assert link in response.content.decode()
    assert shows(response, f"The files below hold the network {network.name} only.")


def test_export_list_for_a_firm_member_says_what_is_left_out(client, firm_user, other_network):
    client.force_login(firm_user)
    response = client.get(reverse("networks:export-list"), {"network": other_network.pk})
    assert "hold only your own firm's rows" in response.content.decode()
    assert other_network.name not in response.content.decode()  # not among the choices
    assert shows(response, "The files below hold all your networks.")
    assert reverse("networks:import") not in response.content.decode()


def test_export_pages_need_a_role(client):
    client.force_login(factories.UserFactory(username="norole"))
    assert client.get(reverse("networks:export-list")).status_code == 403
    client.logout()
    assert client.get(reverse("networks:export-list")).status_code == 302


def test_network_page_links_the_report_and_its_exports(client, facilitator, firm_user, network):
    client.force_login(facilitator)
    html = client.get(reverse("networks:network-detail", args=[network.pk])).content.decode()
    assert reverse("networks:network-report", args=[network.pk]) in html
    assert reverse("networks:export", args=["activities", "csv"]) + f"?network={network.pk}" in html
    assert reverse("networks:import") in html
    client.force_login(firm_user)
    html = client.get(reverse("networks:network-detail", args=[network.pk])).content.decode()
    assert reverse("networks:network-report", args=[network.pk]) in html
    assert reverse("networks:import") not in html


# --- import ---------------------------------------------------------------------------------


def test_firm_members_may_not_import(client, firm_user, media):
    client.force_login(firm_user)
    assert client.get(reverse("networks:import")).status_code == 403
    response = client.post(reverse("networks:import"), {"file": upload(HEADER)})
    assert response.status_code == 403
    assert client.post(reverse("networks:import-confirm"), {"token": "x"}).status_code == 403
    assert client.get(reverse("networks:import-template")).status_code == 403


def test_template_has_the_header_row(client, officer):
    client.force_login(officer)
    response = client.get(reverse("networks:import-template"))
    assert response.content.decode().strip() == ",".join(imports.COLUMNS)


def test_upload_previews_then_confirm_writes_and_forgets_the_file(
    client, facilitator, network, media
):
    data.working(network)
    text = HEADER + f"Maderas Sur,{rut(1)},Wood,,,4,,,{network.pk},\n" + f"Solo,{rut(2)},,,,,,,,\n"
    client.force_login(facilitator)
    response = client.post(reverse("networks:import"), {"file": upload(text)})
    assert response.status_code == 200
    assert shows(response, "Import preview")
    assert shows(response, "New firm") and shows(response, "New membership")
    assert shows(response, "Confirm the import")
    assert not Firm.objects.filter(tax_id=rut(1)).exists()  # nothing written yet
    assert len(stored_uploads(media)) == 1

    response = client.post(reverse("networks:import-confirm"), {"token": token_of(response)})
    assert response.status_code == 302
    firm = Firm.objects.get(tax_id=rut(1))
    assert Membership.objects.filter(network=network, firm=firm).exists()
    assert Firm.objects.filter(tax_id=rut(2)).exists()
    assert stored_uploads(media) == []
    page = client.get(response.url)
    assert shows(page, "Imported: 2 new firms, 0 updated firms, 1 new memberships")


def test_confirming_twice_does_nothing_the_second_time(client, facilitator, network, media):
    data.working(network)
    client.force_login(facilitator)
    text = HEADER + f"Maderas Sur,{rut(1)},,,,,,,{network.pk},\n"
    token = token_of(client.post(reverse("networks:import"), {"file": upload(text)}))
    client.post(reverse("networks:import-confirm"), {"token": token})
    response = client.post(reverse("networks:import-confirm"), {"token": token}, follow=True)
    assert shows(response, IMPORT_EXPIRED)
    assert Firm.objects.filter(tax_id=rut(1)).count() == 1
    # The same file again: every row unchanged.
    response = client.post(reverse("networks:import"), {"file": upload(text)})
    assert shows(response, "Unchanged")
    assert re.search(r"Unchanged rows</dt><dd[^>]*>1<", response.content.decode())


def test_a_file_with_errors_cannot_be_confirmed(client, facilitator, network, other_network, media):
    data.working(network)
    text = HEADER + f"Good,{rut(1)},,,,,,,{network.pk},\n" + f"Foreign,{rut(2)},,,,,,,{other_network.pk},\n"  # fmt: skip
    client.force_login(facilitator)
    response = client.post(reverse("networks:import"), {"file": upload(text)})
    assert shows(response, f"Unknown network “{other_network.pk}”.")
    assert shows(response, "1 row has an error.")
    assert not shows(response, "Confirm the import")
    assert 'name="token"' not in response.content.decode()
    assert stored_uploads(media) == []
    assert not Firm.objects.filter(tax_id=rut(1)).exists()


def test_a_malformed_file_is_refused_with_a_message(client, officer, media):
    client.force_login(officer)
    response = client.post(reverse("networks:import"), {"file": upload("firm,phone\nA,1\n")})
    assert response.status_code == 200
    assert shows(response, "Missing: name, tax_id.")
    response = client.post(
        reverse("networks:import"), {"file": SimpleUploadedFile("x.csv", b"\x00\x01binary")}
    )
    assert shows(response, imports.IMPORT_NOT_A_TABLE)
    assert stored_uploads(media) == []


def test_another_users_token_or_a_forged_one_is_refused(
    client, facilitator, officer, network, media
):
    data.working(network)
    client.force_login(facilitator)
    text = HEADER + f"Maderas Sur,{rut(1)},,,,,,,{network.pk},\n"
    token = token_of(client.post(reverse("networks:import"), {"file": upload(text)}))
    client.force_login(officer)
    response = client.post(reverse("networks:import-confirm"), {"token": token}, follow=True)
    assert shows(response, IMPORT_EXPIRED)
    response = client.post(reverse("networks:import-confirm"), {"token": token + "x"}, follow=True)
    assert shows(response, IMPORT_EXPIRED)
    assert not Firm.objects.filter(tax_id=rut(1)).exists()


def test_confirm_rechecks_the_rows(client, facilitator, network, media):
    """A row that became wrong after the preview (the network was dissolved) refuses all."""
    data.working(network)
    client.force_login(facilitator)
    text = HEADER + f"Maderas Sur,{rut(1)},,,,,,,{network.pk},\n"
    token = token_of(client.post(reverse("networks:import"), {"file": upload(text)}))
    network.phase = "dissolved"
    network.save()
    response = client.post(reverse("networks:import-confirm"), {"token": token})
    assert shows(response, IMPORT_HAS_ERRORS % {"count": 1})
    assert shows(response, f"The network “{network.name}” is dissolved.")
    assert not Firm.objects.filter(tax_id=rut(1)).exists()


def test_discard_forgets_the_upload(client, facilitator, media):
    client.force_login(facilitator)
    text = HEADER + f"Maderas Sur,{rut(1)},,,,,,,,\n"
    token = token_of(client.post(reverse("networks:import"), {"file": upload(text)}))
    response = client.post(reverse("networks:import-cancel"), {"token": token}, follow=True)
    assert shows(response, "nothing was imported")
    assert stored_uploads(media) == []


def test_xlsx_upload_previews(client, officer, network, media):
    from tests.rows import xlsx

    client.force_login(officer)
    content = xlsx([["name", "tax_id", "network"], ["Maderas Sur", rut(1), network.name]])
    file = SimpleUploadedFile("firms.xlsx", content)
    response = client.post(reverse("networks:import"), {"file": file})
    assert shows(response, "New firm")
    assert shows(response, "Confirm the import")


# --- the printable report -------------------------------------------------------------------


def report_url(network):
    return reverse("networks:network-report", args=[network.pk])


@pytest.fixture
def reported(network, officer, member_firm):
    builders.consolidating_network(network, officer, start=datetime.date(2025, 1, 1))
    firms = [m.firm for m in network.memberships.exclude(firm=member_firm)]
    data.activity(network, attendees=firms[:3], slug="factory_visit")
    data.activity(network, attendees=firms[:3], slug="factory_visit")
    data.activity(network, attendees=firms[:1], slug="trade_fair")
    data.joint_action(network, firms=firms[:2], status="done", value=1500000)
    data.joint_action(network, firms=firms[:2], status="planned")
    data.due(network, member_firm, "1000")
    data.due(network, firms[0], "2000")
    data.payment(network, firms[0], "500")
    data.evaluation(network, officer, {"dues_paid", "joint_purchasing", "quality"})
    return firms


def test_report_shows_every_section_to_the_agency(client, officer, network, reported):
    client.force_login(officer)
    response = client.get(report_url(network))
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/print.css" in html
    for heading in ("Summary", "Timeline", "Member firms", "Goals and progress",
                    "Activities in the last 12 months", "Joint actions",
                    "Contributions toward the manager's salary",
                    "Readiness for the handover", "Latest evaluation"):  # fmt: skip
        assert heading in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]
    assert shows(response, "Factory visit") and shows(response, "Trade fair")
    assert shows(response, "3 of 12 criteria met.")
    assert reported[0].name in html  # another firm's ledger row, visible to the agency
    assert shows(response, "Ctrl+P")


def test_a_firm_member_sees_only_their_own_ledger_line(
    client, firm_user, network, member_firm, reported
):
    client.force_login(firm_user)
    response = client.get(report_url(network))
    html = response.content.decode()
    section = html.split('id="r-contributions"')[1].split("</section>")[0]
    assert member_firm.name in section
    assert reported[0].name not in section
    assert "Your firm's contributions toward the manager's salary" in html
    readiness = html.split('id="r-readiness"')[1].split("</section>")[0]
    assert reported[0].name not in readiness  # who is in arrears is not theirs to read


def test_report_outsiders_get_404(client, outsider_officer, outsider_firm_user, network):
    for user in (outsider_officer, outsider_firm_user):
        client.force_login(user)
        assert client.get(report_url(network)).status_code == 404


REPORT_QUERIES = 27  # the same whatever the number of firms, activities and dues


@pytest.mark.parametrize("extra", [0, 15])
def test_report_runs_a_fixed_number_of_queries(
    client, officer, network, reported, django_assert_max_num_queries, extra
):
    firms = data.working(network, extra)
    for firm in firms:
        data.activity(network, attendees=firms)
        data.joint_action(network, firms=firms, status="done", value=10)
        data.due(network, firm, "1000")
        data.payment(network, firm, "100")
        data.evaluation(network, officer, {"dues_paid"}, date=datetime.date(2025, 6, 1))
    client.force_login(officer)
    with django_assert_max_num_queries(REPORT_QUERIES):
        response = client.get(report_url(network))
    assert response.status_code == 200


def test_a_long_file_lists_the_first_rows_and_every_error(client, officer, media):
    client.force_login(officer)
    text = HEADER + "".join(f"F{i},{rut(i)},,,,,,,,\n" for i in range(1, 601)) + f",{rut(900)},,,,,,,,\n"  # fmt: skip
    response = client.post(reverse("networks:import"), {"file": upload(text)})
    assert shows(response, "(100 more rows not listed)")
    assert shows(response, imports.ROW_NAME_REQUIRED)  # line 602, after the listed ones


def test_unconfirmed_uploads_are_forgotten_after_a_day(client, officer, media):
    import os
    import time

    client.force_login(officer)
    text = HEADER + f"Maderas Sur,{rut(1)},,,,,,,,\n"
    client.post(reverse("networks:import"), {"file": upload(text)})
    (old,) = stored_uploads(media)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    client.post(reverse("networks:import"), {"file": upload(text)})
    assert old not in stored_uploads(media)
    assert len(stored_uploads(media)) == 1
