"""Forms for data out and in: the network filter of the export list, the import upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.files.imports import COLUMNS


class ExportFilterForm(forms.Form):
    """Which of the user's networks the export links cover (all of them when empty)."""

    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=None,
        required=False,
        empty_label=_("All my networks"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = access.visible_networks(user).order_by("name")


IMPORT_HELP = _(
    "The first row names the columns: %(columns)s. Only name and tax_id are required; network "
    "is the network's id or exact name."
)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, not at import, so that it follows the reader's language.
        self.fields["file"].help_text = IMPORT_HELP % {"columns": ", ".join(COLUMNS)}


class ImportConfirmForm(forms.Form):
    """The signed reference to the stored upload (never the rows themselves)."""

    token = forms.CharField(widget=forms.HiddenInput)
