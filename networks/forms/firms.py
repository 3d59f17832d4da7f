"""Registering a firm (while building a network)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.lib.limits import NAME_MAX_LENGTH

# --- members --------------------------------------------------------------------------------


class FirmForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    tax_id = forms.CharField(
        label=_("Tax id"), max_length=20, help_text=_("In Chile the RUT, e.g. 76.123.456-7.")
    )
    sector = forms.CharField(label=_("Sector"), max_length=120, required=False)
    region = forms.CharField(label=_("Region"), max_length=120, required=False)
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    # The column is a PostgreSQL integer: a larger count is a field error, not a server error.
    employees = forms.IntegerField(
        label=_("Employees"), min_value=0, max_value=2_147_483_647, required=False
    )
    contact_name = forms.CharField(
        label=_("Contact person"), max_length=NAME_MAX_LENGTH, required=False
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
