"""Evaluation (domain.md section 6): the programme's criteria set and the evaluations."""

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import NAME_MAX_LENGTH, long_text, text_length_checks
from networks.models.agencies import Programme, User
from networks.models.base import HistoricalRecords, ImmutableModel
from networks.models.lifecycle import Network


class Criterion(models.Model):
    """One criterion of a programme's evaluation set (editable by agency admins)."""

    class Suggestion(models.TextChoices):
        NONE = "", _("no automatic suggestion")
        REGULAR_MEETINGS = "regular_meetings", _("activity frequency and attendance")
        JOINT_COMMERCIAL = "joint_commercial", _("a completed commercial joint action")
        JOINT_PURCHASING = "joint_purchasing", _("a completed joint purchase")
        SHARED_EQUIPMENT = "shared_equipment", _("a completed shared-equipment action")
        QUALITY = "quality", _("a certification or laboratory joint action")
        TRAINING = "training", _("training activities or joint training")
        SERVICE_UPTAKE = "service_uptake", _("support services taken up")
        DUES_PAID = "dues_paid", _("no firm in arrears")
        STABLE_MEMBERSHIP = "stable_membership", _("few firms left in the last 12 months")
        PRODUCT_DEVELOPMENT = (
            "product_development",
            _("laboratory tests or a joint brand, or technology services taken up"),
        )
        PROCESS_DEVELOPMENT = (
            "process_development",
            _("shared equipment or a certification, or consulting or certification services"),
        )
        JOINT_FINANCE = "joint_finance", _("shared credits, or credit services taken up")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("programme")
    )
    key = models.SlugField(_("key"), max_length=50)
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    description = long_text(_("description"), blank=True)
    suggestion = models.CharField(
        _("automatic suggestion"), max_length=30, choices=Suggestion.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    DEFAULT_LABELS = {
        "regular_meetings": _("Regular meetings with good attendance"),
        "joint_commercial": _("A joint commercial action"),
        "joint_purchasing": _("Joint purchasing"),
        "shared_equipment": _("Shared equipment"),
        "quality": _("A joint quality or certification process"),
        "product_development": _("Product development"),
        "process_development": _("Process development"),
        "hr_development": _("Human resource development"),
        "joint_finance": _("Joint finance or credit"),
        "service_uptake": _("More take-up of support services"),
        "dues_paid": _("Firms paying their share of the manager"),
        "stable_membership": _("Stable membership"),
    }
    DEFAULT_SUGGESTIONS = {
        "regular_meetings": "regular_meetings",
        "joint_commercial": "joint_commercial",
        "joint_purchasing": "joint_purchasing",
        "shared_equipment": "shared_equipment",
        "quality": "quality",
        "product_development": "product_development",
        "process_development": "process_development",
        "hr_development": "training",
        "joint_finance": "joint_finance",
        "service_uptake": "service_uptake",
        "dues_paid": "dues_paid",
        "stable_membership": "stable_membership",
    }

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="criterion_unique_key"),
            *text_length_checks("criterion", "description"),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        # Default criteria show in the reader's language until an admin renames them.
        default = self.DEFAULT_LABELS.get(self.key)
        if default is not None:
            with translation.override("en"):
                if self.title == str(default):
                    return default
        return self.title


class Evaluation(ImmutableModel):
    """A network's evaluation against the programme's criteria. Kept as history, never
    overwritten: a new evaluation is a new row."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("network")
    )
    date = models.DateField(_("date"))
    evaluator = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("evaluator")
    )
    notes = long_text(_("notes"), blank=True)
    met_count = models.PositiveSmallIntegerField(_("criteria met"))
    criteria_count = models.PositiveSmallIntegerField(_("criteria"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = text_length_checks("evaluation", "notes")
        ordering = ["-date", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [models.Index(fields=["network", "-date"])]

    def __str__(self) -> str:
        return f"{self.network} {self.date}"


class EvaluationResult(ImmutableModel):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("met"))
    evidence = long_text(_("evidence"), blank=True)

    class Meta:
        ordering = ["criterion__position", "pk"]
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="result_once"),
            *text_length_checks("evaluationresult", "evidence"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.met}"
