"""The facilitator's form to record a firm's answer on its behalf. The rules (who may, which
firm, how it was obtained, the file's content) are the service's (services/confirmations)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import TEXT_MAX_LENGTH
from networks.models import ON_BEHALF_METHODS, ConfirmationMethod

CONFIRM, DECLINE = "confirm", "decline"


class RecordAnswerForm(forms.Form):
    firm = forms.TypedChoiceField(label=_("Firm"), coerce=int)
    answer = forms.ChoiceField(label=_("The firm's answer"), widget=forms.RadioSelect)
    method = forms.ChoiceField(
        label=_("How did you obtain it?"), widget=forms.RadioSelect,
        choices=[(m.value, ConfirmationMethod(m).label) for m in ON_BEHALF_METHODS],
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), max_length=TEXT_MAX_LENGTH, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: who answered, and when. For example: “Ana Pérez, by phone, 4 April”."),
    )  # fmt: skip
    evidence = forms.FileField(
        label=_("Attachment"), required=False,
        help_text=_("Optional: the signed paper or the firm's e-mail (PDF, image or office file)."),
    )  # fmt: skip

    def __init__(self, *args, firms=(), attendance: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].choices = [(firm.pk, firm.name) for firm in firms]
        if attendance:
            answers = [(CONFIRM, _("It attended")), (DECLINE, _("It was not there"))]
        else:
            answers = [(CONFIRM, _("It took part")), (DECLINE, _("It did not take part"))]
        self.fields["answer"].choices = answers

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "firm_id": data["firm"], "confirm": data["answer"] == CONFIRM,
            "method": data["method"], "note": data["note"], "evidence": data.get("evidence"),
        }  # fmt: skip
