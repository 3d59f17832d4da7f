"""REST API: the user's own notifications.

- GET /notifications/: newest first, paginated; `?unread=1` only the unread ones.
- POST /notifications/{id}/read/: mark one read (200 with the row); anyone else's id: 404.
- POST /notifications/read-all/: mark every one read (200 with how many).
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from networks import access
from networks.api.input import require_no_input
from networks.api.serializers.notifications import NotificationSerializer
from networks.selectors import notifications as notification_selectors
from networks.services import notifications as notification_services


@extend_schema(
    parameters=[OpenApiParameter("unread", bool, description="Only the unread notifications.")]
)
class NotificationListView(generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        rows = notification_selectors.inbox(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return rows


class NotificationReadView(APIView):
    @extend_schema(request=None, responses={200: NotificationSerializer})
    def post(self, request, pk):
        notification = access.get_own_notification_or_404(request.user, pk)
        require_no_input(request)
        notification_services.notification_mark_read(notification=notification, actor=request.user)
        return Response(NotificationSerializer(notification, context={"request": request}).data)


class NotificationReadAllView(APIView):
    @extend_schema(
        request=None,
        responses={200: inline_serializer("ReadAll", {"marked": serializers.IntegerField()})},
    )
    def post(self, request):
        require_no_input(request)
        marked = notification_services.notifications_mark_all_read(actor=request.user)
        return Response({"marked": marked})
