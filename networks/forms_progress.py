"""Forms for goal actuals and firm indicators. Types and ranges here; the rules (one value per
period, one baseline, dates in order) are the services', whose messages the views show."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.forms import AmountInput, DateInput
from networks.limits import TEXT_MAX_LENGTH
from networks.services.progress import INDICATOR_NEGATIVE, figure_label

# The largest value PostgreSQL's integer column holds; a bigger one would be a 500, not a 400.
MAX_INTEGER = 2_147_483_647


class GoalActualForm(forms.Form):
    period_end = forms.DateField(
        label=_("Period end"),
        widget=DateInput(),
        help_text=_("The last day of the period the value measures."),
    )
    value = forms.DecimalField(
        label=_("Value"), max_digits=16, decimal_places=2, localize=True, widget=AmountInput()
    )
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


def _money_field(name: str, max_digits: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=figure_label(name),
        min_value=0,
        max_digits=max_digits,
        decimal_places=2,
        required=False,
        localize=True,
        widget=AmountInput(),
        error_messages={"min_value": INDICATOR_NEGATIVE % {"field": figure_label(name)}},
    )


class FirmIndicatorForm(forms.Form):
    date = forms.DateField(label=_("Date of the figures"), widget=DateInput())
    is_baseline = forms.BooleanField(
        label=_("This is the baseline"),
        required=False,
        help_text=_("The firm's first figures, before the network's work; there is only one."),
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

    def __init__(self, *args, has_baseline: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_baseline:
            self.fields["is_baseline"].help_text = _(
                "The firm already has its baseline: these figures are a follow-up."
            )
