"""A network's life before and around consolidation: the network and its members, the
diagnosis and goals, the application and its decision, the manager, and every phase change."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import NAME_MAX_LENGTH, long_text, text_length_checks
from networks.models.agencies import Programme, User
from networks.models.base import HistoricalRecords, ImmutableModel
from networks.models.firms import Firm


class Network(models.Model):
    class Phase(models.TextChoices):
        PREPARATION = "preparation", _("preparation")
        CONSOLIDATION = "consolidation", _("consolidation")
        INDEPENDENCE = "independence", _("independence")
        DISSOLVED = "dissolved", _("dissolved")

    class ShareMode(models.TextChoices):
        """How the firms' part of the manager's salary is split among them."""

        EQUAL = "equal", _("equal shares")
        WEIGHTED = "weighted", _("weights set by the facilitator")

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
        choices=ShareMode.choices,
        default=ShareMode.EQUAL,
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
    """A dated diagnosis of the group (domain.md sections 4b and 5): the one at application,
    then re-diagnoses (yearly, by default) that show the typology profile moving. The profile
    is computed by `typology`."""

    class Occasion(models.TextChoices):
        APPLICATION = "application", _("at application")
        FOLLOW_UP = "follow_up", _("re-diagnosis")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="diagnoses", verbose_name=_("network")
    )
    occasion = models.CharField(
        _("occasion"), max_length=12, choices=Occasion.choices, default=Occasion.APPLICATION
    )
    diagnosed_on = models.DateField(_("diagnosed on"), default=timezone.localdate)
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
        ordering = ["diagnosed_on", "pk"]
        constraints = [
            # The application's diagnosis is the one the application shows and edits.
            models.UniqueConstraint(
                fields=["network"],
                condition=Q(occasion="application"),
                name="diagnosis_one_application",
            ),
            models.UniqueConstraint(
                fields=["network", "diagnosed_on"], name="diagnosis_one_per_date"
            ),
            *text_length_checks("diagnosis", "problems", "opportunities", "collaboration_basis"),
        ]
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
