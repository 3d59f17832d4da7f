"""notify(): the rows, the mail jobs per preference, the mail in each recipient's language, the
failures kept, the daily digest; and who is told what by the services that cause it.

The jobs go to Procrastinate's in-memory connector (tests/conftest.py `jobs`); `jobs.run()` runs
them as a worker would. tests/test_task_queue.py does the same on the real job tables.
"""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from networks.models import (
    Channel,
    DigestSent,
    Due,
    EventNotified,
    Kind,
    Network,
    Notification,
    NotificationPreference,
    Payment,
)
from networks.rules import MAIL_ATTEMPTS
from networks.services import joint_actions as joint_action_services
from networks.services import notifications as N
from networks.services import term as term_services
from tests import builders, factories

pytestmark = pytest.mark.django_db

MAIL = "notification_mail"


def tell(recipients, kind=Kind.APPLICATION_SUBMITTED, network=None, **kwargs):
    return N.notify(kind=kind, recipients=recipients, network=network, url="/networks/", **kwargs)


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- notify ---------------------------------------------------------------------------------


def test_one_row_per_recipient_never_the_actor_nor_an_inactive_account(
    network, officer, agency_admin, facilitator, jobs
):
    gone = factories.AgencyStaffFactory(agency=officer.agency, is_active=False)
    rows = tell([officer, officer, agency_admin, facilitator, gone, None], network=network,
                exclude=facilitator, params={"actor": "Ana"})  # fmt: skip
    assert sorted(r.recipient_id for r in rows) == sorted([officer.pk, agency_admin.pk])
    assert Notification.objects.count() == 2
    assert len(jobs.deferred(MAIL)) == 2
    row = Notification.objects.get(recipient=officer)
    assert (row.network, row.read_at, row.mail) == (network, None, "pending")
    assert row.headline == f"{network.name}: application submitted for review by Ana"


def test_each_preference_decides_the_mail(officer, agency_admin, facilitator, firm_user, jobs):
    NotificationPreference.objects.create(user=agency_admin, kind=Kind.APPLICATION_SUBMITTED,
                                          channel=Channel.DIGEST)  # fmt: skip
    NotificationPreference.objects.create(user=facilitator, kind=Kind.APPLICATION_SUBMITTED,
                                          channel=Channel.IN_APP)  # fmt: skip
    firm_user.email = ""
    firm_user.save(update_fields=["email"])
    tell([officer, agency_admin, facilitator, firm_user])
    mails = dict(Notification.objects.values_list("recipient_id", "mail"))
    assert mails == {
        officer.pk: "pending",  # the kind's default: at once
        agency_admin.pk: "digest",
        facilitator.pk: "none",
        firm_user.pk: "none",  # no address: in the app only
    }
    [job] = jobs.deferred(MAIL)
    assert job["args"] == {"notification_id": Notification.objects.get(recipient=officer).pk}


def test_the_mail_is_in_the_recipients_language_with_a_direct_link(
    network, officer, facilitator, mailoutbox, jobs, settings
):
    settings.SITE_URL = "https://profo.example.cl"
    officer.language = "es"
    officer.save(update_fields=["language"])
    tell([officer, facilitator], network=network, params={"actor": "Ana"})
    assert mailoutbox == []
    jobs.run()
    by_to = {m.to[0]: m for m in mailoutbox}
    spanish, english = by_to[officer.email], by_to[facilitator.email]
    assert spanish.subject == f"PROFO: {network.name}: Ana envió la postulación a revisión"
    assert "Hola" in spanish.body and "https://profo.example.cl/networks/" in spanish.body
    assert "https://profo.example.cl/notifications/settings/" in spanish.body
    assert english.subject == f"PROFO: {network.name}: application submitted for review by Ana"
    assert set(Notification.objects.values_list("mail", flat=True)) == {"sent"}
    jobs.run()  # nothing waits: nothing twice
    assert len(mailoutbox) == 2


def test_a_failing_mail_keeps_its_error_and_ends_failed_after_the_last_try(officer, jobs):
    [row] = tell([officer])
    with mock.patch.object(N, "_send", side_effect=ConnectionRefusedError("refused")):
        with pytest.raises(ConnectionRefusedError):
            N.notification_mail_send(notification_id=row.pk)
        row.refresh_from_db()
        assert (row.mail, row.mail_attempts) == ("pending", 1)
        assert row.mail_error == "ConnectionRefusedError: refused"
        Notification.objects.filter(pk=row.pk).update(mail_attempts=MAIL_ATTEMPTS - 1)
        with pytest.raises(ConnectionRefusedError):
            N.notification_mail_send(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.mail, row.mail_attempts) == ("failed", MAIL_ATTEMPTS)
    assert N.notification_mail_send(notification_id=row.pk) is False  # failed: not retried


def test_one_recipients_failure_does_not_stop_anothers_mail(officer, agency_admin, mailoutbox,
                                                             jobs):  # fmt: skip
    tell([officer, agency_admin])
    real_send = N._send

    def refuse_officer(user, subject, body):
        if user.pk == officer.pk:
            raise ConnectionRefusedError("refused")
        real_send(user, subject, body)

    with mock.patch.object(N, "_send", side_effect=refuse_officer):
        assert jobs.run() == 1
    assert [m.to for m in mailoutbox] == [[agency_admin.email]]
    assert Notification.objects.get(recipient=officer).mail_attempts == 1


def test_the_digest_goes_once_a_day_with_everything_waiting(officer, mailoutbox, jobs):
    NotificationPreference.objects.create(user=officer, kind=Kind.APPLICATION_SUBMITTED,
                                          channel=Channel.DIGEST)  # fmt: skip
    tell([officer], params={"actor": "Ana"})
    tell([officer], params={"actor": "Beto"})
    assert jobs.deferred(MAIL) == []
    today = datetime.date(2026, 12, 4)
    assert N.digests_queue(today=today) == 1
    assert N.digests_queue(today=today) == 0  # a second run (another worker): nothing more
    jobs.run()
    [digest] = mailoutbox
    assert digest.subject == "PROFO: 2 notifications today"
    assert "by Ana" in digest.body and "by Beto" in digest.body
    assert set(Notification.objects.values_list("mail", flat=True)) == {"sent"}
    tell([officer], params={"actor": "Carla"})
    assert N.digests_queue(today=today) == 0  # already one today
    assert N.digests_queue(today=today + datetime.timedelta(days=1)) == 1
    jobs.run()
    assert len(mailoutbox) == 2 and "Carla" in mailoutbox[1].body
    assert DigestSent.objects.count() == 2


def test_preferences_refuse_an_unknown_channel(officer):
    with pytest.raises(ValidationError):
        N.preferences_set(user=officer, channels={Kind.DUES_CHARGED: "pigeon"})
    N.preferences_set(user=officer, channels={Kind.DUES_CHARGED: Channel.IN_APP})
    N.preferences_set(user=officer, channels={Kind.DUES_CHARGED: Channel.IMMEDIATE})
    assert NotificationPreference.objects.get(user=officer).channel == Channel.IMMEDIATE


def test_marking_read_is_for_the_recipient_only(officer, agency_admin):
    [row] = tell([officer])
    with pytest.raises(PermissionDenied):
        N.notification_mark_read(notification=row, actor=agency_admin)
    N.notification_mark_read(notification=row, actor=officer)
    row.refresh_from_db()
    assert row.read_at is not None
    assert N.notifications_mark_all_read(actor=officer) == 0


# --- who is told what -----------------------------------------------------------------------


def test_a_proposed_handover_is_told_to_the_other_officers(network, officer, agency_admin,
                                                           facilitator, jobs):  # fmt: skip
    builders.term_network(network, officer, months=36)
    Notification.objects.all().delete()
    firms = [m.firm for m in network.memberships.all()]
    term_services.handover_propose(
        network=network, actor=agency_admin, date=network.handover_due, manager=facilitator,
        monthly_salary=Decimal("1100000"),
        commitments={firm: Decimal(100) / len(firms) for firm in firms},
    )  # fmt: skip
    assert kinds_of(officer) == [Kind.HANDOVER_PROPOSED]
    assert kinds_of(agency_admin) == []  # the proposer cannot confirm it: not told
    row = Notification.objects.get(recipient=officer)
    assert row.url == f"/networks/{network.pk}/handover/"
    assert "another officer" in row.headline


@pytest.fixture
def ja_network(network):
    firms = builders.open_for_joint_actions(network, members=3)
    users = [factories.FirmMemberFactory(firm=firm) for firm in firms]
    return network, firms, users


def test_a_joint_action_waiting_for_a_firm_is_told_to_that_firms_users(ja_network, facilitator,
                                                                        jobs):  # fmt: skip
    network, firms, users = ja_network
    action = joint_action_services.joint_action_log(
        network=network, actor=users[0], type=builders.joint_action_type(network),
        title="Compra de madera", firms=firms[:2], status="planned",
    )  # fmt: skip
    assert kinds_of(users[0]) == []  # the logger's own firm is confirmed at once
    assert kinds_of(users[1]) == [Kind.JOINT_ACTION_TO_CONFIRM]
    assert kinds_of(users[2]) == []  # not a participant
    row = Notification.objects.get(recipient=users[1])
    assert row.headline == (
        f"{network.name}: confirm that {firms[1].name} took part in “Compra de madera”"
    )
    joint_action_services.joint_action_update(
        joint_action=action, actor=facilitator, firms=firms[:3]
    )
    assert kinds_of(users[2]) == [Kind.JOINT_ACTION_TO_CONFIRM]
    assert Notification.objects.filter(recipient=users[1]).count() == 1  # not told twice


def test_a_decline_is_told_to_the_facilitator(ja_network, facilitator, jobs):
    network, firms, users = ja_network
    action = joint_action_services.joint_action_log(
        network=network, actor=users[0], type=builders.joint_action_type(network),
        title="Feria", firms=firms[:3], status="planned",
    )  # fmt: skip
    joint_action_services.joint_action_decline(joint_action=action, actor=users[2])
    assert kinds_of(facilitator) == [Kind.JOINT_ACTION_DECLINED]
    assert (
        f"{firms[2].name} declined “Feria”"
        in Notification.objects.get(recipient=facilitator).headline
    )
    assert Notification.objects.filter(recipient=users[0], kind=Kind.JOINT_ACTION_DECLINED).exists()


def test_arrears_are_told_once_when_they_begin_and_again_after_a_clear_spell(
    network, officer, facilitator, jobs
):
    builders.term_network(network, officer, months=6, pay=False)
    firm = network.memberships.first().firm
    firm_user = factories.FirmMemberFactory(firm=firm)
    Notification.objects.all().delete()
    firms_count = network.memberships.count()
    assert term_services.arrears_check() == firms_count
    assert term_services.arrears_check() == 0  # the next day: still in arrears, not told again
    assert kinds_of(firm_user) == [Kind.ARREARS_BEGAN]
    assert Notification.objects.filter(recipient=facilitator).count() == firms_count
    # The firm pays everything: clear; then falls behind again later: told again.
    owed = sum(due.amount for due in Due.objects.filter(network=network, firm=firm))
    payment = Payment.objects.create(network=network, firm=firm, date=timezone.localdate(),
                                     amount=owed, recorded_by=facilitator)  # fmt: skip
    assert term_services.arrears_check() == 0
    assert not EventNotified.objects.filter(key=f"{network.pk}:{firm.pk}").exists()
    payment.delete()
    assert term_services.arrears_check() == 1
    assert kinds_of(firm_user) == [Kind.ARREARS_BEGAN] * 2


def test_this_months_dues_are_told_to_each_firms_users_not_the_old_months(network, officer,
                                                                           jobs):  # fmt: skip
    start = builders.add_months(timezone.localdate().replace(day=1), -5)
    builders.consolidating_network(network, officer, start=start)
    network.memberships.update(joined_on=builders.add_months(start, -1))
    firm_users = [
        factories.FirmMemberFactory(firm=membership.firm)
        for membership in network.memberships.select_related("firm")[:2]
    ]
    Notification.objects.all().delete()
    jobs.connector.reset()
    assert term_services.dues_catch_up(network=network) == 6
    rows = Notification.objects.filter(kind=Kind.DUES_CHARGED)
    # Six months charged at once: the firms hear of the last two, not the catch-up of the past.
    this_month = timezone.localdate().replace(day=1)
    months = {f"{builders.add_months(this_month, -1):%Y-%m}", f"{this_month:%Y-%m}"}
    for user in firm_users:
        told = rows.filter(recipient=user)
        assert {row.params["month"] for row in told} == months
        assert {row.params["firm"] for row in told} == {user.firm.name}
    assert rows.count() == 4
    assert {row.mail for row in rows} == {"digest"}  # the kind's default
    assert jobs.deferred(MAIL) == []


def test_a_network_newly_at_risk_is_told_to_its_agency_once_with_the_reason(
    network, officer, agency_admin, facilitator, other_network, jobs
):
    from networks import tasks

    officer.language = "es"
    officer.save(update_fields=["language"])
    builders.term_network(network, officer, months=6, pay=False)  # quiet, and in arrears
    Notification.objects.all().delete()
    tasks.check_risk(timestamp=0)
    assert kinds_of(officer) == [Kind.NETWORK_AT_RISK]
    assert kinds_of(agency_admin) == [Kind.NETWORK_AT_RISK]
    assert kinds_of(facilitator) == []  # the agency's staff, not the facilitator
    assert not Notification.objects.filter(recipient__agency=other_network.programme.agency)
    english = Notification.objects.get(recipient=agency_admin).headline
    spanish = Notification.objects.get(recipient=officer).params["reason"]
    assert english.startswith(f"{network.name} is at risk: No activity logged yet")
    assert spanish.startswith("Aún no hay actividades registradas")
    tasks.check_risk(timestamp=0)  # the next day, still at risk: not told again
    assert Notification.objects.filter(kind=Kind.NETWORK_AT_RISK).count() == 2
    # Out of risk (here: no longer in consolidation), then at risk again: told again.
    Network.objects.filter(pk=network.pk).update(phase=Network.Phase.INDEPENDENCE)
    tasks.check_risk(timestamp=0)
    assert not EventNotified.objects.filter(kind=Kind.NETWORK_AT_RISK).exists()
    Network.objects.filter(pk=network.pk).update(phase=Network.Phase.CONSOLIDATION)
    tasks.check_risk(timestamp=0)
    assert kinds_of(officer) == [Kind.NETWORK_AT_RISK] * 2
