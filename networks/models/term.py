"""The three-year term (domain.md section 3): cost sharing, dues, payments, handover."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import long_text, text_length_checks
from networks.models.agencies import User
from networks.models.base import HistoricalRecords, ImmutableModel
from networks.models.firms import Firm
from networks.models.lifecycle import Network


class TermChange(ImmutableModel):
    """A decision of the agency about the term: an extension, or leave for an early handover."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", _("extension")
        EARLY_HANDOVER = "early_handover", _("early handover allowed")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="term_changes", verbose_name=_("network")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    previous_due = models.DateField(_("previous due date"))
    new_due = models.DateField(_("new due date"))
    # What the agency pays during an extension, until its new due date (none for an early
    # handover): a granted extension keeps its own rate, whatever the programme's later changes.
    agency_percent = models.DecimalField(
        _("agency share during the extension (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
    )
    reason = long_text(_("reason"))
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        constraints = text_length_checks("termchange", "reason")
        ordering = ["at", "pk"]
        verbose_name = _("term change")
        verbose_name_plural = _("term changes")

    def __str__(self) -> str:
        return f"{self.network}: {self.get_kind_display()}"


class ShareWeight(models.Model):
    """A firm's weight in the firms' part of the salary, when the facilitator sets weights."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="share_weights")
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField(_("share (%)"), max_digits=6, decimal_places=3)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("share weight")
        verbose_name_plural = _("share weights")
        constraints = [
            models.UniqueConstraint(fields=["network", "firm"], name="shareweight_once"),
            models.CheckConstraint(condition=Q(percent__gte=0), name="shareweight_ge_0"),
        ]

    def __str__(self) -> str:
        return f"{self.firm_id}: {self.percent}%"


class MonthlyCharge(models.Model):
    """How one month's salary was split: the agency's part and the firms' part (one per month)."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="charges", db_index=False
    )  # charge_one_per_month (network, month) leads with it
    month = models.DateField(_("month"))  # always the first day of the month
    salary = models.DecimalField(_("salary"), max_digits=14, decimal_places=2)
    agency_percent = models.DecimalField(_("agency share (%)"), max_digits=6, decimal_places=3)
    agency_amount = models.DecimalField(_("agency part"), max_digits=14, decimal_places=2)
    firms_amount = models.DecimalField(_("firms' part"), max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["network", "month"]
        verbose_name = _("monthly charge")
        verbose_name_plural = _("monthly charges")
        constraints = [
            models.UniqueConstraint(fields=["network", "month"], name="charge_one_per_month"),
            models.CheckConstraint(
                condition=Q(agency_amount__gte=0) & Q(firms_amount__gte=0), name="charge_ge_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network_id} {self.month:%Y-%m}"


class Due(models.Model):
    """What one firm owes towards the manager's salary for one month."""

    charge = models.ForeignKey(MonthlyCharge, on_delete=models.CASCADE, related_name="dues")
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="dues", db_index=False
    )  # due_once (network, firm, month) leads with it
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="dues")
    month = models.DateField(_("month"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["month", "firm"]
        verbose_name = _("due")
        verbose_name_plural = _("dues")
        constraints = [
            models.UniqueConstraint(fields=["network", "firm", "month"], name="due_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="due_ge_0"),
        ]
        # No index of its own: due_once (network, firm, month) is one.

    def __str__(self) -> str:
        return f"{self.firm_id} {self.month:%Y-%m}: {self.amount}"


class Payment(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="payments", db_index=False
    )  # (network, firm, date) leads with it
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_gt_0")]
        indexes = [models.Index(fields=["network", "firm", "date"])]

    def __str__(self) -> str:
        return f"{self.firm_id} {self.date}: {self.amount}"


class ReminderSent(models.Model):
    """A handover reminder that went out, so that running the command again sends nothing."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=40)  # "before-6", "before-3", "overdue-2027-W14"
    due_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["network", "key", "due_date"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.network_id} {self.key}"


class Handover(models.Model):
    """The firms take over the whole salary: proposed by the facilitator, confirmed by staff."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="handovers")
    date = models.DateField(_("handover date"))
    manager = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("manager")
    )
    monthly_salary = models.DecimalField(_("monthly salary"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [
            models.UniqueConstraint(
                fields=["network"], condition=Q(status="proposed"), name="handover_one_open"
            ),
            models.UniqueConstraint(
                fields=["network"], condition=Q(status="confirmed"), name="handover_one_confirmed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} {self.date}"


class HandoverCommitment(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="commitments")
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="+")
    share_percent = models.DecimalField(_("share (%)"), max_digits=6, decimal_places=3)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover commitment")
        verbose_name_plural = _("handover commitments")
        constraints = [
            models.UniqueConstraint(fields=["handover", "firm"], name="commitment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.firm_id}: {self.share_percent}%"
