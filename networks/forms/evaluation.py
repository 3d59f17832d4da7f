"""Forms for the criteria set, the evaluation of a network and the portfolio report's filter.

Types and ranges here; the rules (every active criterion answered, no date in the future, unique
titles) are the services', whose messages the views put back on these forms.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.forms.common import DateInput
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.models import Criterion, Network
from networks.selectors.evaluation import Suggestion
from networks.services import evaluation as evaluation_services
from networks.services.criteria import CRITERION_TITLE_REQUIRED

MET, NOT_MET = "met", "not_met"
ANSWERS = [(MET, _("Met")), (NOT_MET, _("Not met"))]
MAX_AGE_MONTHS = 600
MAX_K = 100  # more criteria than any set will have
AGE_ORDER = _("The maximum age must be at least the minimum.")
PERIOD_ORDER = _("The end of the period must be on or after its start.")
SUGGESTION_UNCHECKED = _(
    "“%(criterion)s” still shows the app's suggestion: tick “I checked it”, or change the answer."
)
SUGGESTION_EVIDENCE = _("From the app's data: %(why)s")
THRESHOLDS_INVALID = _("Give whole numbers of criteria from 0 to %(max)s, separated by commas.")


class CriterionForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=Criterion._meta.get_field("title").max_length,
        error_messages={"required": CRITERION_TITLE_REQUIRED},
    )
    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What the evaluator looks for, and what counts as evidence."),
    )
    suggestion = forms.ChoiceField(
        label=_("Automatic suggestion"),
        choices=Criterion.Suggestion.choices,
        required=False,
        help_text=_(
            "The data the evaluation form reads to suggest met or not met. The evaluator "
            "always decides."
        ),
    )

    @staticmethod
    def initial_from(criterion: Criterion) -> dict:
        return {
            "title": str(criterion.label),
            "description": criterion.description,
            "suggestion": criterion.suggestion,
        }


class CriterionRow:
    """One criterion on the evaluation form: its answer and evidence fields, what the data
    suggest, and the officer's check of a suggested answer."""

    def __init__(self, form, criterion: Criterion, suggestion: Suggestion | None):
        self.criterion = criterion
        self.suggestion = suggestion
        self.met = form[f"met_{criterion.pk}"]
        self.evidence = form[f"evidence_{criterion.pk}"]
        self.confirm = form[f"confirm_{criterion.pk}"] if suggestion else None
        self.suggested_answer = (MET if suggestion.met else NOT_MET) if suggestion else ""
        self.answers = ANSWERS


class EvaluationForm(forms.Form):
    """Date, notes, and for each active criterion met / not met (no default) with evidence.

    An unanswered criterion is not a form error: the service names every missing criterion
    together with any other problem, and `add_service_errors` puts each message beside its
    field, so that one submission shows every error.
    """

    date = forms.DateField(label=_("Date of the evaluation"), widget=DateInput())
    notes = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, network: Network, criteria: list[tuple], **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.network = network
        self.criteria = [criterion for criterion, _suggestion in criteria]
        for criterion, suggestion in criteria:
            # The form starts from what the data suggest, marked as such until checked.
            self.fields[f"met_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.label, choices=ANSWERS, widget=forms.RadioSelect, required=False,
                initial=(MET if suggestion.met else NOT_MET) if suggestion else None,
            )  # fmt: skip
            self.fields[f"evidence_{criterion.pk}"] = forms.CharField(
                max_length=TEXT_MAX_LENGTH,
                label=_("Evidence"),
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                required=False,
                initial=SUGGESTION_EVIDENCE % {"why": suggestion.why} if suggestion else "",
            )
            if suggestion:
                self.fields[f"confirm_{criterion.pk}"] = forms.BooleanField(
                    label=_("I checked it"), required=False
                )
        self.rows = [CriterionRow(self, c, s) for c, s in criteria]

    def clean(self):
        """A suggested answer posted back unchanged counts once the officer ticked "I checked
        it". The page says which answers it suggested (`suggested_<id>`); a post that does not
        (the API, a script) answers for itself."""
        cleaned = super().clean()
        for row in self.rows:
            name = f"met_{row.criterion.pk}"
            suggested = self.data.get(f"suggested_{row.criterion.pk}")
            answered = cleaned.get(name)
            checked = cleaned.get(f"confirm_{row.criterion.pk}")
            if row.suggestion and suggested and answered == suggested and not checked:
                self.add_error(name, SUGGESTION_UNCHECKED % {"criterion": row.criterion.label})
        return cleaned

    def results(self) -> list[tuple[Criterion, bool | None, str]]:
        """(criterion, met or None when unanswered, evidence) for the service."""
        data = self.cleaned_data
        answers = {MET: True, NOT_MET: False}
        return [
            (c, answers.get(data.get(f"met_{c.pk}")), data.get(f"evidence_{c.pk}", ""))
            for c in self.criteria
        ]

    def add_service_errors(self, exc: ValidationError) -> None:
        """Each of the service's messages beside the field it is about, the rest on top."""
        began = self.network.term_start or self.network.created_on
        by_message = {
            str(evaluation_services.EVALUATION_DATE_IN_FUTURE): "date",
            str(evaluation_services.EVALUATION_BEFORE_NETWORK % {"date": began.isoformat()}): (
                "date"
            ),
        }
        for criterion in self.criteria:
            missing = evaluation_services.EVALUATION_CRITERION_MISSING % {
                "criterion": criterion.label
            }
            by_message[str(missing)] = f"met_{criterion.pk}"
        for message in exc.messages:
            self.add_error(by_message.get(message), message)


class PortfolioFilterForm(forms.Form):
    """The report's filter (GET). Every field is optional: empty means "all"."""

    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All programmes")
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    min_age_months = forms.IntegerField(
        label=_("Age at evaluation from (months)"),
        min_value=0,
        max_value=MAX_AGE_MONTHS,
        required=False,
    )
    max_age_months = forms.IntegerField(
        label=_("to (months)"), min_value=0, max_value=MAX_AGE_MONTHS, required=False
    )
    age_from = forms.ChoiceField(
        label=_("Count the age from"),
        required=False,
        choices=[
            ("appointment", _("the manager's appointment (the start of the term)")),
            ("approval", _("the approval of the application")),
        ],
        help_text=_("A network with neither yet counts from its creation."),
    )
    thresholds = forms.CharField(
        label=_("Summarise at"),
        required=False,
        max_length=100,
        help_text=_(
            "Numbers of criteria, separated by commas (e.g. 4, 6). Empty: a third and a half "
            "of the criteria."
        ),
    )
    date_from = forms.DateField(label=_("Indicators from"), widget=DateInput(), required=False)
    date_to = forms.DateField(label=_("to"), widget=DateInput(), required=False)
    # Set by the links in the table ("show the networks behind this number"), not shown.
    k = forms.IntegerField(min_value=0, max_value=MAX_K, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, programmes, regions: list[str], sectors: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        everywhere = [("", _("All regions"))]
        self.fields["region"].choices = everywhere + [(r, r) for r in regions]
        self.fields["sector"].choices = [("", _("All sectors"))] + [(s, s) for s in sectors]

    def clean_thresholds(self) -> list[int]:
        text = self.cleaned_data.get("thresholds", "")
        try:
            values = sorted(
                {int(part) for part in text.replace(";", ",").split(",") if part.strip()}
            )
        except ValueError:
            raise ValidationError(THRESHOLDS_INVALID % {"max": MAX_K}) from None
        if any(v < 0 or v > MAX_K for v in values):
            raise ValidationError(THRESHOLDS_INVALID % {"max": MAX_K})
        return values

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age_months"), data.get("max_age_months")
        if low is not None and high is not None and low > high:
            self.add_error("max_age_months", AGE_ORDER)
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", PERIOD_ORDER)
        return data

    def filters(self) -> dict:
        """The portfolio's filter (programme, region, sector, ages) from a valid form."""
        data = self.cleaned_data
        return {
            "programme": data.get("programme"),
            "region": data.get("region") or "",
            "sector": data.get("sector") or "",
            "min_age_months": data.get("min_age_months"),
            "max_age_months": data.get("max_age_months"),
            "age_from": data.get("age_from") or "appointment",
        }
