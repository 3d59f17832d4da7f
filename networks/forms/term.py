"""Forms for the term's pages: payments, share weights, changes of the due date, the handover.

They check types, lengths and ranges; the rules (shares adding up to 100, dates, membership) are
the services' (networks.services.term), whose messages the views put back on these forms. Share
inputs let negative and blank values through so that the service names every problem at once.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.forms.common import (
    AmountField,
    DateInput,
    PersonChoiceField,
    add_reason_field,
)
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.models import Firm, Membership, Network
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import history as history_services
from networks.services.term import EXTENSION_REASON_REQUIRED


def _percent_field(firm: Firm, initial=None) -> forms.DecimalField:
    return forms.DecimalField(
        label=firm.name,
        max_digits=6,
        decimal_places=3,
        required=False,
        initial=initial,
        widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal", "data-share": ""}),
    )


class ShareInputsMixin:
    """One percent input per active member firm, named share_<firm id>."""

    def add_share_fields(self, memberships: list[Membership], initial: dict) -> None:
        self.share_firms = [m.firm for m in memberships]
        for firm in self.share_firms:
            self.fields[f"share_{firm.pk}"] = _percent_field(firm, initial.get(firm.pk))

    def share_field_names(self) -> list[str]:
        return [f"share_{firm.pk}" for firm in self.share_firms]

    def shares(self) -> dict:
        """{firm: percent} for the inputs that were filled in; a blank one is left out, so the
        service reports the firm as missing."""
        result = {}
        for firm in self.share_firms:
            value = self.cleaned_data.get(f"share_{firm.pk}")
            if value is not None:
                result[firm] = value
        return result


class PaymentForm(forms.Form):
    firm = forms.ModelChoiceField(label=_("Firm"), queryset=Firm.objects.none())
    date = forms.DateField(label=_("Date paid"), widget=DateInput())
    # Two decimals, as the payments are stored; CLP amounts are rounded to whole pesos.
    amount = AmountField(label=_("Amount"), max_digits=14, decimal_places=2)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=120,
        required=False,
        help_text=_("A transfer number or receipt, to find the payment again."),
    )

    def __init__(self, *args, network: Network, **kwargs):
        super().__init__(*args, **kwargs)
        # Former members too: a firm that left may still settle what it owes.
        self.fields["firm"].queryset = Firm.objects.filter(
            pk__in=Membership.objects.filter(network=network).values("firm_id")
        ).order_by("name")
        self.fields["date"].initial = timezone.localdate()
        self.fields["amount"].help_text = _("In %(currency)s.") % {
            "currency": network.programme.currency
        }


class ShareWeightsForm(ShareInputsMixin, forms.Form):
    mode = forms.ChoiceField(
        label=_("How the firms' part is split"),
        widget=forms.RadioSelect,
        choices=[
            (Network.ShareMode.EQUAL, _("Equal shares among the active members")),
            (Network.ShareMode.WEIGHTED, _("By the weights below (in %, adding up to 100)")),
        ],
    )

    def __init__(self, *args, network: Network, memberships: list, weights: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].initial = network.share_mode
        self.add_share_fields(memberships, weights)

    def weights(self) -> dict:
        """What services.term.share_weights_set takes: an empty mapping means equal shares."""
        if self.cleaned_data["mode"] == Network.ShareMode.EQUAL:
            return {}
        return self.shares()


class TermChangeForm(forms.Form):
    new_due_date = forms.DateField(label=_("New due date of the handover"), widget=DateInput())
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": EXTENSION_REASON_REQUIRED},
    )


class TermExtensionForm(TermChangeForm):
    """An extension carries its own rate: what the agency pays until the new due date."""

    agency_percent = forms.DecimalField(
        label=_("Agency share during the extension (%)"),
        min_value=0,
        max_value=100,
        max_digits=6,
        decimal_places=3,
        required=False,
        help_text=_(
            "Empty: the last year's rate. Without an extension the agency pays the programme's "
            "share after the due date (%(overdue)s%%) from the day after it."
        ),
    )

    def __init__(self, *args, programme, **kwargs):
        schedule = programme.agency_share_schedule or [0]
        kwargs.setdefault("initial", {}).setdefault("agency_percent", schedule[-1])
        super().__init__(*args, **kwargs)
        field = self.fields["agency_percent"]
        field.help_text = field.help_text % {
            "overdue": f"{programme.overdue_agency_percent.normalize():f}"
        }


class HandoverForm(ShareInputsMixin, forms.Form):
    date = forms.DateField(label=_("Handover date"), widget=DateInput())
    manager = PersonChoiceField(
        label=_("Manager from the handover on"),
        queryset=None,
        help_text=_("The manager who continues, or a new one."),
    )
    monthly_salary = AmountField(
        label=_("Monthly salary from the handover on"),
        max_digits=14,
        decimal_places=2,
    )

    def __init__(self, *args, network: Network, memberships: list, shares: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = lifecycle_selectors.agency_facilitators(network.agency_id)
        self.fields["manager"].initial = network.facilitator_id
        self.fields["date"].initial = network.handover_due
        self.fields["monthly_salary"].help_text = _("In %(currency)s.") % {
            "currency": network.programme.currency
        }
        self.add_share_fields(memberships, shares)
        add_reason_field(
            self, needed=history_services.handover_needs_reason(network),
            help_text=history_services.HANDOVER_REASON_HELP, message=history_services.HANDOVER_REASON_REQUIRED,
        )  # fmt: skip


class PaymentChangeForm(forms.Form):
    """Correct a payment (date, amount, reference) or remove it; always with a reason."""

    date = forms.DateField(label=_("Date paid"), widget=DateInput())
    amount = AmountField(label=_("Amount"), max_digits=14, decimal_places=2)
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)

    def __init__(self, *args, payment, **kwargs):
        kwargs.setdefault(
            "initial",
            {"date": payment.date, "amount": payment.amount, "reference": payment.reference},
        )
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("In %(currency)s.") % {
            "currency": payment.network.programme.currency
        }
        add_reason_field(
            self, needed=history_services.payment_needs_reason(payment),
            help_text=history_services.PAYMENT_REASON_HELP, message=history_services.PAYMENT_REASON_REQUIRED,
        )  # fmt: skip
