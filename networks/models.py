"""The PROFO domain: agencies run programmes; programmes hold networks of member firms.

Models hold data and the rules the database can enforce (constraints). Business rules that
span rows live in `services.py`; reads for pages live in `selectors.py`.
"""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.taxid import format_rut


def default_agency_share_schedule() -> list[int]:
    # Agency's share of the manager's salary, in percent, for years 1, 2, 3 of the term.
    return [70, 50, 30]


def default_reminder_offsets() -> list[int]:
    # Months before the handover due date at which reminders go out.
    return [6, 3, 1]


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
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
    name = models.CharField(_("name"), max_length=200)
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

    name = models.CharField(_("name"), max_length=200)
    # Stored normalised (digits, dash, check digit: "76123456-7"); shown with dots.
    tax_id = models.CharField(_("tax id"), max_length=20, unique=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

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
    name = models.CharField(_("name"), max_length=200)
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

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        indexes = [models.Index(fields=["programme", "phase"])]

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
    leave_reason = models.TextField(_("reason for leaving"), blank=True)

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
        ]

    def __str__(self) -> str:
        return f"{self.firm} @ {self.network}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None
