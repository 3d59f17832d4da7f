"""The re-diagnosis form: a date and the nine ratings (domain.md section 5)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.forms.common import DateInput
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.lib.typology import DIMENSIONS
from networks.models import Diagnosis, Rating


class RediagnosisForm(forms.Form):
    diagnosed_on = forms.DateField(label=_("Diagnosed on"), widget=DateInput())
    problems = forms.CharField(
        label=_("Problems now"), max_length=TEXT_MAX_LENGTH, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    opportunities = forms.CharField(
        label=_("Opportunities now"), max_length=TEXT_MAX_LENGTH, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"diagnosed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        for name in DIMENSIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=Diagnosis._meta.get_field(name).verbose_name.capitalize(),
                choices=[("", "—"), *Rating.choices], coerce=int, empty_value=None,
            )  # fmt: skip
