"""The user's own notifications, as the inbox shows them."""

from rest_framework import serializers

from networks.models import Notification
from networks.services.notifications import absolute


class NotificationSerializer(serializers.ModelSerializer):
    headline = serializers.CharField(read_only=True, help_text="In the request's language.")
    link = serializers.SerializerMethodField(help_text="The page it is about (absolute URL).")
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "headline", "network", "link", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_link(self, notification) -> str:
        return absolute(notification.url) if notification.url else ""

    def get_unread(self, notification) -> bool:
        return notification.read_at is None
