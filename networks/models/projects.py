"""Joint strategic projects (UNIDO's phase after problem identification, domain.md 4b): a goal,
a budget co-financed by the agency and the firms, milestones, and the participating firms."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from networks.lib.limits import NAME_MAX_LENGTH, long_text, text_length_checks
from networks.models.agencies import User
from networks.models.base import HistoricalRecords
from networks.models.firms import Firm
from networks.models.lifecycle import Network


def _money(label):
    return models.DecimalField(
        label, max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )


class JointProject(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        UNDER_WAY = "under_way", _("under way")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="projects", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    goal = long_text(_("goal"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = _money(_("budget"))
    # The firms' part is the sum of the participants' contributions (JointProjectFirm): kept
    # here too, written by the service with them, so that sums by source are one aggregate.
    agency_funding = _money(_("agency co-financing"))
    firms_funding = _money(_("firms' co-financing"))
    firms = models.ManyToManyField(
        Firm, through="JointProjectFirm", related_name="joint_projects",
        verbose_name=_("participating firms"),
    )  # fmt: skip
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("joint strategic project")
        verbose_name_plural = _("joint strategic projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(agency_funding__gte=0) & Q(firms_funding__gte=0) & Q(budget__gte=0),
                name="jointproject_money_ge_0",
            ),
            # Co-financing never exceeds the budget; what is left is other or still unfunded.
            models.CheckConstraint(
                condition=Q(budget__gte=models.F("agency_funding") + models.F("firms_funding")),
                name="jointproject_funding_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="jointproject_end_after_start",
            ),
            *text_length_checks("jointproject", "goal"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def other_funding(self):
        return self.budget - self.agency_funding - self.firms_funding


class JointProjectFirm(models.Model):
    """A participating firm and what it puts into the project."""

    project = models.ForeignKey(JointProject, on_delete=models.CASCADE, related_name="participants")
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="+")
    contribution = _money(_("contribution"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["firm__name"]
        verbose_name = _("participating firm")
        verbose_name_plural = _("participating firms")
        constraints = [
            models.UniqueConstraint(fields=["project", "firm"], name="projectfirm_once"),
            models.CheckConstraint(
                condition=Q(contribution__gte=0), name="projectfirm_contribution_ge_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm_id} in {self.project_id}"


class Milestone(models.Model):
    class Status(models.TextChoices):
        # A milestone is reached or not (Spanish: "logrado", not the joint action's "realizada").
        PENDING = "pending", pgettext_lazy("milestone", "pending")
        DONE = "done", pgettext_lazy("milestone", "reached")
        MISSED = "missed", pgettext_lazy("milestone", "missed")

    project = models.ForeignKey(
        JointProject, on_delete=models.CASCADE, related_name="milestones",
        verbose_name=_("project"),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="milestone_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title
