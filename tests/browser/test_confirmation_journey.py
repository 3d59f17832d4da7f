"""Issue 17: a firm answers without a password, and the facilitator records an answer.

Firm A logs a joint action with firms B and C; B's contact opens the e-mailed link (from
Django's outbox, after the mail job ran) with no login and confirms; the facilitator records
C's confirmation by phone, and it shows as recorded by the facilitator. Then the new pages at
1280 and 375 px in both languages, with screenshots in test-artifacts/.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from networks.lib import links
from networks.models import Attendance, JointAction, JointActionParticipant, Notification
from networks.services import notifications as notification_services
from tests import factories
from tests.browser.conftest import axe_violations
from tests.browser.scenes import working_scene
from tests.browser.test_journeys import PHONE, field, no_sideways_scroll, shows

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def run_mail_jobs(user) -> str:
    """What the worker does for each of `user`'s pending mails; the body of the last one."""
    for row in Notification.objects.filter(recipient=user, mail=Notification.Mail.PENDING):
        notification_services.notification_mail_send(notification_id=row.pk)
    return next(m for m in reversed(mail.outbox) if m.to == [user.email]).body


def test_a_firm_confirms_by_the_emailed_link_and_the_facilitator_records_by_phone(
    page, server, log_in, officer, facilitator, network, firm_user, screenshot, csp_violations
):
    page.set_default_timeout(8000)
    scene = working_scene(
        network=network, officer=officer, facilitator=facilitator, firm_user=firm_user
    )
    b, c = [firm for firm in scene.firms if firm.pk != firm_user.firm_id][2:4]
    contact = factories.FirmMemberFactory(
        username="ana", first_name="Ana", last_name="Soto", firm=b, email="ana@example.com"
    )

    # Firm A logs a joint action with B and C.
    log_in("firmuser")
    page.goto(server + reverse("networks:joint-action-create", args=[network.pk]))
    field(page, "Type").select_option(label="joint purchasing")
    field(page, "Title").fill("Shared truck to the Santiago fair")
    firms_box = page.get_by_role("group", name="Participating member firms")
    for firm in (b, c):
        firms_box.get_by_role("checkbox", name=firm.name, exact=True).check()
    field(page, "Status").select_option(label="done")
    page.get_by_role("button", name="Save the joint action").click()
    shows(page, "Joint action “Shared truck to the Santiago fair” logged.")
    action = JointAction.objects.get(title="Shared truck to the Santiago fair")

    # The worker sends B's contact the mail; the link in it needs no password.
    body = run_mail_jobs(contact)
    link = re.search(r"https?://\S+/answer/[^/\s]+/", body).group(0)
    page.context.clear_cookies()
    page.goto(server + link[link.index("/answer/") :])
    expect(page.get_by_role("heading", level=1)).to_have_text("Did your firm take part?")
    for text in (network.name, action.title, b.name, c.name, firm_user.firm.name):
        expect(page.get_by_role("main")).to_contain_text(text)
    assert JointActionParticipant.objects.get(joint_action=action, firm=b).confirmed_at is None
    assert axe_violations(page) == []
    screenshot("issue17-link-open-en-1280")
    page.get_by_role("button", name=f"Confirm: {b.name} took part").click()
    shows(page, "Thank you: your answer is recorded.")
    shows(page, "This link has been used")
    expect(page.get_by_role("main")).to_contain_text("by Ana Soto on")
    screenshot("issue17-link-answered-en-1280")
    row = JointActionParticipant.objects.get(joint_action=action, firm=b)
    assert row.confirmed_by == contact and row.confirmation_method == "link"
    expect(
        page.get_by_role("button", name=re.compile("took part|did not take part"))
    ).to_have_count(0)

    # The facilitator records C's confirmation, obtained by phone.
    log_in("facilitator")
    page.goto(server + reverse("networks:joint-action-detail", args=[network.pk, action.pk]))
    answer_c = re.compile(rf"^Record its answer\s*:\s*{re.escape(c.name)}$")
    page.get_by_role("link", name=answer_c).click()
    expect(field(page, "Firm")).to_have_value(str(c.pk))
    page.get_by_role("radio", name="It took part").check()
    page.get_by_role("radio", name="by phone").check()
    field(page, "Note").fill("Pedro Díaz, by phone, this morning")
    assert axe_violations(page) == []
    screenshot("issue17-record-en-1280")
    page.get_by_role("button", name="Record the answer").click()
    shows(page, f"{c.name}'s answer is recorded.")
    participants = page.get_by_role("region", name=re.compile("^Participating firms"))
    expect(participants).to_contain_text("recorded by the facilitator (by phone)")
    expect(participants).to_contain_text("(through the e-mailed link)")
    screenshot("issue17-joint-action-answers-en-1280")
    row = JointActionParticipant.objects.get(joint_action=action, firm=c)
    assert row.confirmed_by == facilitator and row.recorded_on_behalf
    # Counted apart in the list of joint actions.
    page.goto(server + reverse("networks:joint-action-list", args=[network.pk]))
    expect(page.get_by_role("main")).to_contain_text("1 recorded by the facilitator")
    assert csp_violations == []


def _attendance_link(scene, contact) -> str:
    row = Attendance.objects.filter(activity__network=scene.network, firm=contact.firm).first()
    token = links.make(links.Link("a", row.pk, row.activity_id, row.firm_id, contact.pk))
    return reverse("networks:confirmation-link", args=[token])


def test_the_answer_pages_at_both_widths_in_both_languages(
    page, server, log_in, officer, facilitator, network, firm_user, screenshot
):
    """The link's page (open, then answered), the facilitator's record page and the activity's
    answers, in English and Spanish, at 1280 and 375 px: no sideways scroll, the main action
    on screen, no template source."""
    page.set_default_timeout(8000)
    scene = working_scene(
        network=network, officer=officer, facilitator=facilitator, firm_user=firm_user
    )
    attending = [r.firm for r in Attendance.objects.filter(activity__network=network)]
    firm = next(f for f in attending if f.pk != firm_user.firm_id)
    activity = Attendance.objects.filter(firm=firm).first().activity
    for language, button, answered in (
        ("en", "Confirm: {} attended", "Thank you: your answer is recorded."),
        ("es", "Confirmar: {} asistió", "Gracias: su respuesta quedó registrada."),
    ):
        contact = factories.FirmMemberFactory(firm=firm, language=language)
        Attendance.objects.filter(activity=activity, firm=firm).update(
            confirmed_at=None, confirmed_by=None, confirmation_method=""
        )
        address = server + _attendance_link(scene, contact)
        for width, size in (("1280", DESKTOP), ("375", PHONE)):
            page.context.clear_cookies()
            page.set_viewport_size(size)
            page.goto(address)
            html = page.content()
            assert "{%" not in html and "{{" not in html
            confirm = page.get_by_role("button", name=button.format(firm.name))
            expect(confirm).to_be_in_viewport()
            if width == "375":
                no_sideways_scroll(page)
            screenshot(f"issue17-attendance-link-{language}-{width}")
        confirm.click()
        shows(page, answered)
        no_sideways_scroll(page)
        screenshot(f"issue17-attendance-link-answered-{language}-375")

    # The facilitator's pages, both languages and widths.
    record = reverse("networks:attendance-record", args=[network.pk, activity.pk])
    detail = reverse("networks:activity-detail", args=[network.pk, activity.pk])
    for language in ("en", "es"):
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        log_in("facilitator", language=language)
        for width, size in (("1280", DESKTOP), ("375", PHONE)):
            page.set_viewport_size(size)
            for name, url in (("record", record), ("activity", detail)):
                page.goto(server + url)
                assert "{%" not in page.content()
                if width == "375":
                    no_sideways_scroll(page)
                screenshot(f"issue17-{name}-{language}-{width}")
    # The firm's home: what waits for its answer, activities included.
    for language, heading in (("en", "item waits for your confirmation"),
                              ("es", "elemento espera su confirmación")):  # fmt: skip
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        log_in("firmuser", language=language)
        page.set_viewport_size(PHONE)
        page.goto(server + reverse("networks:firm-home"))
        expect(page.get_by_role("main")).to_contain_text(heading)
        no_sideways_scroll(page)
        screenshot(f"issue17-firm-home-{language}-375")
    assert timezone.localdate() >= activity.date
