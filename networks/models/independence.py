"""Life after independence (domain.md section 4b): a yearly check-in on a network for some
years after its handover (a programme setting, 3 by default)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import long_text, text_length_checks
from networks.models.agencies import User
from networks.models.base import HistoricalRecords
from networks.models.lifecycle import Network


class CheckIn(models.Model):
    """How a network in independence is doing, year `year` after its handover."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("network")
    )
    year = models.PositiveSmallIntegerField(
        _("year after the handover"), validators=[MinValueValidator(1)]
    )
    date = models.DateField(_("date of the check-in"))
    still_meeting = models.BooleanField(_("the firms still meet"))
    manager_paid = models.BooleanField(_("the firms still pay the manager"))
    members = models.PositiveSmallIntegerField(_("member firms"))
    joint_actions = models.PositiveSmallIntegerField(_("joint actions in the year"))
    stopped = models.BooleanField(
        _("the network has stopped"),
        default=False,
        help_text=_("The firms no longer work together as a network."),
    )
    notes = long_text(_("notes"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["network", "year"]
        verbose_name = _("check-in after independence")
        verbose_name_plural = _("check-ins after independence")
        constraints = [
            models.UniqueConstraint(fields=["network", "year"], name="checkin_once_a_year"),
            models.CheckConstraint(condition=Q(year__gte=1), name="checkin_year_ge_1"),
            *text_length_checks("checkin", "notes"),
        ]

    def __str__(self) -> str:
        return f"{self.network_id} year {self.year}"
