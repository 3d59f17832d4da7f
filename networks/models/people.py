"""Invitations: how an agency brings its staff, facilitators and firm contacts in. The link in
the e-mail carries a secret token; only its SHA-256 digest is stored, so that a copy of the
database opens no account. A link works once and until `expires_at`."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.models.agencies import Agency, User
from networks.models.base import HistoricalRecords
from networks.models.firms import Firm


class Invitation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("withdrawn")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("agency")
    )
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=User.Role.choices)
    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations",
        verbose_name=_("firm"),
    )  # fmt: skip
    language = models.CharField(_("language"), max_length=8, blank=True)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("account"),
    )  # fmt: skip
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token_digest"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="firm_member") | Q(firm__isnull=False),
                name="invitation_firm_member_has_firm",
            ),
        ]
        indexes = [models.Index(fields=["agency", "-created_at"], name="invitation_agency_idx")]

    def __str__(self) -> str:
        return self.email

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
