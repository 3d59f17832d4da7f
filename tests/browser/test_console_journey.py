"""The agency console, end to end in Chromium: the agency admin adds a joint-action type in
English and Spanish and invites a firm's contact; the contact chooses a password from the
link in the e-mail (Django's outbox), logs in and confirms a joint action of the new type."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from networks.models import Invitation, JointActionParticipant, JointActionType, User
from networks.services import joint_actions as joint_action_services
from networks.services import notifications as notification_services
from tests import builders
from tests.browser.scenes import member_firms
from tests.browser.test_journeys import field, shows

pytestmark = pytest.mark.django_db(transaction=True)


def test_journey_console_new_type_and_an_invited_firm_contact(
    page, server, log_in, officer, agency_admin, facilitator, network, csp_violations,
    screenshot,
):  # fmt: skip
    page.set_default_timeout(8000)
    builders.consolidating_network(network, officer)
    firm, other = member_firms(network)[:2]

    # The admin's console: a new joint-action type, named in both languages.
    log_in(agency_admin.username)
    page.get_by_role("link", name="Console").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Console")
    page.get_by_role("link", name=re.compile(r"^Activity and joint-action types")).click()
    add = page.get_by_role("form", name="Add a type: joint-action type")
    field(add, "Name in English").fill("Shared cold store")
    field(add, "Name in Spanish").fill("Cámara de frío compartida")
    add.get_by_role("button", name="Add").click()
    shows(page, "“Shared cold store” added.")
    screenshot("console-types")

    # Invite the firm's contact.
    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Invite someone").click()
    field(page, "E-mail").fill("compras@aserradero.cl")
    field(page, "First name").fill("Rosa")
    field(page, "Role").select_option(label="Firm member")
    field(page, "Firm").select_option(label=f"{firm.name} ({firm.tax_id})")
    page.get_by_role("button", name="Send the invitation").click()
    shows(page, "Invitation sent to compras@aserradero.cl.")
    expect(page.get_by_role("table", name="Invitations not yet accepted")).to_contain_text(
        "compras@aserradero.cl"
    )
    screenshot("console-people")

    # The facilitator logs a joint action of the new type with the firm (a service call: the
    # facilitator's own pages are walked in test_journeys.py).
    new_type = JointActionType.objects.get(programme=network.programme, slug="shared_cold_store")
    joint_action_services.joint_action_log(
        network=network, actor=facilitator, type=new_type, title="Cold store for the harvest",
        firms=[firm, other], status="under_way", start_date=timezone.localdate(),
    )  # fmt: skip

    # The contact opens the link in the e-mail, chooses a password and is logged in.
    page.context.clear_cookies()
    invitation = Invitation.objects.get(email="compras@aserradero.cl")
    notification_services.invitation_mail_send(invitation_id=invitation.pk)  # the worker's job
    message = mail.outbox[-1]
    assert message.to == ["compras@aserradero.cl"]
    path = re.search(r"https?://[^/\s]+(/invitation/\S+/)", message.body).group(1)
    page.goto(server + path)
    shows(page, f"as a contact of {firm.name}")
    field(page, "Last name").fill("Soto")
    field(page, "Password").fill("aserradero-sur-2026")
    field(page, "Password again").fill("aserradero-sur-2026")
    page.get_by_role("button", name="Create my account").click()
    shows(page, "Welcome to PROFO. Your account is ready.")
    contact = User.objects.get(username="compras@aserradero.cl")
    assert (contact.role, contact.firm) == ("firm_member", firm)

    # The link works once.
    page.goto(server + path)
    shows(page, "This invitation was already used.")

    # Logged in with the new password, the contact confirms the joint action.
    page.context.clear_cookies()
    log_in("compras@aserradero.cl", "aserradero-sur-2026")
    page.get_by_role("link", name=network.name, exact=True).first.click()
    page.get_by_role("link", name="All joint actions").click()
    page.get_by_role("link", name="Cold store for the harvest").click()
    expect(page.get_by_text("Shared cold store").first).to_be_visible()
    page.get_by_role("button", name=f"Confirm that {firm.name} took part").click()
    shows(page, "Your firm's participation in “Cold store for the harvest” is confirmed.")
    assert JointActionParticipant.objects.get(firm=firm).confirmed_at is not None

    # In Spanish the type reads as named in Spanish.
    page.context.add_cookies([{"name": "django_language", "value": "es", "url": server}])
    page.reload()
    expect(page.get_by_text("Cámara de frío compartida").first).to_be_visible()
    screenshot("console-journey-confirmed-es")
    assert csp_violations == []
