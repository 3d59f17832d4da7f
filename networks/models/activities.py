"""Activities the manager organises (domain.md section 4): types, attendance, attachments."""

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
from networks.models.progress import GoalActual


class ActivityType(ProgrammeType):
    DEFAULT_LABELS = {
        "factory_visit": _("factory visit"),
        "group_workshop": _("group workshop"),
        "group_travel": _("group travel"),
        "trade_fair": _("trade fair"),
        "training": _("training course"),
        "diagnosis_session": _("group diagnosis session"),
        "agency_meeting": _("meeting with a support agency"),
        "other": _("other"),
    }

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="activity_types",
        verbose_name=_("programme"),
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta(ProgrammeType.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="activitytype_unique_slug")
        ]


class Activity(models.Model):
    """Something the manager organised for the group: a factory visit, a workshop, a fair..."""

    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("network"),
        db_index=False,  # (network, -date) leads with it
    )
    type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type")
    )
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=NAME_MAX_LENGTH, blank=True)
    host_firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, null=True, blank=True, related_name="hosted_activities",
        verbose_name=_("host firm"),
    )  # fmt: skip
    attendees = models.ManyToManyField(
        Firm, through="Attendance", related_name="attended_activities",
        verbose_name=_("attendees"),
    )  # fmt: skip
    description = long_text(_("description"), blank=True)
    outcomes = long_text(_("outcomes"), blank=True)
    cost = models.DecimalField(
        _("cost"), max_digits=14, decimal_places=2, default=0,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["network", "-date"])]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="activity_cost_ge_0"),
            *text_length_checks("activity", "description", "outcomes"),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(ConfirmationAnswer):
    """The facilitator's record that a firm attended: that is what counts as attended, in
    every page and figure (docs/records.md). The firm's own answer is shown beside it: its
    confirmation (here), or its decline, which removes the row (see AttendanceDecline)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendance", db_index=False
    )  # attendance_once (activity, firm) leads with it
    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="attendance", db_index=False
    )  # the (firm, activity) index leads with it
    # The firm's confirmation that it was there (its user, its link, or the facilitator
    # recording its answer: `confirmation_method` says which).
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["activity", "firm"], name="attendance_once"),
            *text_length_checks("attendance", "confirmation_note"),
        ]
        indexes = [models.Index(fields=["firm", "activity"])]

    def __str__(self) -> str:
        return f"{self.firm_id} @ {self.activity_id}"


class AttendanceDecline(ConfirmationAnswer, ImmutableModel):
    """A firm said it was not at an activity: its attendance row goes (it no longer counts as
    attended anywhere), this record stays and the activity's page shows it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="declines_made")
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="+")
    declined_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("declined attendance")
        verbose_name_plural = _("declined attendance")
        constraints = text_length_checks("attendancedecline", "confirmation_note")

    def __str__(self) -> str:
        return f"{self.firm_id} declined {self.activity_id}"


def attachment_path(instance, filename: str) -> str:
    # A random name: the original name is kept in the row, never in the path.
    import uuid

    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file kept outside the static tree, served only by an access-checked download view."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    goal_actual = models.ForeignKey(
        GoalActual, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=NAME_MAX_LENGTH)
    original_name = models.CharField(_("file name"), max_length=NAME_MAX_LENGTH)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=False, goal_actual__isnull=True)
                | Q(activity__isnull=True, goal_actual__isnull=False),
                name="attachment_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def network_id(self) -> int:
        owner = self.activity or self.goal_actual.goal
        return owner.network_id
