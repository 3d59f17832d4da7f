"""The reason for a change, on every form that changes a record others rely on, and the forms
that correct a payment, a goal's value or a firm's figures.

The reason field is required when the record needs one now (networks.services.history says
when); its help text states the rule. The service checks again, so a record that became
confirmed while the form was open still asks for it.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.forms import AmountInput, DateInput
from networks.forms_progress import FirmIndicatorForm
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.services import history as history_services

REASON_LABEL = _("Reason for the change")


def add_reason_field(form: forms.Form, *, needed: bool, help_text, message) -> None:
    form.fields["reason"] = forms.CharField(
        label=REASON_LABEL,
        required=needed,
        max_length=history_services.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
        error_messages={"required": message},
    )


class PaymentChangeForm(forms.Form):
    """Correct a payment (date, amount, reference) or remove it; always with a reason."""

    date = forms.DateField(label=_("Date paid"), widget=DateInput())
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, localize=True, widget=AmountInput()
    )
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)

    def __init__(self, *args, payment, **kwargs):
        kwargs.setdefault(
            "initial",
            {"date": payment.date, "amount": payment.amount, "reference": payment.reference},
        )
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("In %(currency)s.") % {
            "currency": payment.network.programme.currency
        }
        add_reason_field(
            self, needed=history_services.payment_needs_reason(payment),
            help_text=history_services.PAYMENT_REASON_HELP, message=history_services.PAYMENT_REASON_REQUIRED,
        )  # fmt: skip


class GoalActualChangeForm(forms.Form):
    value = forms.DecimalField(
        label=_("Value"), max_digits=16, decimal_places=2, localize=True, widget=AmountInput()
    )
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


class ActivityDeleteForm(forms.Form):
    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        add_reason_field(
            self, needed=history_services.activity_needs_reason(activity),
            help_text=history_services.ACTIVITY_REASON_HELP, message=history_services.ACTIVITY_REASON_REQUIRED,
        )  # fmt: skip
