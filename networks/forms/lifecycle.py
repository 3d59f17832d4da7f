"""Forms for the pages. They check types, lengths, ranges and dates; the business rules are the
services' (networks.services), whose messages the views put back on these forms."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from networks import rules
from networks.forms.common import AmountField, DateInput, PersonChoiceField
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.lib.typology import DIMENSIONS, SCALE_LABELS
from networks.models import Diagnosis, Goal, Network
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services.lifecycle import (
    DISSOLVE_REASON_REQUIRED,
    MANAGER_REPLACE_REASON_REQUIRED,
    MEMBER_LEAVE_REASON_REQUIRED,
)


def _reason_field(label, required_message, *, required: bool = True) -> forms.CharField:
    # The service's own words when the reason is missing, so the page and the API agree.
    return forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=label,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=required,
        error_messages={"required": required_message},
    )


# --- networks -------------------------------------------------------------------------------


class NetworkForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    region = forms.CharField(label=_("Region"), max_length=120)
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    sector = forms.CharField(label=_("Sector"), max_length=120)
    facilitator = PersonChoiceField(label=_("Facilitator"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = lifecycle_selectors.agency_programmes(user.agency_id)
        self.fields["programme"].queryset = programmes
        if len(programmes) == 1:
            self.fields["programme"].initial = programmes[0].pk
        if user.is_agency:
            self.fields["facilitator"].queryset = lifecycle_selectors.agency_facilitators(
                user.agency_id
            )
        else:
            # A facilitator creates the networks they will run themselves.
            del self.fields["facilitator"]


class DissolveForm(forms.Form):
    reason = _reason_field(_("Reason for dissolving the network"), DISSOLVE_REASON_REQUIRED)


class AddMemberForm(forms.Form):
    # The firm goes by its tax id, as the search found it: a complete tax id always finds its
    # firm (see selectors.firm_search), whereas a database id would let anyone add any firm.
    tax_id = forms.CharField(max_length=20)


class RemoveMemberForm(forms.Form):
    reason = _reason_field(_("Why does the firm leave the network?"), MEMBER_LEAVE_REASON_REQUIRED)

    def __init__(self, *args, reason_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not reason_required:
            # Before approval the group is still being formed: leaving leaves no trace.
            del self.fields["reason"]


# --- diagnosis and goals --------------------------------------------------------------------


class DiagnosisForm(forms.Form):
    problems = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Problems"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    opportunities = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Opportunities"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    collaboration_basis = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Basis for collaboration"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for dimension in DIMENSIONS:
            words = SCALE_LABELS[dimension]
            self.fields[dimension] = forms.TypedChoiceField(
                label=capfirst(Diagnosis._meta.get_field(dimension).verbose_name),
                choices=[("", _("not rated")), *((i, words[i - 1]) for i in (1, 2, 3))],
                coerce=int,
                empty_value=None,
                required=False,
            )

    @classmethod
    def initial_from(cls, diagnosis: Diagnosis | None) -> dict:
        if diagnosis is None:
            return {}
        fields = ("problems", "opportunities", "collaboration_basis", *DIMENSIONS)
        return {field: getattr(diagnosis, field) for field in fields}


class GoalForm(forms.Form):
    horizon = forms.ChoiceField(label=_("Horizon"), choices=Goal.Horizon.choices)
    title = forms.CharField(label=_("Title"), max_length=NAME_MAX_LENGTH)
    indicator = forms.CharField(
        label=_("Indicator"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("What is measured, e.g. firms buying inputs together."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    baseline = AmountField(
        label=_("Baseline"),
        max_digits=16,
        decimal_places=2,
        required=False,
    )
    target = AmountField(
        label=_("Target"),
        max_digits=16,
        decimal_places=2,
        required=False,
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programme is not None:  # the programme's horizons (the model's labels say 12 and 36)
            self.fields["horizon"].choices = [
                (horizon, rules.horizon_label(programme, horizon)) for horizon in Goal.Horizon
            ]

    @classmethod
    def initial_from(cls, goal: Goal) -> dict:
        return {name: getattr(goal, name) for name in cls.base_fields}


# --- the application ------------------------------------------------------------------------


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approve", _("Approve")),
            ("return", _("Return for changes")),
            ("reject", _("Reject")),
        ],
    )
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "Required to return or reject. The facilitator reads it on the application page."
        ),
    )


# --- the manager ----------------------------------------------------------------------------


class AppointManagerForm(forms.Form):
    manager = PersonChoiceField(label=_("Manager"), queryset=None)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    monthly_salary = AmountField(
        label=_("Monthly salary"),
        max_digits=14,
        decimal_places=2,
    )

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = lifecycle_selectors.agency_facilitators(network.agency_id)
        self.fields["monthly_salary"].help_text = _("In %(currency)s.") % {
            "currency": network.programme.currency
        }


class ReplaceManagerForm(AppointManagerForm):
    reason = _reason_field(_("Reason for the replacement"), MANAGER_REPLACE_REASON_REQUIRED)
