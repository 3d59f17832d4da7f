"""The PROFO domain: agencies run programmes; programmes hold networks of member firms.

Models hold data and the rules the database can enforce (constraints). Business rules that
span rows live in `services.py`; reads for pages live in `selectors.py`.
"""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from networks.lib.limits import NAME_MAX_LENGTH, long_text, text_length_checks
from networks.lib.taxid import format_rut


def default_agency_share_schedule() -> list[int]:
    # Agency's share of the manager's salary, in percent, for years 1, 2, 3 of the term.
    return [70, 50, 30]


def default_reminder_offsets() -> list[int]:
    # Months before the handover due date at which reminders go out.
    return [6, 3, 1]


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A programme of an agency, and the settings domain.md calls "programme settings"."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    country = models.CharField(
        _("country"),
        max_length=2,
        default="CL",
        help_text=_("ISO 3166 code. Tax ids are checked as Chilean RUTs when it is CL."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="CLP")
    min_firms = models.PositiveSmallIntegerField(
        _("minimum member firms"), default=10, validators=[MinValueValidator(1)]
    )
    max_firms = models.PositiveSmallIntegerField(
        _("maximum member firms"), default=30, validators=[MinValueValidator(1)]
    )
    term_months = models.PositiveSmallIntegerField(
        _("term in months"), default=36, validators=[MinValueValidator(1)]
    )
    agency_share_schedule = models.JSONField(
        _("agency share by year of the term (%)"),
        default=default_agency_share_schedule,
        help_text=_("One percentage per year of the term, e.g. [70, 50, 30]."),
    )
    reminder_offsets_months = models.JSONField(
        _("reminder offsets (months before handover)"),
        default=default_reminder_offsets,
        help_text=_("e.g. [6, 3, 1]."),
    )
    arrears_days = models.PositiveSmallIntegerField(
        _("days until unpaid dues are arrears"), default=60
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="programme_unique_name"),
            models.CheckConstraint(
                condition=Q(min_firms__lte=models.F("max_firms")),
                name="programme_min_le_max_firms",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.min_firms and self.max_firms and self.min_firms > self.max_firms:
            errors["max_firms"] = _("The maximum must be at least the minimum.")
        schedule = self.agency_share_schedule
        if not isinstance(schedule, list) or not all(
            isinstance(v, int | float) and 0 <= v <= 100 for v in schedule
        ):
            errors["agency_share_schedule"] = _("Give a list of percentages between 0 and 100.")
        offsets = self.reminder_offsets_months
        if not isinstance(offsets, list) or not all(isinstance(v, int) and v > 0 for v in offsets):
            errors["reminder_offsets_months"] = _("Give a list of whole months above 0.")
        if errors:
            raise ValidationError(errors)


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


class User(AbstractUser):
    class Role(models.TextChoices):
        AGENCY_ADMIN = "agency_admin", _("agency admin")
        AGENCY_STAFF = "agency_staff", _("agency staff")
        FACILITATOR = "facilitator", _("facilitator")
        FIRM_MEMBER = "firm_member", _("firm member")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("agency"),
    )
    firm = models.ForeignKey(
        Firm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("firm"),
    )
    # The language e-mails to this user are written in ("" = the site default).
    language = models.CharField(_("language"), max_length=8, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Agency people need their agency; a firm member needs their firm.
            models.CheckConstraint(
                condition=~Q(role__in=["agency_admin", "agency_staff"]) | Q(agency__isnull=False),
                name="user_agency_role_has_agency",
            ),
            models.CheckConstraint(
                condition=~Q(role="firm_member") | Q(firm__isnull=False),
                name="user_firm_member_has_firm",
            ),
        ]

    @property
    def is_agency(self) -> bool:
        return self.role in (self.Role.AGENCY_ADMIN, self.Role.AGENCY_STAFF)

    @property
    def is_facilitator(self) -> bool:
        return self.role == self.Role.FACILITATOR

    @property
    def is_firm_member(self) -> bool:
        return self.role == self.Role.FIRM_MEMBER


class Network(models.Model):
    class Phase(models.TextChoices):
        PREPARATION = "preparation", _("preparation")
        CONSOLIDATION = "consolidation", _("consolidation")
        INDEPENDENCE = "independence", _("independence")
        DISSOLVED = "dissolved", _("dissolved")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="networks", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    facilitator = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_networks",
        verbose_name=_("facilitator"),
        limit_choices_to={"role": User.Role.FACILITATOR},
    )
    region = models.CharField(_("region"), max_length=120)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    sector = models.CharField(_("sector"), max_length=120)
    created_on = models.DateField(_("created on"), default=timezone.localdate)
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.PREPARATION
    )
    # Set by the first manager appointment (services.manager_appoint), never edited by hand.
    term_start = models.DateField(_("term start"), null=True, blank=True)
    handover_due = models.DateField(_("handover due"), null=True, blank=True)
    # The date the firms took over the whole salary (set by the confirmed handover).
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    share_mode = models.CharField(
        _("split of the firms' part"),
        max_length=10,
        choices=[("equal", _("equal shares")), ("weighted", _("weights set by the facilitator"))],
        default="equal",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        indexes = [
            models.Index(fields=["programme", "phase"]),
            models.Index(fields=["handover_due"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def agency_id(self) -> int:
        return self.programme.agency_id

    @property
    def locality(self) -> str:
        return ", ".join(part for part in (self.commune, self.region) if part)


class Membership(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("firm")
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = long_text(_("reason for leaving"), blank=True)
    # The firm's own decision: the network's facilitator and agency may then read all of the
    # firm's figures (its own records, those from before it joined, those of other networks),
    # not only those recorded for this network.
    shares_figures = models.BooleanField(_("shares all its figures"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["firm__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # A firm may rejoin after leaving, but is never an active member twice.
            models.UniqueConstraint(
                fields=["network", "firm"],
                condition=Q(left_on__isnull=True),
                name="membership_one_active_per_firm",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
            *text_length_checks("membership", "leave_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.firm} @ {self.network}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class Rating(models.IntegerChoices):
    """The ordinal scale of the typology: 1 is the informal end, 3 the innovative end."""

    LOW = 1, _("low")
    MEDIUM = 2, _("medium")
    HIGH = 3, _("high")


class Diagnosis(models.Model):
    """The group's diagnosis (domain.md section 5). The profile is computed by `typology`."""

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="diagnosis", verbose_name=_("network")
    )
    problems = long_text(_("problems"), blank=True)
    opportunities = long_text(_("opportunities"), blank=True)
    collaboration_basis = long_text(_("basis for collaboration"), blank=True)
    technology_level = models.PositiveSmallIntegerField(
        _("technology level"), choices=Rating.choices, null=True, blank=True
    )
    skills = models.PositiveSmallIntegerField(
        _("skills"), choices=Rating.choices, null=True, blank=True
    )
    innovation = models.PositiveSmallIntegerField(
        _("innovation"), choices=Rating.choices, null=True, blank=True
    )
    trust = models.PositiveSmallIntegerField(
        _("trust"), choices=Rating.choices, null=True, blank=True
    )
    cooperation = models.PositiveSmallIntegerField(
        _("cooperation"), choices=Rating.choices, null=True, blank=True
    )
    competition = models.PositiveSmallIntegerField(
        _("competition"), choices=Rating.choices, null=True, blank=True
    )
    firm_size = models.PositiveSmallIntegerField(
        _("size of firms"), choices=Rating.choices, null=True, blank=True
    )
    exports = models.PositiveSmallIntegerField(
        _("exports"), choices=Rating.choices, null=True, blank=True
    )
    learning = models.PositiveSmallIntegerField(
        _("learning"), choices=Rating.choices, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = text_length_checks(
            "diagnosis", "problems", "opportunities", "collaboration_basis"
        )
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")

    def __str__(self) -> str:
        return str(self.network)

    def ratings(self) -> dict[str, int | None]:
        from networks.lib.typology import DIMENSIONS

        return {dimension: getattr(self, dimension) for dimension in DIMENSIONS}

    @property
    def profile(self):
        from networks.lib.typology import closest_profile

        return closest_profile(self.ratings())

    @property
    def is_complete(self) -> bool:
        return all(
            value.strip() for value in (self.problems, self.opportunities, self.collaboration_basis)
        )


class Goal(models.Model):
    class Horizon(models.TextChoices):
        SHORT = "short", _("short term (within 12 months)")
        MEDIUM = "medium", _("medium term (within 36 months)")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="goals", verbose_name=_("network")
    )
    horizon = models.CharField(_("horizon"), max_length=10, choices=Horizon.choices)
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    indicator = models.CharField(_("indicator"), max_length=NAME_MAX_LENGTH, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["horizon", "due_date", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title

    @property
    def is_measurable(self) -> bool:
        return (
            bool(self.indicator.strip()) and self.baseline is not None and self.target is not None
        )


class Application(models.Model):
    """The group's request to become a PROFO; its history is in ApplicationEvent rows."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="application", verbose_name=_("network")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = long_text(_("reason"), blank=True)

    class Meta:
        constraints = text_length_checks("application", "decision_reason")
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return str(self.network)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ImmutableRowError(Exception):
    pass


class ImmutableModel(models.Model):
    """A history row: written once, never changed or deleted through the app."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableRowError(f"{type(self).__name__} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError(f"{type(self).__name__} rows cannot be deleted.")


class ApplicationEvent(ImmutableModel):
    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("application"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = long_text(_("reason"), blank=True)

    class Meta:
        constraints = text_length_checks("applicationevent", "reason")
        ordering = ["at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.application}: {self.get_action_display()}"


class ManagerAppointment(models.Model):
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="appointments",
        verbose_name=_("network"),
    )
    person = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("manager"),
        limit_choices_to={"role": User.Role.FACILITATOR},
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    monthly_salary = models.DecimalField(_("monthly salary"), max_digits=14, decimal_places=2)
    end_reason = long_text(_("reason for replacement"), blank=True)
    appointed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("appointed by")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("manager appointment")
        verbose_name_plural = _("manager appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["network"],
                condition=Q(end_date__isnull=True),
                name="appointment_one_current_per_network",
            ),
            models.CheckConstraint(
                condition=Q(monthly_salary__gte=0), name="appointment_salary_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="appointment_end_after_start",
            ),
            *text_length_checks("managerappointment", "end_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.network}"


class PhaseTransition(ImmutableModel):
    """One row per change of phase. Nothing edits or deletes it."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("network")
    )
    from_phase = models.CharField(_("from"), max_length=20, choices=Network.Phase.choices)
    to_phase = models.CharField(_("to"), max_length=20, choices=Network.Phase.choices)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = long_text(_("reason"), blank=True)

    class Meta:
        constraints = text_length_checks("phasetransition", "reason")
        ordering = ["at", "pk"]
        verbose_name = _("phase transition")
        verbose_name_plural = _("phase transitions")

    def __str__(self) -> str:
        return f"{self.network}: {self.from_phase} → {self.to_phase}"


# --- consolidation work (domain.md section 4) ----------------------------------------------


class ProgrammeType(models.Model):
    """A per-programme list entry (activity or joint-action type) named by a stable slug.

    The default entries are created with the programme; agencies add their own. Default slugs
    are shown in the reader's language (DEFAULT_LABELS); added ones show the name stored.
    """

    DEFAULT_LABELS: dict = {}

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    slug = models.SlugField(_("slug"), max_length=50)
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        return self.DEFAULT_LABELS.get(self.slug, self.name)


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


class Attendance(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendance", db_index=False
    )  # attendance_once (activity, firm) leads with it
    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="attendance", db_index=False
    )  # the (firm, activity) index leads with it
    # A firm member may confirm that their firm was there; the manager's record stands anyway.
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["activity", "firm"], name="attendance_once")]
        indexes = [models.Index(fields=["firm", "activity"])]

    def __str__(self) -> str:
        return f"{self.firm_id} @ {self.activity_id}"


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


class JointActionParticipant(models.Model):
    joint_action = models.ForeignKey(
        JointAction,
        on_delete=models.CASCADE,
        related_name="participants",
        db_index=False,  # participant_once (joint_action, firm) leads with it
    )
    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="+", db_index=False
    )  # the (firm, joint_action) index leads with it
    # Unconfirmed until a user of this firm confirms; the logging firm is confirmed at once.
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participating firm")
        verbose_name_plural = _("participating firms")
        constraints = [
            models.UniqueConstraint(fields=["joint_action", "firm"], name="participant_once")
        ]
        indexes = [models.Index(fields=["firm", "joint_action"])]

    def __str__(self) -> str:
        return f"{self.firm_id} in {self.joint_action_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class JointActionDecline(ImmutableModel):
    """A firm said it did not take part: its participant row goes, this record stays."""

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

    def __str__(self) -> str:
        return f"{self.firm_id} declined {self.joint_action_id}"


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


# --- the three-year term: cost sharing, dues, handover (domain.md section 3) ----------------


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


# --- evaluation (domain.md section 6) -------------------------------------------------------


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
        "hr_development": "training",
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


# Tokens and sessions live in their own module; Django finds models through this one.
from networks.models_accounts import ApiToken, UserSession  # noqa: E402, F401

# --- duplicate writes -----------------------------------------------------------------------


class IdempotencyKey(models.Model):
    """A key a user gave one write: an API `Idempotency-Key` or a page form's one-time token.

    The row is inserted in the same transaction as the write, so that the unique constraint,
    not a check before the write, decides which of two requests with one key writes; the
    other waits on the index and then answers with the stored `status` and `body`.
    """

    class Scope(models.TextChoices):
        API = "api", "API"
        FORM = "form", "form"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=255)
    # sha256 of what was asked (method, path, body): the same key for another request is a 409.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.scope} {self.key}"
