"""Quality certifications per firm (the broker's third task: ISO 9000, GMP, domain.md 4b)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import NAME_MAX_LENGTH, long_text, text_length_checks
from networks.models.agencies import User
from networks.models.base import HistoricalRecords
from networks.models.firms import Firm
from networks.models.lifecycle import Network


def evidence_path(instance, filename: str) -> str:
    # A random name: the original name is kept in the row, never in the path.
    import uuid

    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Certification(models.Model):
    """One standard a firm works towards or holds, with its evidence.

    A firm's figure, read as its indicators are (`access.readable_certifications` mirrors
    `access.readable_indicators`): recorded *for* one network, or the firm's own record (no
    network), which a network reads only where the firm shares its figures with it.
    """

    class Status(models.TextChoices):
        PREPARING = "preparing", _("preparing")
        AUDITED = "audited", _("audited")
        CERTIFIED = "certified", _("certified")
        LAPSED = "lapsed", _("lapsed")

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="certifications", verbose_name=_("firm")
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certifications",
        verbose_name=_("recorded for"),
        help_text=_("The network this was recorded for; empty for the firm's own record."),
    )
    standard = models.CharField(_("standard"), max_length=120)
    certifier = models.CharField(_("certifier"), max_length=NAME_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PREPARING
    )
    started_on = models.DateField(_("work started on"), null=True, blank=True)
    audited_on = models.DateField(_("audited on"), null=True, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    notes = long_text(_("notes"), blank=True)
    evidence = models.FileField(
        _("evidence"), upload_to=evidence_path, max_length=NAME_MAX_LENGTH, blank=True
    )
    evidence_name = models.CharField(_("file name"), max_length=NAME_MAX_LENGTH, blank=True)
    evidence_type = models.CharField(_("content type"), max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["firm", "standard", "pk"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        indexes = [models.Index(fields=["network", "status"])]
        constraints = [
            # Certified and lapsed say when the firm was certified: "before joining" needs it.
            models.CheckConstraint(
                condition=Q(status__in=["preparing", "audited"]) | Q(certified_on__isnull=False),
                name="certification_certified_has_date",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(certified_on__isnull=True)
                | Q(expires_on__gt=models.F("certified_on")),
                name="certification_expires_after_certified",
            ),
            *text_length_checks("certification", "notes"),
        ]

    def __str__(self) -> str:
        return f"{self.standard} ({self.firm})"
