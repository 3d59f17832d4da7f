"""The agency's people: invitations (expiry, single use, who may invite whom), roles that
would strand a network, deactivation that ends sessions and tokens."""

import datetime
import re
import socket

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from networks.models import ApiToken, Invitation, Network, User, UserSession
from networks.services import people as people_services
from tests import factories

pytestmark = pytest.mark.django_db


def _invite(actor, **kwargs):
    kwargs.setdefault("email", "nueva@example.com")
    kwargs.setdefault("role", User.Role.FACILITATOR)
    return people_services.invitation_create(actor=actor, **kwargs)


def _token_from_mail(jobs) -> str:
    """The link's token in the last invitation mail, once the worker has sent it."""
    jobs.run("invitation_mail")
    body = mail.outbox[-1].body
    return re.search(r"/invitation/([^/\s]+)/", body).group(1)


def test_an_invitation_is_mailed_by_a_worker_and_only_its_digest_is_kept(agency_admin, jobs):
    invitation = _invite(agency_admin, language="es")
    assert mail.outbox == []  # a job, not a mail inside the request
    assert [job["args"] for job in jobs.deferred("invitation_mail")] == [
        {"invitation_id": invitation.pk}  # the token waits in no table, the job's included
    ]
    assert jobs.run("invitation_mail") == 1
    assert [m.to for m in mail.outbox] == [["nueva@example.com"]]
    assert "invita" in mail.outbox[0].subject  # in the invitation's language
    token = re.search(r"/invitation/([^/\s]+)/", mail.outbox[0].body).group(1)
    invitation.refresh_from_db()
    assert token not in invitation.token_digest
    assert invitation.token_digest == people_services.token_digest(token)
    assert people_services.invitation_for_token(token) == invitation
    assert invitation.history.count() == 1  # the worker's link is not an audit row
    assert invitation.history.first().history_user == agency_admin


def test_an_invitation_withdrawn_before_the_worker_came_is_not_mailed(agency_admin, jobs):
    invitation = _invite(agency_admin)
    people_services.invitation_revoke(actor=agency_admin, invitation=invitation)
    assert jobs.run("invitation_mail") == 1
    assert mail.outbox == []


def test_a_failed_invitation_mail_keeps_no_link_and_the_retry_sends_one(
    agency_admin, jobs, settings
):
    invitation = _invite(agency_admin)
    before = Invitation.objects.get(pk=invitation.pk).token_digest
    # The mail server refuses: nothing listens on the port.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_TIMEOUT = "127.0.0.1", 1
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = unused.getsockname()[1]
    assert jobs.run("invitation_mail") == 0  # the worker's try failed: the job retries later
    assert Invitation.objects.get(pk=invitation.pk).token_digest == before  # rolled back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    people_services.invitation_resend(actor=agency_admin, invitation=invitation)
    token = _token_from_mail(jobs)
    assert people_services.invitation_for_token(token).pk == invitation.pk


def test_the_link_works_once(agency_admin, jobs):
    _invite(agency_admin, first_name="Rosa")
    token = _token_from_mail(jobs)
    user = people_services.invitation_accept(token=token, password="una-clave-larga-2026")
    assert (user.username, user.role, user.agency, user.first_name) == (
        "nueva@example.com", User.Role.FACILITATOR, agency_admin.agency, "Rosa"
    )  # fmt: skip
    assert user.check_password("una-clave-larga-2026")
    with pytest.raises(ValidationError) as error:
        people_services.invitation_accept(token=token, password="otra-clave-larga-2026")
    assert error.value.messages == [str(people_services.INVITATION_USED)]
    assert User.objects.filter(email="nueva@example.com").count() == 1


def test_an_expired_or_withdrawn_link_opens_nothing(agency_admin, jobs):
    invitation = _invite(agency_admin)
    token = _token_from_mail(jobs)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError) as error:
        people_services.invitation_accept(token=token, password="una-clave-larga-2026")
    assert error.value.messages == [str(people_services.INVITATION_EXPIRED)]
    # Sent again: a new link, the old one dead.
    people_services.invitation_resend(actor=agency_admin, invitation=invitation)
    new_token = _token_from_mail(jobs)
    assert new_token != token
    with pytest.raises(ValidationError):
        people_services.invitation_accept(token=token, password="una-clave-larga-2026")
    people_services.invitation_revoke(actor=agency_admin, invitation=invitation)
    with pytest.raises(ValidationError) as error:
        people_services.invitation_accept(token=new_token, password="una-clave-larga-2026")
    assert error.value.messages == [str(people_services.INVITATION_REVOKED)]
    assert not User.objects.filter(email="nueva@example.com").exists()


def test_a_weak_password_is_refused_by_the_sites_validators(agency_admin, jobs):
    _invite(agency_admin)
    with pytest.raises(ValidationError) as error:
        people_services.invitation_accept(token=_token_from_mail(jobs), password="123")
    assert "password" in error.value.message_dict
    assert not User.objects.filter(email="nueva@example.com").exists()


def test_an_unknown_token_is_refused():
    with pytest.raises(ValidationError) as error:
        people_services.invitation_accept(token="made-up", password="una-clave-larga-2026")
    assert error.value.messages == [str(people_services.INVITATION_UNKNOWN)]


def test_a_taken_email_or_an_open_invitation_is_refused(agency_admin, officer):
    with pytest.raises(ValidationError) as error:
        _invite(agency_admin, email=officer.email.upper())
    assert error.value.message_dict["email"] == [str(people_services.EMAIL_TAKEN)]
    _invite(agency_admin)
    with pytest.raises(ValidationError) as error:
        _invite(agency_admin)
    assert error.value.message_dict["email"] == [str(people_services.INVITATION_ALREADY_OPEN)]


def test_who_invites_whom(agency_admin, officer, facilitator, firm_user, member_firm, network):
    # Staff and facilitators invite firm contacts of their networks, never staff.
    with pytest.raises(PermissionDenied):
        _invite(officer, email="x@example.com", role=User.Role.AGENCY_STAFF)
    with pytest.raises(PermissionDenied):
        _invite(firm_user, email="x@example.com", role=User.Role.FIRM_MEMBER, firm=member_firm)
    made = _invite(facilitator, email="c@example.com", role=User.Role.FIRM_MEMBER, firm=member_firm)
    assert (made.agency_id, made.firm) == (network.programme.agency_id, member_firm)
    # A firm of another agency's network is not theirs to invite for.
    foreign = factories.MembershipFactory(network=factories.NetworkFactory()).firm
    with pytest.raises(PermissionDenied):
        _invite(agency_admin, email="f@example.com", role=User.Role.FIRM_MEMBER, firm=foreign)
    with pytest.raises(ValidationError) as error:
        _invite(agency_admin, email="g@example.com", role=User.Role.FIRM_MEMBER)
    assert error.value.message_dict["firm"] == [str(people_services.FIRM_REQUIRED)]


def test_demoting_the_facilitator_of_running_networks_is_refused_with_the_networks(
    agency_admin, facilitator, network
):
    with pytest.raises(ValidationError) as error:
        people_services.user_role_change(
            actor=agency_admin, person=facilitator, role=User.Role.AGENCY_STAFF
        )
    assert network.name in error.value.messages[0]
    facilitator.refresh_from_db()
    assert facilitator.role == User.Role.FACILITATOR
    # Once the network is dissolved, it no longer needs them.
    Network.objects.filter(pk=network.pk).update(phase=Network.Phase.DISSOLVED)
    people_services.user_role_change(
        actor=agency_admin, person=facilitator, role=User.Role.AGENCY_STAFF, reason="Moved."
    )
    facilitator.refresh_from_db()
    assert facilitator.role == User.Role.AGENCY_STAFF
    row = facilitator.history.first()
    assert (row.history_user, row.history_change_reason, row.role) == (
        agency_admin, "Moved.", User.Role.AGENCY_STAFF
    )  # fmt: skip


def test_the_last_admin_stays_and_nobody_changes_themselves(agency_admin, agency):
    other = factories.AgencyAdminFactory(agency=agency)
    with pytest.raises(ValidationError) as error:
        people_services.user_role_change(
            actor=agency_admin, person=agency_admin, role=User.Role.AGENCY_STAFF
        )
    assert error.value.messages == [str(people_services.NOT_YOURSELF)]
    people_services.user_role_change(actor=agency_admin, person=other, role=User.Role.AGENCY_STAFF)
    other.refresh_from_db()
    # agency_admin is now the only admin: another admin cannot exist to demote them, and
    # deactivating the only admin is refused.
    third = factories.AgencyAdminFactory(agency=agency)
    User.objects.filter(pk=agency_admin.pk).update(is_active=False)
    with pytest.raises(ValidationError) as error:
        people_services.user_deactivate(actor=agency_admin, person=third, reason="Left.")
    assert error.value.messages == [str(people_services.LAST_ADMIN)]


def test_another_agencys_person_is_not_found(agency_admin, outsider_officer):
    with pytest.raises(Http404):
        people_services.user_deactivate(actor=agency_admin, person=outsider_officer, reason="x")
    with pytest.raises(Http404):
        people_services.user_role_change(
            actor=agency_admin, person=outsider_officer, role=User.Role.FACILITATOR
        )


def test_deactivation_needs_a_reason_and_ends_sessions_and_tokens(agency_admin, officer, client):
    client.force_login(officer)
    ApiToken.objects.create(user=officer)
    assert UserSession.objects.filter(user=officer).exists()
    with pytest.raises(ValidationError) as error:
        people_services.user_deactivate(actor=agency_admin, person=officer, reason=" ")
    assert error.value.message_dict["reason"] == [str(people_services.DEACTIVATION_REASON_REQUIRED)]
    people_services.user_deactivate(actor=agency_admin, person=officer, reason="Left the agency.")
    officer.refresh_from_db()
    assert not officer.is_active
    assert not ApiToken.objects.filter(user=officer).exists()
    assert not UserSession.objects.filter(user=officer).exists()
    assert officer.history.first().history_change_reason == "Left the agency."
    people_services.user_reactivate(actor=agency_admin, person=officer)
    officer.refresh_from_db()
    assert officer.is_active
    assert not ApiToken.objects.filter(user=officer).exists()  # old credentials stay ended


def test_a_facilitator_with_running_networks_is_not_deactivated(agency_admin, facilitator, network):
    with pytest.raises(ValidationError) as error:
        people_services.user_deactivate(actor=agency_admin, person=facilitator, reason="Left.")
    assert network.name in error.value.messages[0]
    facilitator.refresh_from_db()
    assert facilitator.is_active


def test_a_login_writes_no_history_row(client, officer):
    rows = officer.history.count()
    client.force_login(officer)
    officer.refresh_from_db()
    assert officer.last_login is not None
    assert officer.history.count() == rows
