"""How a firm's answer to "did you take part?" was obtained: the fields that a confirmation
(a participant's or an attendance row) and a decline record share (docs/records.md)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import NAME_MAX_LENGTH, long_text


class ConfirmationMethod(models.TextChoices):
    SELF = "self", _("by the firm in PROFO")
    LINK = "link", _("through the e-mailed link")
    PHONE = "phone", _("by phone")
    IN_PERSON = "in_person", _("in person")
    PAPER = "paper", _("on signed paper")
    EMAIL = "email", _("by e-mail")


# The ways a facilitator obtains a firm's answer and records it on the firm's behalf.
ON_BEHALF_METHODS = (
    ConfirmationMethod.PHONE, ConfirmationMethod.IN_PERSON, ConfirmationMethod.PAPER,
    ConfirmationMethod.EMAIL,
)  # fmt: skip


def confirmation_evidence_path(instance, filename: str) -> str:
    # A random name: the original name is kept in the row, never in the path.
    return f"confirmations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ConfirmationAnswer(models.Model):
    """How the answer came (the firm itself, the e-mailed link, or the facilitator on the firm's
    behalf), the facilitator's note and an optional scan of a signed paper or e-mail."""

    confirmation_method = models.CharField(
        _("how it was obtained"), max_length=20, choices=ConfirmationMethod.choices, blank=True
    )
    confirmation_note = long_text(_("note"), blank=True)
    confirmation_evidence = models.FileField(
        _("attachment"), upload_to=confirmation_evidence_path, max_length=NAME_MAX_LENGTH,
        blank=True,
    )  # fmt: skip
    confirmation_evidence_name = models.CharField(
        _("file name"), max_length=NAME_MAX_LENGTH, blank=True
    )
    confirmation_evidence_type = models.CharField(_("content type"), max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def recorded_on_behalf(self) -> bool:
        """The facilitator recorded the firm's answer (marked as such wherever it shows)."""
        return self.confirmation_method in ON_BEHALF_METHODS

    @property
    def method_label(self) -> str:
        method = self.confirmation_method
        return str(ConfirmationMethod(method).label) if method else ""
