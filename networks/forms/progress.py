"""Forms for goal actuals and firm indicators. Types and ranges here; the rules (one value per
period, one baseline, dates in order) are the services', whose messages the views show."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.forms.common import AmountField, DateInput, add_reason_field
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.rules import MAX_INTEGER
from networks.services import history as history_services
from networks.services.progress import INDICATOR_NEGATIVE, UNSET, figure_label


class GoalActualForm(forms.Form):
    period_end = forms.DateField(
        label=_("Period end"),
        widget=DateInput(),
        help_text=_("The last day of the period the value measures."),
    )
    value = AmountField(label=_("Value"), max_digits=16, decimal_places=2)
    comment = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("Optional: a PDF, image or office file showing the value."),
    )


def _count_field(name: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=figure_label(name),
        min_value=0,
        max_value=MAX_INTEGER,
        required=False,
        error_messages={"min_value": INDICATOR_NEGATIVE % {"field": figure_label(name)}},
    )


def _money_field(name: str, max_digits: int) -> AmountField:
    return AmountField(
        label=figure_label(name),
        min_value=0,
        max_digits=max_digits,
        decimal_places=2,
        required=False,
        error_messages={"min_value": INDICATOR_NEGATIVE % {"field": figure_label(name)}},
    )


OWN_RECORD = "own"


class FirmIndicatorForm(forms.Form):
    """A report of figures. `networks` are those the user may record for; `own` adds the
    firm's own record (its own users only). With one choice only, the field is not shown."""

    network = forms.ChoiceField(
        label=_("Recorded for"),
        required=False,
        help_text=_(
            "The network's facilitator and agency read the figures recorded for their network."
        ),
    )
    date = forms.DateField(label=_("Date of the figures"), widget=DateInput())
    is_baseline = forms.BooleanField(
        label=_("This is the baseline"),
        required=False,
        help_text=_(
            "The first figures of the series, before the network's work; each network has one."
        ),
    )
    employees = _count_field("employees")
    annual_sales = _money_field("annual_sales", 16)
    exports = _money_field("exports", 16)
    average_wage = _money_field("average_wage", 14)
    people_trained = _count_field("people_trained")
    certifications = _count_field("certifications")
    technologies = _count_field("technologies")
    notes = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, networks=(), own: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(network.pk), network.name) for network in networks]
        if own:
            choices.append((OWN_RECORD, _("Only our firm: not shared with any network")))
        field = self.fields["network"]
        field.choices = choices
        if choices:
            # The first choice: the firm's only network, or the user's network for the firm.
            field.initial = choices[0][0]
        self.network_hidden = len(choices) == 1
        if self.network_hidden:
            field.widget = forms.HiddenInput()

    def clean(self):
        # A hidden field's error would not show: say it above the form instead.
        if self.network_hidden and "network" in self._errors:
            self.add_error(None, self._errors.pop("network"))
        return super().clean()

    def clean_network(self):
        """A Network id as an int, None for the firm's own record, or UNSET when not given (the
        service then takes the only network there is, or says to choose)."""
        value = self.cleaned_data["network"]
        if value in ("", None):
            return UNSET
        return None if value == OWN_RECORD else int(value)


class GoalActualChangeForm(forms.Form):
    value = AmountField(label=_("Value"), max_digits=16, decimal_places=2)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=TEXT_MAX_LENGTH,
    )  # fmt: skip

    def __init__(self, *args, actual, **kwargs):
        kwargs.setdefault("initial", {"value": actual.value, "comment": actual.comment})
        super().__init__(*args, **kwargs)
        add_reason_field(
            self, needed=history_services.goal_actual_needs_reason(actual),
            help_text=history_services.GOAL_ACTUAL_REASON_HELP,
            message=history_services.GOAL_ACTUAL_REASON_REQUIRED,
        )  # fmt: skip


class FirmIndicatorChangeForm(FirmIndicatorForm):
    """The figures and notes of one report; its date and baseline flag stay."""

    def __init__(self, *args, report, **kwargs):
        fixed = ("network", "date", "is_baseline")  # what the report is, not what it says
        names = [name for name in self.base_fields if name not in fixed]
        kwargs.setdefault("initial", {name: getattr(report, name) for name in names})
        super().__init__(*args, **kwargs)
        for name in fixed:
            del self.fields[name]
        self.network_hidden = False
        add_reason_field(
            self, needed=history_services.firm_indicator_needs_reason(report),
            help_text=history_services.INDICATOR_REASON_HELP, message=history_services.INDICATOR_REASON_REQUIRED,
        )  # fmt: skip
