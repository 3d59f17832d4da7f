"""The agency's catalogue of support providers and services, and the firms' take-up."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import NAME_MAX_LENGTH, long_text, text_length_checks
from networks.models.agencies import Agency, User
from networks.models.base import HistoricalRecords
from networks.models.firms import Firm
from networks.models.lifecycle import Network


class SupportProvider(models.Model):
    """A public or private body offering support services (SERCOTEC, CORFO, a university...)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="providers", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)

    class Meta:
        ordering = ["name"]
        verbose_name = _("support provider")
        verbose_name_plural = _("support providers")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="provider_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SupportService(models.Model):
    class Category(models.TextChoices):
        TRAINING = "training", _("training")
        CREDIT = "credit", _("credit")
        TECHNOLOGY = "technology", _("technology")
        CONSULTING = "consulting", _("consulting")
        CERTIFICATION = "certification", _("certification")

    provider = models.ForeignKey(
        SupportProvider, on_delete=models.CASCADE, related_name="services",
        verbose_name=_("provider"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)

    class Meta:
        ordering = ["provider__name", "name"]
        verbose_name = _("support service")
        verbose_name_plural = _("support services")

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"


class ServiceUptake(models.Model):
    """A firm's use of a support service: the manager's "interface" role made visible."""

    class Status(models.TextChoices):
        REFERRED = "referred", _("referred")
        TAKEN_UP = "taken_up", _("taken up")
        COMPLETED = "completed", _("completed")

    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="uptakes",
        verbose_name=_("network"),
        db_index=False,  # (network, date) leads with it
    )
    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="uptakes", verbose_name=_("firm")
    )
    service = models.ForeignKey(
        SupportService, on_delete=models.PROTECT, related_name="uptakes",
        verbose_name=_("service"),
    )  # fmt: skip
    referred_by_facilitator = models.BooleanField(_("referred by the facilitator"), default=True)
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REFERRED
    )
    result = long_text(_("result"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = text_length_checks("serviceuptake", "result")
        ordering = ["-date", "-pk"]
        verbose_name = _("service take-up")
        verbose_name_plural = _("service take-ups")
        indexes = [models.Index(fields=["network", "date"])]

    def __str__(self) -> str:
        return f"{self.firm} · {self.service}"
