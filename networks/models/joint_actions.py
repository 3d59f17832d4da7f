"""Joint actions the member firms carry out together, and each firm's part in them."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import NAME_MAX_LENGTH, long_text, text_length_checks
from networks.models.agencies import Programme, ProgrammeType, User
from networks.models.base import HistoricalRecords, ImmutableModel
from networks.models.confirmations import ConfirmationAnswer
from networks.models.firms import Firm
from networks.models.lifecycle import Network
from networks.models.projects import JointProject


class JointActionType(ProgrammeType):
    DEFAULT_LABELS = {
        "shared_order": _("shared order"),
        "joint_purchasing": _("joint purchasing"),
        "shared_equipment": _("shared equipment"),
        "lab_tests": _("common laboratory tests"),
        "certification": _("quality certification"),
        "joint_training": _("joint training"),
        "trade_fair": _("trade fair"),
        "group_export": _("group shipping or export"),
        "joint_marketing": _("joint marketing or brand"),
        # The seed's own examples (UNCTAD 1998, Box 3), added by issue 18.
        "sharing_credits": _("sharing credits (joint finance or credit guarantees)"),
        "awareness_workshops": _("awareness workshops"),
        "other": _("other"),
    }

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="joint_action_types",
        verbose_name=_("programme"),
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta(ProgrammeType.Meta):
        verbose_name = _("joint-action type")
        verbose_name_plural = _("joint-action types")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "slug"], name="jointactiontype_unique_slug"
            )
        ]


class JointAction(models.Model):
    """Something member firms did together, logged by one of them (or the manager)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        UNDER_WAY = "under_way", _("under way")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="joint_actions",
        verbose_name=_("network"),
        db_index=False,  # (network, status) leads with it
    )
    type = models.ForeignKey(
        JointActionType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    value = models.DecimalField(
        _("money value"), max_digits=16, decimal_places=2, default=0,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    outcome = long_text(_("outcome"), blank=True)
    firms = models.ManyToManyField(
        Firm, through="JointActionParticipant", related_name="joint_actions",
        verbose_name=_("participating firms"),
    )  # fmt: skip
    logged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    # The firm that logged it (empty when the facilitator did): it may edit it.
    logged_by_firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("logged by firm"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)
    # A joint action may be a step of one of the network's joint strategic projects.
    project = models.ForeignKey(
        JointProject, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="joint_actions", verbose_name=_("joint strategic project"),
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("joint action")
        verbose_name_plural = _("joint actions")
        indexes = [models.Index(fields=["network", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="jointaction_value_ge_0"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="jointaction_end_after_start",
            ),
            *text_length_checks("jointaction", "outcome"),
        ]

    def __str__(self) -> str:
        return self.title


class JointActionParticipant(ConfirmationAnswer):
    joint_action = models.ForeignKey(
        JointAction,
        on_delete=models.CASCADE,
        related_name="participants",
        db_index=False,  # participant_once (joint_action, firm) leads with it
    )
    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="+", db_index=False
    )  # the (firm, joint_action) index leads with it
    # Unconfirmed until the firm confirms (in PROFO or through its e-mailed link) or the
    # facilitator records its confirmation; the logging firm is confirmed at once. Who confirmed
    # and how: `confirmed_by` and `confirmation_method` (the facilitator, for a recorded one).
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Marketing as a group: the orders and sales this firm won through the joint action. The
    # action's joint sales are the sum of these (`JointAction.value` follows when they are set).
    sales = models.DecimalField(
        _("sales won"), max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participating firm")
        verbose_name_plural = _("participating firms")
        constraints = [
            models.UniqueConstraint(fields=["joint_action", "firm"], name="participant_once"),
            models.CheckConstraint(
                condition=Q(sales__gte=0) | Q(sales__isnull=True), name="participant_sales_ge_0"
            ),
            *text_length_checks("jointactionparticipant", "confirmation_note"),
        ]
        indexes = [models.Index(fields=["firm", "joint_action"])]

    def __str__(self) -> str:
        return f"{self.firm_id} in {self.joint_action_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class JointActionDecline(ConfirmationAnswer, ImmutableModel):
    """A firm said it did not take part: its participant row goes, this record stays.

    `declined_by` is the firm's user (in PROFO or through the link) or the facilitator who
    recorded the firm's answer (`confirmation_method` then says how it was obtained)."""

    joint_action = models.ForeignKey(
        JointAction, on_delete=models.CASCADE, related_name="declines_made"
    )
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="+")
    declined_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("declined participation")
        verbose_name_plural = _("declined participations")
        constraints = text_length_checks("jointactiondecline", "confirmation_note")

    def __str__(self) -> str:
        return f"{self.firm_id} declined {self.joint_action_id}"
