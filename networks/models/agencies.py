"""Agencies, their programmes (with the programme settings) and the people: users and roles."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import NAME_MAX_LENGTH
from networks.models.base import HistoricalRecords, UserHistoricalRecords
from networks.models.firms import Firm


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

    DEFAULT_CURRENCY = "CLP"

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
    currency = models.CharField(_("currency"), max_length=3, default=DEFAULT_CURRENCY)
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
    overdue_agency_percent = models.DecimalField(
        _("agency share after the due date without an extension (%)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_(
            "What the agency pays of the manager's salary once the handover is overdue and no "
            "extension was granted. An extension carries its own rate."
        ),
    )
    check_in_years = models.PositiveSmallIntegerField(
        _("years of yearly check-ins after the handover"),
        default=3,
        validators=[MaxValueValidator(20)],
        help_text=_(
            "For how many years after the handover a network in independence is asked how it "
            "is doing, once a year."
        ),
    )

    # Goals count from the application's submission (domain.md section 3).
    goal_short_months = models.PositiveSmallIntegerField(
        _("short-term goals: due within (months)"), default=12, validators=[MinValueValidator(1)]
    )
    goal_medium_months = models.PositiveSmallIntegerField(
        _("medium-term goals: due within (months)"), default=36, validators=[MinValueValidator(1)]
    )
    # The queries compute the window's start for each allowed length (one CASE branch per
    # month), so the bounds are also a database constraint.
    PARTICIPATION_WINDOW_MAX = 24
    participation_window_months = models.PositiveSmallIntegerField(
        _("participation measured over the last (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(PARTICIPATION_WINDOW_MAX)],
        help_text=_("Attendance and the ties between the firms are counted over this window."),
    )
    participation_risk_percent = models.PositiveSmallIntegerField(
        _("attendance under which a network is at risk (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
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
            models.CheckConstraint(
                condition=Q(goal_short_months__lt=models.F("goal_medium_months")),
                name="programme_short_lt_medium_goals",
            ),
            models.CheckConstraint(
                condition=Q(participation_window_months__gte=1)
                & Q(participation_window_months__lte=24),
                name="programme_participation_window_1_24",
            ),
            models.CheckConstraint(
                condition=Q(participation_risk_percent__lte=100),
                name="programme_participation_risk_le_100",
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
        short, medium = self.goal_short_months, self.goal_medium_months
        if short and medium and short >= medium:
            errors["goal_medium_months"] = _(
                "Medium-term goals must have a longer horizon than short-term ones (%(short)s "
                "months)."
            ) % {"short": short}
        elif medium and self.term_months and medium > self.term_months:
            errors["goal_medium_months"] = _(
                "Medium-term goals must fall due within the term (%(months)s months)."
            ) % {"months": self.term_months}
        if errors:
            raise ValidationError(errors)


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

    history = UserHistoricalRecords(excluded_fields=["password", "last_login"])

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


class ProgrammeType(models.Model):
    """A per-programme list entry (activity or joint-action type) named by a stable slug.

    The default entries are created with the programme; agencies add their own, rename and
    retire them (is_active=False: old records keep it, the choice lists leave it out). The slug
    never changes: the API and the records name the type by it.

    The label is in the reader's language: `name_es` for Spanish readers when it is set, `name`
    otherwise; a default entry nobody renamed (its English name as created) shows the
    translated default label (DEFAULT_LABELS).
    """

    DEFAULT_LABELS: dict = {}

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    slug = models.SlugField(_("slug"), max_length=50)
    name = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        default = self.DEFAULT_LABELS.get(self.slug)
        if default is not None and not self.name_es:
            with translation.override("en"):
                untouched = self.name == str(default)
            if untouched:
                return default
        if self.name_es and (translation.get_language() or "").startswith("es"):
            return self.name_es
        return self.name
