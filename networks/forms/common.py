"""What the forms share: date and amount widgets, a person picker, and the reason field of every
form that changes a record others rely on.

The reason field is required when the record needs one now (networks.services.history says
when); its help text states the rule. The service checks again, so a record that became
confirmed while the form was open still asks for it.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from networks.lib import money
from networks.services import history as history_services


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and expects ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AmountInput(forms.TextInput):
    """An amount typed as the reader writes it: 1.234.567,5 in Spanish, 1,234,567.5 in English.

    A text box with the phone's number keypad, for a field with localize=True: a number box
    (type=number) takes no thousands separators, and shows the amount without them.
    """

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", **(attrs or {})})


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


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


AMOUNT_INVALID = _("Enter an amount in figures, such as 1.250.000 or 1250000.")


class AmountField(forms.DecimalField):
    """An amount typed as people in Chile type it, in either language ("$1.300.000",
    "1.250.000,50", "1250000"): networks.lib.money.parse_amount says how each form reads.

    Shown as the reader writes it (localized) in a text box with the number keypad.
    """

    widget = AmountInput
    default_error_messages = {"invalid": AMOUNT_INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return money.parse_amount(
                value,
                decimal_mark=get_format("DECIMAL_SEPARATOR"),
                decimal_places=self.decimal_places,
            )
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
