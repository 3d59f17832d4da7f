"""The yearly check-in on a network in independence."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.forms.common import DateInput
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.rules import MAX_INTEGER


class CheckInForm(forms.Form):
    date = forms.DateField(
        label=_("Date of the check-in"),
        widget=DateInput(),
        help_text=_("The year after the handover it belongs to follows from the date."),
    )
    still_meeting = forms.BooleanField(label=_("The firms still meet"), required=False)
    manager_paid = forms.BooleanField(
        label=_("The firms still pay the manager's whole salary"), required=False
    )
    members = forms.IntegerField(label=_("Member firms"), min_value=0, max_value=MAX_INTEGER)
    joint_actions = forms.IntegerField(
        label=_("Joint actions in the year"),
        min_value=0,
        max_value=MAX_INTEGER,
        help_text=_("Begun in the twelve months since the handover's last anniversary."),
    )
    stopped = forms.BooleanField(
        label=_("The network has stopped"),
        required=False,
        help_text=_(
            "The firms no longer work together as a network. The agency's dashboard flags it."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
