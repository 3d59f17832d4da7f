"""Forms for joint actions, support-service take-up and the catalogue. They check types, ranges
and dates; the business rules are the services' (networks.services.joint_actions and .support)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from networks.forms.common import AmountField, DateInput, add_reason_field
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.models import JointAction, JointActionType, Network, User
from networks.selectors import joint_actions as joint_action_selectors
from networks.services import history as history_services
from networks.services.joint_actions import JOINT_ACTION_END_BEFORE_START


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: JointActionType) -> str:
        return str(obj.label)


class JointActionForm(forms.Form):
    type = TypeChoiceField(label=_("Type"), queryset=None, to_field_name="slug")
    title = forms.CharField(label=_("Title"), max_length=NAME_MAX_LENGTH)
    firms = forms.ModelMultipleChoiceField(
        label=_("Participating member firms"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "At least two. Each firm other than the one logging it confirms its own "
            "participation; until then it shows as unconfirmed."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=JointAction.Status.choices)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput(), required=False)
    end_date = forms.DateField(label=_("End date"), widget=DateInput(), required=False)
    value = AmountField(
        label=_("Money value"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        initial=0,
    )
    outcome = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, network: Network, user, joint_action=None, **kwargs):
        super().__init__(*args, **kwargs)
        types = joint_action_selectors.joint_action_types(network)
        active = types.filter(is_active=True)
        if joint_action is not None:
            # A type the agency has since switched off stays available to the action using it.
            active = types.filter(pk=joint_action.type_id) | active
        self.fields["type"].queryset = active
        self.fields["firms"].queryset = joint_action_selectors.participant_firm_choices(
            network, joint_action
        )
        self.fields["value"].help_text = _("In %(currency)s.") % {
            "currency": network.programme.currency
        }
        if joint_action is None and user.role == User.Role.FIRM_MEMBER:
            self.fields["firms"].help_text = _(
                "At least two. Your own firm always takes part, and its participation is "
                "confirmed at once; each other firm confirms its own."
            )
            self.fields["firms"].initial = [user.firm_id]
        if joint_action is not None:
            add_reason_field(
                self, needed=history_services.joint_action_needs_reason(joint_action),
                help_text=history_services.JOINT_ACTION_REASON_HELP,
                message=history_services.JOINT_ACTION_REASON_REQUIRED,
            )  # fmt: skip

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", JOINT_ACTION_END_BEFORE_START)
        return data

    @staticmethod
    def initial_from(joint_action: JointAction) -> dict:
        return {
            "type": joint_action.type.slug,
            "title": joint_action.title,
            "firms": [p.firm_id for p in joint_action.participants.all()],
            "status": joint_action.status,
            "start_date": joint_action.start_date,
            "end_date": joint_action.end_date,
            "value": joint_action.value,
            "outcome": joint_action.outcome,
        }


class JointActionFilterForm(forms.Form):
    """The list's filters (GET): invalid values are simply not applied."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("any status")), *JointAction.Status.choices],
    )
    type = forms.ChoiceField(label=_("Type"), required=False)
    waiting = forms.BooleanField(label=_("Only those waiting for my firm"), required=False)

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        types = joint_action_selectors.joint_action_types(network)
        self.fields["type"].choices = [("", _("any type"))] + [
            (t.slug, str(t.label)) for t in types
        ]
