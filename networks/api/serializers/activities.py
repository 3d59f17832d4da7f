"""Serializers for activities, attendance and attachments.

They check types and shapes; the services check the business rules. Text fields the services
validate accept blanks here, so that the API answers with the service's own message.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from networks.api.input import StrictModelSerializer, StrictPrimaryKeyRelatedField, StrictSerializer
from networks.models import (
    Activity,
    ActivityType,
    Attachment,
    Attendance,
    ConfirmationMethod,
    Firm,
)
from networks.selectors import activities as activity_selectors
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import history as history_services
from networks.services.activities import ACTIVITY_TYPE_INVALID

ATTENDEE_NOT_OF_NETWORK = "Firm {pk_value} is not a member firm of this network."

# --- serializers ----------------------------------------------------------------------------


class ActivityAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        # The API's own download, so that a token works as well as a session.
        url = reverse("api:attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ActivityAttendanceSerializer(serializers.ModelSerializer):
    """A firm the facilitator recorded as attending (that counts as attended) and the firm's
    confirmation, if any: `confirmation_method` says how it came."""

    firm_name = serializers.CharField(source="firm.name", read_only=True)
    confirmation_method = serializers.ChoiceField(
        choices=ConfirmationMethod.choices, allow_blank=True, read_only=True,
        help_text="How the firm's confirmation came; empty while it has not confirmed.",
    )  # fmt: skip
    recorded_by_facilitator = serializers.BooleanField(source="recorded_on_behalf", read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "firm", "firm_name", "confirmed_by", "confirmed_at", "confirmation_method",
            "recorded_by_facilitator",
        ]  # fmt: skip
        read_only_fields = fields


SLUG_MAX_LENGTH = ActivityType._meta.get_field("slug").max_length


@extend_schema_field({"type": "string", "maxLength": SLUG_MAX_LENGTH})
class ActivityTypeField(serializers.SlugRelatedField):
    """The type's slug, among the network's programme's types (the service refuses retired
    ones for a new choice)."""

    default_error_messages = {
        "does_not_exist": ACTIVITY_TYPE_INVALID,
        "invalid": ACTIVITY_TYPE_INVALID,
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=ActivityType.objects.all(), **kwargs)

    def get_queryset(self):
        network = self.context.get("network")
        return (
            activity_selectors.all_activity_types(network)
            if network
            else ActivityType.objects.none()
        )


class NetworkFirmField(StrictPrimaryKeyRelatedField):
    """A firm that is or was a member of the network; any other id is simply unknown, so that
    another network's firms are never named."""

    default_error_messages = {"does_not_exist": ATTENDEE_NOT_OF_NETWORK}

    def __init__(self, **kwargs):
        super().__init__(queryset=Firm.objects.all(), **kwargs)

    def get_queryset(self):
        network = self.context.get("network")
        return lifecycle_selectors.network_firms(network) if network else Firm.objects.none()


class AttendeeIdsField(serializers.ManyRelatedField):
    """Firm ids in, firm ids out; read from the prefetched attendance (no query per row)."""

    def get_attribute(self, instance):
        return [PKOnlyObject(pk=row.firm_id) for row in instance.attendance.all()]


class AttendanceDeclineSerializer(serializers.Serializer):
    firm = serializers.IntegerField(source="firm_id")
    at = serializers.DateTimeField()
    confirmation_method = serializers.ChoiceField(choices=ConfirmationMethod.choices)
    recorded_by_facilitator = serializers.BooleanField(source="recorded_on_behalf")


class ActivitySerializer(StrictModelSerializer):
    type = ActivityTypeField(help_text="The activity type's slug, e.g. factory_visit.")
    type_label = serializers.CharField(source="type.label", read_only=True)
    host_firm = NetworkFirmField(required=False, allow_null=True)
    attendees = AttendeeIdsField(
        child_relation=NetworkFirmField(),
        required=False,
        help_text="Ids of the member firms that attended (members on the activity's date).",
    )
    cost = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    attendance = ActivityAttendanceSerializer(many=True, read_only=True)
    declined = AttendanceDeclineSerializer(
        source="declines", many=True, read_only=True,
        help_text="Firms that said they were not there: their attendance no longer counts.",
    )  # fmt: skip
    attachments = ActivityAttachmentSerializer(many=True, read_only=True)
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=history_services.REASON_MAX_LENGTH,
        help_text=str(history_services.ACTIVITY_REASON_HELP),
    )  # fmt: skip

    class Meta:
        model = Activity
        fields = [
            "id", "network", "type", "type_label", "title", "date", "place", "host_firm",
            "attendees", "attendance", "declined", "description", "outcomes", "cost", "attachments",
            "created_by", "created_at", "reason",
        ]  # fmt: skip
        read_only_fields = ["network", "created_by", "created_at"]
        # The service's message answers a blank title (and a negative cost, see `cost`).
        extra_kwargs = {"title": {"allow_blank": True}}


class ActivityFilterSerializer(serializers.Serializer):
    type = serializers.CharField(required=False, help_text="An activity type's slug.")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class AttachmentUploadSerializer(StrictSerializer):
    file = serializers.FileField()
