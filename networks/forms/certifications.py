"""Forms for a firm's certifications. Types and dates here; the rules (certified needs its
date, dates in order, who records for which network) are the service's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.forms.common import DateInput
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.models import Certification
from networks.services.certifications import UNSET

OWN_RECORD = "own"


class CertificationForm(forms.Form):
    """`networks` are those the user may record for; `own` adds the firm's own record (its
    own users only). With one choice only, the field is not shown."""

    network = forms.ChoiceField(
        label=_("Recorded for"),
        required=False,
        help_text=_("The network's facilitator and agency read what is recorded for it."),
    )
    standard = forms.CharField(
        label=_("Standard"), max_length=120, help_text=_("For example ISO 9001, GMP, HACCP.")
    )
    certifier = forms.CharField(label=_("Certifier"), max_length=NAME_MAX_LENGTH, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Certification.Status.choices)
    started_on = forms.DateField(label=_("Work started on"), required=False, widget=DateInput())
    audited_on = forms.DateField(label=_("Audited on"), required=False, widget=DateInput())
    certified_on = forms.DateField(
        label=_("Certified on"), required=False, widget=DateInput(),
        help_text=_("Needed once certified: it tells whether the firm was certified when it "
                    "joined the network."),
    )  # fmt: skip
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), max_length=TEXT_MAX_LENGTH, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    evidence = forms.FileField(
        label=_("Evidence"), required=False,
        help_text=_("Optional: the certificate, the audit report or the work plan (PDF, image "
                    "or office file)."),
    )  # fmt: skip

    def __init__(self, *args, networks=(), own: bool = False, editing=None, **kwargs):
        if editing is not None:
            kwargs.setdefault("initial", {name: getattr(editing, name) for name in CHANGE_FIELDS})
        super().__init__(*args, **kwargs)
        if editing is not None:
            del self.fields["network"]
            self.network_hidden = True
            return
        choices = [(str(network.pk), network.name) for network in networks]
        if own:
            choices.append((OWN_RECORD, _("Only our firm: not shared with any network")))
        field = self.fields["network"]
        field.choices = choices
        if choices:
            field.initial = choices[0][0]
        self.network_hidden = len(choices) == 1
        if self.network_hidden:
            field.widget = forms.HiddenInput()

    def clean(self):
        if self.network_hidden and "network" in self._errors:
            self.add_error(None, self._errors.pop("network"))
        return super().clean()

    def clean_network(self):
        value = self.cleaned_data["network"]
        if value in ("", None):
            return UNSET
        return None if value == OWN_RECORD else int(value)


CHANGE_FIELDS = (
    "standard", "certifier", "status", "started_on", "audited_on", "certified_on", "expires_on",
    "notes",
)  # fmt: skip
