"""The notification settings: for each kind, how it reaches the user."""

from django import forms

from networks.models import Channel, Kind


class PreferencesForm(forms.Form):
    """One choice per kind (e-mail at once, daily digest, in the app only), prefilled with the
    channel in force (the user's choice or the kind's default)."""

    def __init__(self, *args, current: list[tuple[str, str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label, channel in current:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Channel.choices,
                initial=channel,
                widget=forms.RadioSelect,
            )

    def channels(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in Kind.values if kind in self.fields}
