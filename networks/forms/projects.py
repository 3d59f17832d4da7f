"""Forms for joint strategic projects, their milestones, and the sales a joint action won per
firm. Types and ranges here; co-financing and participants are checked by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.forms.common import AmountInput, DateInput
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.models import JointProject, Milestone


def _money(label, help_text="", required=True):
    return forms.DecimalField(
        label=label, min_value=0, max_digits=16, decimal_places=2, localize=True,
        widget=AmountInput(), help_text=help_text, required=required,
    )  # fmt: skip


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=NAME_MAX_LENGTH)
    goal = forms.CharField(
        label=_("Goal"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the firms will reach together that none reaches alone."),
    )  # fmt: skip
    status = forms.ChoiceField(label=_("Status"), choices=JointProject.Status.choices)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    budget = _money(_("Budget"))
    agency_funding = _money(_("Agency co-financing"))
    firms_funding = _money(
        _("Firms' co-financing"),
        _("Split equally among the participating firms, to the currency's unit."),
    )
    firms = forms.MultipleChoiceField(
        label=_("Participating firms"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Two or more active member firms."),
    )  # fmt: skip

    def __init__(self, *args, members=(), project=None, **kwargs):
        if project is not None:
            initial = {name: getattr(project, name) for name in FIELDS}
            initial["firms"] = [str(row.firm_id) for row in project.participants.all()]
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["firms"].choices = [(str(firm.pk), firm.name) for firm in members]

    def clean_firms(self):
        return [int(pk) for pk in self.cleaned_data["firms"]]


FIELDS = (
    "title", "goal", "status", "start_date", "end_date", "budget", "agency_funding",
    "firms_funding",
)  # fmt: skip


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=NAME_MAX_LENGTH)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=Milestone.Status.choices)
    done_on = forms.DateField(
        label=_("Reached on"), required=False, widget=DateInput(),
        help_text=_("Needed when the milestone is done."),
    )  # fmt: skip


class SalesForm(forms.Form):
    """One amount per participating firm (`participants`: JointActionParticipant rows)."""

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.firm_fields = []
        for row in participants:
            name = f"firm_{row.firm_id}"
            self.fields[name] = _money(row.firm.name, required=False)
            self.fields[name].initial = row.sales
            self.firm_fields.append((name, row.firm_id))

    def sales(self) -> dict:
        return {pk: self.cleaned_data.get(name) for name, pk in self.firm_fields}


class ProjectLinkForm(forms.Form):
    project = forms.TypedChoiceField(
        label=_("Joint strategic project"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", _("None"))] + [(p.pk, p.title) for p in projects]
