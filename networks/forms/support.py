"""Support services: recording a firm's take-up, and the agency's catalogue of providers and services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.forms.common import DateInput
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.models import Network, ServiceUptake, SupportProvider, SupportService
from networks.selectors import support as support_selectors

# --- support-service take-up ----------------------------------------------------------------


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SupportService) -> str:
        return f"{obj.name} · {obj.provider.name} ({obj.get_category_display()})"


class UptakeForm(forms.Form):
    firm = forms.ModelChoiceField(label=_("Member firm"), queryset=None)
    service = ServiceChoiceField(label=_("Service"), queryset=None)
    referred_by_facilitator = forms.BooleanField(
        label=_("Referred by the facilitator"),
        required=False,
        initial=True,
        help_text=_("Counts toward the conversion rate when ticked."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=ServiceUptake.Status.choices)
    result = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Result"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, network: Network, uptake: ServiceUptake | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = support_selectors.uptake_firm_choices(network, uptake)
        self.fields["service"].queryset = support_selectors.catalogue_services(network)

    @staticmethod
    def initial_from(uptake: ServiceUptake) -> dict:
        return {
            "firm": uptake.firm_id,
            "service": uptake.service_id,
            "referred_by_facilitator": uptake.referred_by_facilitator,
            "date": uptake.date,
            "status": uptake.status,
            "result": uptake.result,
        }


# --- the catalogue --------------------------------------------------------------------------


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Provider's name"), max_length=NAME_MAX_LENGTH)


class ServiceForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None)
    name = forms.CharField(label=_("Service's name"), max_length=NAME_MAX_LENGTH)
    category = forms.ChoiceField(label=_("Category"), choices=SupportService.Category.choices)

    def __init__(self, *args, agency_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = SupportProvider.objects.filter(
            agency_id=agency_id
        ).order_by("name")
