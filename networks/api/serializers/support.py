"""Serializers for support-service take-up and the catalogue.

They check types and shapes; the services check the business rules. Text fields the services
validate accept blanks here, so that the API answers with the service's own message.
"""

from rest_framework import serializers

from networks.api.input import StrictIntegerField, StrictModelSerializer
from networks.api.serializers.common import NamedChoiceField, status_field
from networks.models import Firm, ServiceUptake, SupportService
from networks.rules import MAX_INTEGER
from networks.services import support as support_services


class UptakeSerializer(StrictModelSerializer):
    """A take-up record. `firm` and `service` are ids; the service checks that the firm is an
    active member and the service is in the catalogue of the network's agency."""

    firm = StrictIntegerField(source="firm_id", min_value=1, max_value=MAX_INTEGER)
    service = StrictIntegerField(source="service_id", min_value=1, max_value=MAX_INTEGER)
    category = NamedChoiceField(
        enum_name="SupportServiceCategoryEnum",
        source="service.category",
        choices=SupportService.Category.choices,
        read_only=True,
    )
    status = status_field(ServiceUptake, support_services.UPTAKE_STATUS_UNKNOWN, required=False)

    class Meta:
        model = ServiceUptake
        fields = [
            "id", "network", "firm", "service", "category", "referred_by_facilitator", "date",
            "status", "result", "recorded_by", "created_at",
        ]  # fmt: skip
        read_only_fields = ["network", "recorded_by", "created_at"]

    @staticmethod
    def objects(data: dict) -> dict:
        """The validated data with `firm` and `service` as rows (None when there is no such)."""
        data = dict(data)
        if "firm_id" in data:
            data["firm"] = Firm.objects.filter(pk=data.pop("firm_id")).first()
        if "service_id" in data:
            data["service"] = (
                SupportService.objects.select_related("provider")
                .filter(pk=data.pop("service_id"))
                .first()
            )
        return data


class SupportServiceSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    agency = serializers.IntegerField(source="provider.agency_id", read_only=True)
    category = NamedChoiceField(
        enum_name="SupportServiceCategoryEnum",
        choices=SupportService.Category.choices,
        read_only=True,
    )

    class Meta:
        model = SupportService
        fields = ["id", "name", "category", "provider", "provider_name", "agency"]
        read_only_fields = fields
