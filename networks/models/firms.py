"""Firms: the small businesses that join networks (Chilean RUTs as tax ids)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import NAME_MAX_LENGTH
from networks.lib.taxid import format_rut
from networks.models.base import HistoricalRecords


class Firm(models.Model):
    class Size(models.TextChoices):
        MICRO = "micro", _("micro")
        SMALL = "small", _("small")
        MEDIUM = "medium", _("medium")
        LARGE = "large", _("large")

    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    # Stored normalised (digits, dash, check digit: "76123456-7"); shown with dots.
    tax_id = models.CharField(_("tax id"), max_length=20, unique=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=NAME_MAX_LENGTH, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("firm")
        verbose_name_plural = _("firms")

    def __str__(self) -> str:
        return self.name

    @property
    def tax_id_display(self) -> str:
        return format_rut(self.tax_id)

    @property
    def size_class(self) -> str:
        """Size by employees, after Chile's usual bands (micro < 10, small < 50, medium < 200)."""
        if self.employees is None:
            return ""
        if self.employees < 10:
            return self.Size.MICRO
        if self.employees < 50:
            return self.Size.SMALL
        if self.employees < 200:
            return self.Size.MEDIUM
        return self.Size.LARGE

    def get_size_class_display(self) -> str:
        return self.Size(self.size_class).label if self.size_class else ""
