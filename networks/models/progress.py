"""Progress: goals' values per period and the firms' own figures."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import long_text, text_length_checks
from networks.models.agencies import User
from networks.models.base import HistoricalRecords
from networks.models.firms import Firm
from networks.models.lifecycle import Goal, Network


class GoalActual(models.Model):
    """A period's measured value of a goal's indicator."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="actuals", verbose_name=_("goal")
    )
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    comment = long_text(_("comment"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_end", "pk"]
        verbose_name = _("goal actual")
        verbose_name_plural = _("goal actuals")
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "period_end"], name="goalactual_one_per_period"
            ),
            *text_length_checks("goalactual", "comment"),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.value} ({self.period_end})"


class FirmIndicator(models.Model):
    """A firm's figures at one date: the baseline, then periodic follow-ups (a panel).

    Each row is recorded *for* one network (and so for its agency), or is the firm's own
    record (no network). Who reads which rows is `access.readable_indicators`: the firm reads
    all of its rows; a network's facilitator and its agency read the rows recorded for their
    networks, and the rest only where the firm shares them (`Membership.shares_figures`).
    Each network (and the firm's own records) keeps its own series: one baseline, one report
    a date. Other member firms see network aggregates only (see selectors).
    """

    firm = models.ForeignKey(
        Firm,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("firm"),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="firm_indicators",
        verbose_name=_("recorded for"),
        help_text=_("The network these figures were recorded for; empty for the firm's own."),
    )
    date = models.DateField(_("date"))
    is_baseline = models.BooleanField(_("baseline"), default=False)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_sales = models.DecimalField(
        _("annual sales"), max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    exports = models.DecimalField(
        _("exports"), max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    average_wage = models.DecimalField(
        _("average monthly wage"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    people_trained = models.PositiveIntegerField(_("people trained"), null=True, blank=True)
    certifications = models.PositiveIntegerField(_("certifications held"), null=True, blank=True)
    technologies = models.PositiveIntegerField(_("technologies adopted"), null=True, blank=True)
    notes = long_text(_("notes"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["firm", "date"]
        verbose_name = _("firm indicators")
        verbose_name_plural = _("firm indicators")
        # One series per network and one of the firm's own: a network never learns from a
        # refusal that another network (another agency) has figures on that date.
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "network", "date"],
                condition=Q(network__isnull=False),
                name="indicator_one_per_date",
            ),
            models.UniqueConstraint(
                fields=["firm", "date"],
                condition=Q(network__isnull=True),
                name="indicator_own_one_per_date",
            ),
            models.UniqueConstraint(
                fields=["firm", "network"],
                condition=Q(is_baseline=True, network__isnull=False),
                name="indicator_one_baseline",
            ),
            models.UniqueConstraint(
                fields=["firm"],
                condition=Q(is_baseline=True, network__isnull=True),
                name="indicator_own_one_baseline",
            ),
            models.CheckConstraint(
                condition=Q(annual_sales__gte=0) | Q(annual_sales__isnull=True),
                name="indicator_sales_ge_0",
            ),
            models.CheckConstraint(
                condition=Q(exports__gte=0) | Q(exports__isnull=True),
                name="indicator_exports_ge_0",
            ),
            *text_length_checks("firmindicator", "notes"),
        ]

    def __str__(self) -> str:
        return f"{self.firm} {self.date}"
