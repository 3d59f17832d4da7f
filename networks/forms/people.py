"""Forms of the console's people pages, a firm's contacts and the invitation link."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from networks.models import User
from networks.services import history as history_services

# Capitalised as the other choice lists read (the model's labels are lower case for sentences).
ROLE_CHOICES = [(value, capfirst(label)) for value, label in User.Role.choices]
STAFF_ROLE_CHOICES = [
    (value, label) for value, label in ROLE_CHOICES if value != User.Role.FIRM_MEMBER
]
LANGUAGE_CHOICES = [("", _("The site's language")), *settings.LANGUAGES]


class FirmChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.tax_id})"


class ContactInviteForm(forms.Form):
    """A firm's contact, invited from the firm's page (the firm is the page's)."""

    email = forms.EmailField(label=_("E-mail"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language of the e-mail"), choices=LANGUAGE_CHOICES, required=False
    )


class InviteForm(ContactInviteForm):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            *reversed(STAFF_ROLE_CHOICES),
            (User.Role.FIRM_MEMBER, capfirst(User.Role.FIRM_MEMBER.label)),
        ],
    )
    firm = FirmChoiceField(
        label=_("Firm"), queryset=None, required=False,
        help_text=_("Only for a firm contact: a firm of one of the agency's networks."),
    )  # fmt: skip
    field_order = ["email", "first_name", "last_name", "role", "firm", "language"]

    def __init__(self, *args, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = firms


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Find"), required=False, max_length=120,
        help_text=_("Name, e-mail, or the firm's name or tax id."),
    )  # fmt: skip
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *ROLE_CHOICES]
    )
    status = forms.ChoiceField(
        label=_("Account"), required=False,
        choices=[("", _("Any")), ("active", _("Active")), ("inactive", _("Deactivated"))],
    )  # fmt: skip


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    reason = forms.CharField(
        label=_("Reason for the change"), required=False,
        max_length=history_services.REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the account deactivated?"),
        max_length=history_services.REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit. Their sessions and API tokens end at once."),
    )  # fmt: skip


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"), strip=False, max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )  # fmt: skip
    password2 = forms.CharField(
        label=_("Password again"), strip=False, max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
