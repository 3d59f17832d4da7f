"""Forms for the activity pages. They check types and formats; the rules (phase, dates,
membership on the date, the host of a factory visit) are the service's."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from networks.forms.common import AmountField, DateInput, add_reason_field
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.models import Activity, Network
from networks.selectors import activities as activity_selectors
from networks.services import history as history_services

DATE_RANGE_REVERSED = _("The start of the range is after its end.")


class ActivityTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return capfirst(str(obj.label))


class FirmCheckboxes(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.name


class ActivityForm(forms.Form):
    type = ActivityTypeChoiceField(label=_("Type"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=NAME_MAX_LENGTH)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=NAME_MAX_LENGTH, required=False)
    host_firm = forms.ModelChoiceField(
        label=_("Host firm"),
        queryset=None,
        required=False,
        help_text=_("The member firm that hosts it; a factory visit needs one."),
    )
    attendees = FirmCheckboxes(
        label=_("Member firms that attended"),
        queryset=None,
        required=False,
        help_text=_("Only firms that were members on the activity's date."),
    )
    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    outcomes = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Outcomes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    # No lower bound here: the service's own message answers a negative cost.
    cost = AmountField(
        label=_("Cost"),
        max_digits=14,
        decimal_places=2,
        required=False,
        initial=0,
    )

    def __init__(self, *args, network: Network, activity: Activity | None = None, **kwargs):
        if activity is not None:
            kwargs.setdefault("initial", self.initial_from(activity))
        super().__init__(*args, **kwargs)
        firms = ()
        if activity is not None:
            firms = tuple(row.firm_id for row in activity.attendance.all())
            firms += (activity.host_firm_id,) if activity.host_firm_id else ()
        self.fields["type"].queryset = activity_selectors.activity_types(
            network, include_pk=activity.type_id if activity else None
        )
        self.fields["host_firm"].queryset = activity_selectors.member_firms(network, include=firms)
        self.fields["attendees"].queryset = activity_selectors.member_firms(network, include=firms)
        self.fields["cost"].help_text = _("In %(currency)s.") % {
            "currency": network.programme.currency
        }
        if activity is not None:
            add_reason_field(
                self, needed=history_services.activity_needs_reason(activity),
                help_text=history_services.ACTIVITY_REASON_HELP, message=history_services.ACTIVITY_REASON_REQUIRED,
            )  # fmt: skip

    @staticmethod
    def initial_from(activity: Activity) -> dict:
        return {
            "type": activity.type_id,
            "title": activity.title,
            "date": activity.date,
            "place": activity.place,
            "host_firm": activity.host_firm_id,
            "attendees": [row.firm_id for row in activity.attendance.all()],
            "description": activity.description,
            "outcomes": activity.outcomes,
            "cost": activity.cost,
        }


class ActivityFilterForm(forms.Form):
    """The list's filters, sent by GET; a bad date is an error on the form, not a crash."""

    type = ActivityTypeChoiceField(
        label=_("Type"), queryset=None, required=False, to_field_name="slug",
        empty_label=_("All types"),
    )  # fmt: skip
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = activity_selectors.all_activity_types(network)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", DATE_RANGE_REVERSED)
        return data

    def filters(self) -> dict:
        """The selector's keyword arguments; no filter at all when the form is invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "type_slug": data["type"].slug if data.get("type") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.odt,.ods"}),
        help_text=_(
            "A photo, attendance sheet or minutes: PDF, JPEG, PNG, DOCX, XLSX, ODT or ODS."
        ),
    )


class ActivityDeleteForm(forms.Form):
    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        add_reason_field(
            self, needed=history_services.activity_needs_reason(activity),
            help_text=history_services.ACTIVITY_REASON_HELP, message=history_services.ACTIVITY_REASON_REQUIRED,
        )  # fmt: skip
