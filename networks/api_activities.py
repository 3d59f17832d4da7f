"""REST API: activities logged by the facilitator, their attendance and attachments.

- GET, POST /networks/{id}/activities/ (?type=&date_from=&date_to=)
- GET, PATCH, DELETE /activities/{id}/
- POST /activities/{id}/attachments/ (multipart `file`); GET /attachments/{id}/download/
- POST /activities/{id}/confirm-attendance/ (a user of an attending firm)

Same order as `api_views`: what the user may not see is 404, what they may only see is 403,
then the serializer's types (400), then the service's rules.
"""

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response

from networks import access
from networks.api_idempotency import IdempotentCreateMixin
from networks.api_input import (
    StrictModelSerializer,
    StrictPrimaryKeyRelatedField,
    StrictSerializer,
    require_no_input,
)
from networks.api_views import NetworkScopedView
from networks.files.uploads import attachment_response
from networks.models import Activity, ActivityType, Attachment, Attendance, Firm
from networks.selectors import activities as activity_selectors
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import activities as activity_services
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
    firm_name = serializers.CharField(source="firm.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["firm", "firm_name", "confirmed_by", "confirmed_at"]
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
    attachments = ActivityAttachmentSerializer(many=True, read_only=True)
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=history_services.REASON_MAX_LENGTH,
        help_text=str(history_services.ACTIVITY_REASON_HELP),
    )  # fmt: skip

    class Meta:
        model = Activity
        fields = [
            "id", "network", "type", "type_label", "title", "date", "place", "host_firm",
            "attendees", "attendance", "description", "outcomes", "cost", "attachments",
            "created_by", "created_at", "reason",
        ]  # fmt: skip
        read_only_fields = ["network", "created_by", "created_at"]
        # The service's message answers a blank title (and a negative cost, see `cost`).
        extra_kwargs = {"title": {"allow_blank": True}}


class ActivityFilterSerializer(serializers.Serializer):
    type = serializers.CharField(required=False, help_text="An activity type's slug.")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


FILTER_PARAMETERS = [
    OpenApiParameter("type", description="Only this activity type (its slug)."),
    OpenApiParameter("date_from", type=str, description="ISO date: on or after."),
    OpenApiParameter("date_to", type=str, description="ISO date: on or before."),
]


class AttachmentUploadSerializer(StrictSerializer):
    file = serializers.FileField()


# --- views ----------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(parameters=FILTER_PARAMETERS),
    post=extend_schema(request=ActivitySerializer, responses={201: ActivitySerializer}),
)
class ActivityListView(IdempotentCreateMixin, NetworkScopedView, generics.ListCreateAPIView):
    """The network's activities, newest first; POST logs one (facilitator or agency staff)."""

    serializer_class = ActivitySerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "network": getattr(self, "network", None)}

    def get_queryset(self):
        filters = ActivityFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return activity_selectors.activities_with_details(
            self.network,
            type_slug=data.get("type"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("reason", None)  # a new activity has nothing to explain
        activity = activity_services.activity_log(network=self.network, actor=request.user, **data)
        activity = activity_selectors.activity_detail(self.network, activity.pk)
        return Response(self.get_serializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityScopedMixin:
    """Views under /activities/{pk}/: the activity among those of networks the user may see."""

    def get_activity(self) -> Activity:
        return access.get_or_404(
            activity_selectors.visible_activities(self.request.user),
            self.kwargs["pk"],
            "No such activity.",
        )


class ActivityDetailView(ActivityScopedMixin, generics.RetrieveUpdateDestroyAPIView):
    """Read an activity; PATCH or DELETE it (facilitator or agency staff)."""

    serializer_class = ActivitySerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        activity = self.get_activity()
        if self.request.method not in SAFE_METHODS:
            access.require_change(self.request.user, activity.network)
        self.network = activity.network
        return activity

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "network": getattr(self, "network", None)}

    def update(self, request, *args, **kwargs):
        activity = self.get_object()
        serializer = self.get_serializer(activity, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        activity_services.activity_update(
            activity=activity, actor=request.user, **serializer.validated_data
        )
        activity = activity_selectors.activity_detail(self.network, activity.pk)
        return Response(self.get_serializer(activity).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "reason",
                description=str(history_services.ACTIVITY_REASON_HELP) + " Or in a JSON body.",
            )
        ]
    )
    def delete(self, request, *args, **kwargs):
        return super().delete(request, *args, **kwargs)

    def perform_destroy(self, instance):
        data = self.request.data or self.request.query_params
        reason = data.get("reason", "") if hasattr(data, "get") else ""
        activity_services.activity_delete(
            activity=instance, actor=self.request.user, reason=str(reason)
        )


class AttachmentUploadView(IdempotentCreateMixin, ActivityScopedMixin, generics.GenericAPIView):
    """Attach a file (PDF, JPEG, PNG, DOCX, XLSX, ODT, ODS; checked by content)."""

    serializer_class = AttachmentUploadSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: ActivityAttachmentSerializer},
    )
    def post(self, request, pk):
        activity = self.get_activity()
        access.require_change(request.user, activity.network)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = activity_services.attachment_add(
            activity=activity, actor=request.user, upload=serializer.validated_data["file"]
        )
        body = ActivityAttachmentSerializer(attachment, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class AttendanceConfirmView(ActivityScopedMixin, generics.GenericAPIView):
    """A user of an attending firm confirms that their own firm was there."""

    serializer_class = ActivityAttendanceSerializer

    @extend_schema(request=None, responses=ActivityAttendanceSerializer)
    def post(self, request, pk):
        activity = self.get_activity()
        require_no_input(request)
        row = activity_services.attendance_confirm(activity=activity, actor=request.user)
        return Response(ActivityAttendanceSerializer(row).data)


class AnyAcceptNegotiation(BaseContentNegotiation):
    """The answer is the file whatever the client accepts (`Accept: application/pdf` too);
    errors still come back as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AttachmentDownloadView(generics.GenericAPIView):
    """The file itself, under its original name: for anyone who may see the network."""

    serializer_class = None
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        attachment = access.get_or_404(
            activity_selectors.visible_attachments(request.user), pk, "No such attachment."
        )
        return attachment_response(attachment)


urlpatterns = [
    path("networks/<int:pk>/activities/", ActivityListView.as_view(), name="network-activity-list"),
    path("activities/<int:pk>/", ActivityDetailView.as_view(), name="activity-detail"),
    path(
        "activities/<int:pk>/attachments/",
        AttachmentUploadView.as_view(),
        name="activity-attachment-upload",
    ),
    path(
        "attachments/<int:pk>/download/",
        AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path(
        "activities/<int:pk>/confirm-attendance/",
        AttendanceConfirmView.as_view(),
        name="activity-attendance-confirm",
    ),
]
