"""Forms of the console's programme pages: the settings (built from the service's list of
settings, so that a new setting is one line there) and the activity and joint-action types."""

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from networks.models import Programme
from networks.services import history as history_services
from networks.services import programmes as programme_services

NUMBER_LIST_INVALID = _("Give whole numbers separated by commas, e.g. 70, 50, 30.")


class NumberListField(forms.CharField):
    """A list of whole numbers typed as "70, 50, 30" (a JSON list setting)."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return []
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(NUMBER_LIST_INVALID, code="invalid") from None


def _form_field(model_field, **kwargs):
    if isinstance(model_field, models.JSONField):
        return NumberListField(
            label=capfirst(model_field.verbose_name), required=False,
            help_text=_("Whole numbers separated by commas, e.g. %(example)s.")
            % {"example": ", ".join(str(v) for v in model_field.get_default())},
        )  # fmt: skip
    return model_field.formfield(**kwargs)


class ProgrammeSettingsForm(forms.Form):
    """Every setting of SETTING_GROUPS, then the reason; `groups` gives the page its sections."""

    reason = forms.CharField(
        label=_("Reason for the change"), required=False,
        max_length=history_services.REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to save a change. Kept in the audit history."),
    )  # fmt: skip

    def __init__(self, *args, programme: Programme, **kwargs):
        initial = {name: getattr(programme, name) for name in programme_services.SETTING_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        reason = self.fields.pop("reason")
        for name in programme_services.SETTING_FIELDS:
            self.fields[name] = _form_field(Programme._meta.get_field(name))
        self.fields["reason"] = reason

    def groups(self):
        return [
            (title, [self[name] for name in names])
            for title, names in programme_services.SETTING_GROUPS
        ]

    def settings(self) -> dict:
        return {name: self.cleaned_data[name] for name in programme_services.SETTING_FIELDS}


class TypeForm(forms.Form):
    name = forms.CharField(label=_("Name in English"), max_length=120)
    name_es = forms.CharField(label=_("Name in Spanish"), max_length=120, required=False)
