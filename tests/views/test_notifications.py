"""The inbox, its bell, the notification settings and the failed e-mails page (issue 15)."""

import pytest
from django.urls import reverse

from networks.models import Channel, Kind, Notification, NotificationPreference
from networks.rules import NOTIFICATIONS_PER_PAGE
from networks.services import notifications as notification_services
from networks.services.notifications import ALL_MARKED_READ, PREFERENCES_SAVED
from tests.views.conftest import shows

pytestmark = pytest.mark.django_db

INBOX_QUERIES = 5  # session, user, the bell's count, page count, the page


def told(user, network=None, count=1, **params):
    rows = []
    for n in range(count):
        rows += notification_services.notify(
            kind=Kind.APPLICATION_DECIDED, recipients=[user], network=network,
            url=f"/networks/{network.pk}/" if network else "",
            params={"decision": "approved", "n": n, **params},
        )  # fmt: skip
    return rows


def test_the_bell_counts_the_unread_and_the_inbox_lists_newest_first(
    client, facilitator, officer, network, django_assert_max_num_queries
):
    first, second = told(facilitator, network, count=2)
    told(officer, network)  # someone else's
    client.force_login(facilitator)
    with django_assert_max_num_queries(INBOX_QUERIES):
        response = client.get(reverse("networks:notification-list"))
    html = response.content.decode()
    assert '<span class="badge rounded-pill text-bg-warning">2<' in html
    assert list(response.context["page"].object_list) == [second, first]
    line = f'<span class="fw-semibold">{network.name}: the application was approved</span>'
    assert html.count(line) == 2
    told(facilitator, network, count=NOTIFICATIONS_PER_PAGE)
    with django_assert_max_num_queries(INBOX_QUERIES):
        response = client.get(reverse("networks:notification-list"), {"page": 2})
    assert len(response.context["page"].object_list) == 2


def test_home_shows_the_bell_without_a_count_when_all_is_read(client, facilitator, network):
    [row] = told(facilitator, network)
    client.force_login(facilitator)
    assert "text-bg-warning" in client.get(reverse("networks:notification-list")).content.decode()
    response = client.post(reverse("networks:notification-read", args=[row.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == f"/networks/{network.pk}/"
    row.refresh_from_db()
    assert row.read_at is not None
    html = client.get(reverse("networks:notification-list")).content.decode()
    assert "text-bg-warning" not in html and "Mark all as read" not in html


def test_mark_all_read_marks_only_ones_own(client, facilitator, officer, network):
    told(facilitator, network, count=3)
    [theirs] = told(officer, network)
    client.force_login(facilitator)
    response = client.post(reverse("networks:notification-read-all"), follow=True)
    assert shows(response, str(ALL_MARKED_READ))
    assert not Notification.objects.filter(recipient=facilitator, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_users_notification_is_not_found(client, facilitator, officer, network):
    [theirs] = told(officer, network)
    client.force_login(facilitator)
    response = client.post(reverse("networks:notification-read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_needs_a_login(client):
    response = client.get(reverse("networks:notification-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_settings_show_each_kind_with_its_channel_and_save_the_choice(client, firm_user):
    client.force_login(firm_user)
    page = client.get(reverse("networks:notification-preferences"))
    form = page.context["form"]
    assert list(form.fields) == [  # the kinds a firm's user is told about
        Kind.HANDOVER_REMINDER, Kind.JOINT_ACTION_TO_CONFIRM, Kind.JOINT_ACTION_DECLINED,
        Kind.ATTENDANCE_TO_CONFIRM, Kind.DUES_CHARGED, Kind.ARREARS_BEGAN,
    ]  # fmt: skip
    assert form.fields[Kind.DUES_CHARGED].initial == Channel.DIGEST  # the default
    data = dict.fromkeys(Kind.values, Channel.IMMEDIATE)
    data[Kind.DUES_CHARGED] = Channel.IN_APP
    response = client.post(reverse("networks:notification-preferences"), data, follow=True)
    assert shows(response, str(PREFERENCES_SAVED))
    chosen = dict(
        NotificationPreference.objects.filter(user=firm_user).values_list("kind", "channel")
    )
    assert chosen[Kind.DUES_CHARGED] == Channel.IN_APP and len(chosen) == len(form.fields)
    again = client.get(reverse("networks:notification-preferences"))
    assert again.context["form"].fields[Kind.DUES_CHARGED].initial == Channel.IN_APP


def test_settings_refuse_an_unknown_channel(client, firm_user):
    client.force_login(firm_user)
    data = dict.fromkeys(Kind.values, Channel.IMMEDIATE)
    data[Kind.DUES_CHARGED] = "pigeon"
    response = client.post(reverse("networks:notification-preferences"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[Kind.DUES_CHARGED]
    assert not NotificationPreference.objects.exists()


def test_settings_in_spanish(client, firm_user):
    client.force_login(firm_user)
    html = client.get(
        reverse("networks:notification-preferences"), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Preferencias de avisos" in html and "Resumen diario por correo" in html


def test_failed_mails_page_is_for_agency_admins_and_shows_their_agency_only(
    client, agency_admin, officer, network, facilitator, other_network
):
    mine = told(facilitator, network)[0]
    other_facilitator = other_network.facilitator
    theirs = told(other_facilitator, other_network)[0]
    Notification.objects.filter(pk__in=[mine.pk, theirs.pk]).update(
        mail="failed", mail_attempts=17, mail_error="SMTPRecipientsRefused: refused"
    )
    client.force_login(officer)
    assert client.get(reverse("networks:failed-mail-list")).status_code == 403
    client.force_login(agency_admin)
    response = client.get(reverse("networks:failed-mail-list"))
    assert list(response.context["page"].object_list) == [mine]
    html = response.content.decode()
    assert facilitator.email in html and "SMTPRecipientsRefused" in html
    assert other_facilitator.email not in html
    assert "1 e-mail to your agency" in html


def test_an_outsider_gets_nothing_of_anothers_inbox(client, outsider_officer, facilitator, network):
    told(facilitator, network)
    client.force_login(outsider_officer)
    response = client.get(reverse("networks:notification-list"))
    assert list(response.context["page"].object_list) == []
    assert network.name not in response.content.decode()
