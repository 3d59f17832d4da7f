"""The agency's people: invitations (staff, facilitators, firm contacts), roles, deactivation.

Every change writes a history row (django-simple-history, on User and Invitation) with who made
it and, where it matters, why; the console's audit page reads them. An invitation's e-mail is
a job (services.notifications.invitation_mail_send): the worker makes the link's token as it
sends, so the token is stored nowhere, not even in the job table; only its digest is kept
(networks.models.people).
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.models import Firm, Invitation, Network, User
from networks.services import history as history_services
from networks.services import jobs

EMAIL_REQUIRED = _("Give the person's e-mail address.")
EMAIL_TAKEN = _("Someone already has an account with this e-mail address.")
INVITATION_ALREADY_OPEN = _(
    "This person already has an open invitation: send it again from the list of invitations."
)
FIRM_REQUIRED = _("Choose the firm this contact works for.")
FIRM_NOT_FOR_THIS_ROLE = _("Only a firm contact belongs to a firm.")
ROLE_UNKNOWN = _("Choose one of the roles.")
INVITATION_UNKNOWN = _("This invitation link is not valid. Ask the agency for a new one.")
INVITATION_USED = _("This invitation was already used. Log in with the password you chose.")
INVITATION_EXPIRED = _("This invitation has expired. Ask the agency to send you a new one.")
INVITATION_REVOKED = _("This invitation was withdrawn. Ask the agency if you need access.")
INVITATION_NOT_OPEN = _("Only an open or expired invitation can be sent again or withdrawn.")
ROLE_OF_FIRM_CONTACT = _(
    "A firm contact's role comes with their firm: invite them again to give them another role."
)
ROLE_TO_FIRM_CONTACT = _("Staff become firm contacts only by an invitation from that firm.")
ROLE_STRANDS_NETWORKS = _(
    "%(name)s is the facilitator of %(count)s running networks (%(networks)s). Replace the "
    "manager on each of them first, so that no network is left without one."
)
LAST_ADMIN = _("The agency needs an active admin: make someone else an admin first.")
NOT_YOURSELF = _("You cannot deactivate your own account or change your own role.")
ALREADY_INACTIVE = _("This account is already deactivated.")
ALREADY_ACTIVE = _("This account is already active.")
DEACTIVATION_REASON_REQUIRED = _("Say why the account is deactivated: it is kept in the audit.")

STAFF_ROLES = (User.Role.AGENCY_ADMIN, User.Role.AGENCY_STAFF, User.Role.FACILITATOR)
RUNNING_PHASES = (
    Network.Phase.PREPARATION,
    Network.Phase.CONSOLIDATION,
    Network.Phase.INDEPENDENCE,
)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(invitation: Invitation) -> str:
    """A new token for the invitation's link, and a new expiry; the old link stops working.
    Only the digest is kept on the row (the caller saves it); the token goes into the mail."""
    token = secrets.token_urlsafe(32)
    invitation.token_digest = token_digest(token)
    invitation.expires_at = timezone.now() + datetime.timedelta(
        days=settings.INVITATION_EXPIRY_DAYS
    )
    return token


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("networks:invitation-accept", args=[token])


def _schedule_mail(invitation: Invitation) -> None:
    # In the caller's transaction: no mail for an invitation that rolled back.
    jobs.defer("invitation_mail", invitation_id=invitation.pk)


def _check_invitee(agency, email: str, role: str, firm: Firm | None) -> dict:
    errors = {}
    if not email:
        errors["email"] = [EMAIL_REQUIRED]
    elif (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    ):
        errors["email"] = [EMAIL_TAKEN]
    elif any(i.is_open for i in Invitation.objects.filter(agency=agency, email__iexact=email)):
        errors["email"] = [INVITATION_ALREADY_OPEN]
    if role not in User.Role.values:
        errors["role"] = [ROLE_UNKNOWN]
    elif role == User.Role.FIRM_MEMBER and firm is None:
        errors["firm"] = [FIRM_REQUIRED]
    elif role != User.Role.FIRM_MEMBER and firm is not None:
        errors["firm"] = [FIRM_NOT_FOR_THIS_ROLE]
    return errors


@transaction.atomic
def invitation_create(
    *, actor: User, email: str, role: str, firm: Firm | None = None, first_name: str = "",
    last_name: str = "", language: str = "",
) -> Invitation:  # fmt: skip
    """Invite someone to the actor's agency; the e-mail goes out once this commits.

    Agency admins invite any role; staff and facilitators invite contacts of the firms they
    work with (access.can_invite)."""
    access.require(access.can_invite(actor, role=role, firm=firm))
    email = (email or "").strip().lower()
    errors = _check_invitee(actor.agency, email, role, firm)
    if language and language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the site's languages.")]
    if errors:
        raise ValidationError(errors)
    invitation = Invitation(
        agency_id=actor.agency_id, email=email, role=role, firm=firm, invited_by=actor,
        first_name=first_name.strip(), last_name=last_name.strip(), language=language,
    )  # fmt: skip
    new_link(invitation)  # a link nobody knows until the worker mails a fresh one
    history_services.with_reason(invitation, actor=actor, reason="")
    invitation.save()
    _schedule_mail(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, actor: User, invitation: Invitation) -> Invitation:
    """A new link (the old one stops working) and a new expiry, by e-mail again."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    access.require(access.can_invite(actor, role=locked.role, firm=locked.firm))
    if locked.accepted_at or locked.revoked_at:
        raise ValidationError(INVITATION_NOT_OPEN)
    new_link(locked)  # the old link stops working now, before the new mail goes out
    history_services.with_reason(locked, actor=actor, reason="")
    locked.save(update_fields=["token_digest", "expires_at"])
    _schedule_mail(locked)
    return locked


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    access.require(access.can_invite(actor, role=locked.role, firm=locked.firm))
    if locked.accepted_at or locked.revoked_at:
        raise ValidationError(INVITATION_NOT_OPEN)
    locked.revoked_at = timezone.now()
    history_services.with_reason(locked, actor=actor, reason="")
    locked.save(update_fields=["revoked_at"])
    return locked


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link names, if it can still be accepted; ValidationError saying why
    not otherwise (unknown, used, withdrawn, expired)."""
    invitation = (
        Invitation.objects.select_related("agency", "firm")
        .filter(token_digest=token_digest(token or ""))
        .first()
    )
    if invitation is None:
        raise ValidationError(INVITATION_UNKNOWN)
    if invitation.accepted_at:
        raise ValidationError(INVITATION_USED)
    if invitation.revoked_at:
        raise ValidationError(INVITATION_REVOKED)
    if invitation.expires_at <= timezone.now():
        raise ValidationError(INVITATION_EXPIRED)
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """The invited person's account, with the password they chose (the site's validators).
    The link works once: the invitation is locked, and a second use finds it accepted."""
    found = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    invitation = invitation_for_token(token)  # again, now that no one else holds it
    email = invitation.email
    if (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(EMAIL_TAKEN)
    user = User(
        username=email, email=email, role=invitation.role,
        first_name=(first_name or invitation.first_name).strip(),
        last_name=(last_name or invitation.last_name).strip(),
        agency_id=invitation.agency_id if invitation.role in STAFF_ROLES else None,
        firm_id=invitation.firm_id, language=invitation.language,
    )  # fmt: skip
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.user = user
    history_services.with_reason(invitation, actor=user, reason="")
    invitation.save(update_fields=["accepted_at", "user"])
    return user


# --- roles and deactivation -------------------------------------------------------------------


def running_networks_of(person: User):
    return Network.objects.filter(facilitator=person, phase__in=RUNNING_PHASES).order_by("name")


def _require_not_stranding(person: User) -> None:
    """A facilitator who still runs networks keeps the role (and the account) until those
    networks have another manager."""
    if person.role != User.Role.FACILITATOR:
        return
    names = list(running_networks_of(person).values_list("name", flat=True))
    if names:
        raise ValidationError(
            ROLE_STRANDS_NETWORKS
            % {
                "name": person.get_full_name() or person.username,
                "count": len(names),
                "networks": ", ".join(names),
            }  # fmt: skip
        )


def _require_another_admin(person: User) -> None:
    if person.role != User.Role.AGENCY_ADMIN:
        return
    others = User.objects.filter(
        agency_id=person.agency_id, role=User.Role.AGENCY_ADMIN, is_active=True
    ).exclude(pk=person.pk)
    if not others.exists():
        raise ValidationError(LAST_ADMIN)


@transaction.atomic
def user_role_change(*, actor: User, person: User, role: str, reason: str = "") -> User:
    """Another role within the agency (admin, staff, facilitator). Refused when it would leave
    a running network without its facilitator or the agency without an admin."""
    access.get_agency_person_or_404(actor, person.pk)
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.pk == actor.pk:
        raise ValidationError(NOT_YOURSELF)
    if person.role == User.Role.FIRM_MEMBER:
        raise ValidationError({"role": [ROLE_OF_FIRM_CONTACT]})
    if role == User.Role.FIRM_MEMBER:
        raise ValidationError({"role": [ROLE_TO_FIRM_CONTACT]})
    if role not in STAFF_ROLES:
        raise ValidationError({"role": [ROLE_UNKNOWN]})
    reason = history_services.clean_reason(reason, needed=False, message="")
    if role == person.role:
        return person
    _require_not_stranding(person)
    _require_another_admin(person)
    person.role = role
    history_services.with_reason(person, actor=actor, reason=reason)
    person.save(update_fields=["role"])
    return person


@transaction.atomic
def user_deactivate(*, actor: User, person: User, reason: str) -> User:
    """No more logins: every session and API token of the person ends (networks.signals, on
    the save of is_active=False). Their records stay, with their name on them."""
    access.get_agency_person_or_404(actor, person.pk)
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.pk == actor.pk:
        raise ValidationError(NOT_YOURSELF)
    if not person.is_active:
        raise ValidationError(ALREADY_INACTIVE)
    reason = history_services.clean_reason(
        reason, needed=True, message=DEACTIVATION_REASON_REQUIRED
    )
    _require_not_stranding(person)
    _require_another_admin(person)
    person.is_active = False
    history_services.with_reason(person, actor=actor, reason=reason)
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
def user_reactivate(*, actor: User, person: User, reason: str = "") -> User:
    """The account opens again; the old sessions and tokens stay ended (a new login is needed)."""
    access.get_agency_person_or_404(actor, person.pk)
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        raise ValidationError(ALREADY_ACTIVE)
    reason = history_services.clean_reason(reason, needed=False, message="")
    person.is_active = True
    history_services.with_reason(person, actor=actor, reason=reason)
    person.save(update_fields=["is_active"])
    return person
