"""REST API: activities logged by the facilitator, their attendance and attachments.

- GET, POST /networks/{id}/activities/ (?type=&date_from=&date_to=)
- GET, PATCH, DELETE /activities/{id}/
- POST /activities/{id}/attachments/ (multipart `file`); GET /attachments/{id}/download/
- POST /activities/{id}/confirm-attendance/ and /decline-attendance/ (a user of an attending
  firm, for its own firm); POST /activities/{id}/record-answer/ (the network's facilitator, for
  a firm, with how the answer was obtained)

Same order as every endpoint (networks.api): what the user may not see is 404, what they
may only see is 403, then the serializer's types (400), then the service's rules.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.input import require_no_input
from networks.api.serializers.activities import (
    ActivityAttachmentSerializer,
    ActivityAttendanceSerializer,
    ActivityFilterSerializer,
    ActivitySerializer,
    AttachmentUploadSerializer,
)
from networks.api.serializers.joint_actions import RecordAnswerSerializer
from networks.api.views.common import FileNegotiation, NetworkScopedView
from networks.files.uploads import attachment_response
from networks.models import Activity
from networks.selectors import activities as activity_selectors
from networks.services import activities as activity_services
from networks.services import confirmations as confirmation_services
from networks.services import history as history_services

FILTER_PARAMETERS = [
    OpenApiParameter("type", description="Only this activity type (its slug)."),
    OpenApiParameter("date_from", type=str, description="ISO date: on or after."),
    OpenApiParameter("date_to", type=str, description="ISO date: on or before."),
]


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


class AttendanceDeclineView(ActivityScopedMixin, generics.GenericAPIView):
    """A user of an attending firm says their own firm was not there: its attendance becomes a
    decline and no longer counts."""

    serializer_class = ActivitySerializer

    @extend_schema(request=None, responses=ActivitySerializer)
    def post(self, request, pk):
        activity = self.get_activity()
        require_no_input(request)
        confirmation_services.attendance_decline(activity=activity, actor=request.user)
        return Response(_read(activity))


class AttendanceRecordView(ActivityScopedMixin, generics.GenericAPIView):
    """The network's facilitator records an attending firm's answer on its behalf, with how it
    was obtained (others 403); it shows as recorded by the facilitator."""

    serializer_class = RecordAnswerSerializer

    @extend_schema(request=RecordAnswerSerializer, responses=ActivitySerializer)
    def post(self, request, pk):
        activity = self.get_activity()
        access.require(
            access.is_facilitator_of(request.user, activity.network),
            confirmation_services.RECORD_NOT_ALLOWED,
        )
        serializer = RecordAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        confirmation_services.attendance_record(
            activity=activity, actor=request.user, firm_id=data["firm"],
            confirm=data["answer"] == "confirm", method=data["method"], note=data.get("note", ""),
        )  # fmt: skip
        return Response(_read(activity))


def _read(activity: Activity) -> dict:
    """The activity as it stands after an answer, read again with its details."""
    fresh = activity_selectors.activity_detail(activity.network, activity.pk)
    return ActivitySerializer(fresh, context={"network": activity.network}).data


class AttachmentDownloadView(generics.GenericAPIView):
    """The file itself, under its original name: for anyone who may see the network."""

    serializer_class = None
    content_negotiation_class = FileNegotiation

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        attachment = access.get_or_404(
            activity_selectors.visible_attachments(request.user), pk, "No such attachment."
        )
        return attachment_response(attachment)
