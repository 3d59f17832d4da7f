"""Serializers for firms.

They check types and shapes; the services check the business rules. Text fields the services
validate accept blanks here, so that the API answers with the service's own message.
"""

from networks.api.input import StrictIntegerField, StrictModelSerializer
from networks.api.serializers.common import LocalityField, LocalityMixin
from networks.models import Firm
from networks.rules import MAX_INTEGER

# --- firms and members ----------------------------------------------------------------------


class FirmSerializer(LocalityMixin, StrictModelSerializer):
    """A firm. One the user found only by its complete tax id (`selectors.firm_search` marks it
    not `findable`: another agency's firm) shows its id, name and tax id, nothing else."""

    locality = LocalityField(
        help_text='"Talca, Maule": commune, region. Without a comma, the region.'
    )
    # The service gives the messages: a negative count, and a tax id already registered.
    employees = StrictIntegerField(
        required=False, allow_null=True, max_value=MAX_INTEGER, min_value=-MAX_INTEGER
    )

    class Meta:
        model = Firm
        fields = [
            "id", "name", "tax_id", "tax_id_display", "sector", "locality", "region", "commune",
            "employees", "size_class", "contact_name", "email", "phone",
        ]  # fmt: skip
        read_only_fields = ["tax_id_display", "size_class"]
        extra_kwargs = {
            "name": {"allow_blank": True},
            "tax_id": {"validators": [], "help_text": 'Returned as stored: "76123456-0".'},
        }

    PUBLIC = ("id", "name", "tax_id", "tax_id_display")

    def to_representation(self, firm: Firm) -> dict:
        data = super().to_representation(firm)
        if getattr(firm, "findable", True):
            return data
        return {
            key: value if key in self.PUBLIC else ("" if isinstance(value, str) else None)
            for key, value in data.items()
        }
