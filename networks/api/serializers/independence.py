"""Serializers for the yearly check-ins after independence.

They check types and shapes; the service checks the rules (the year, the phase, once a year).
"""

from rest_framework import serializers

from networks.api.input import StrictIntegerField, StrictModelSerializer
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.models import CheckIn
from networks.rules import MAX_INTEGER


class CheckInSerializer(StrictModelSerializer):
    """A check-in. `year` (after the handover) follows from `date`."""

    members = StrictIntegerField(min_value=0, max_value=MAX_INTEGER)
    joint_actions = StrictIntegerField(min_value=0, max_value=MAX_INTEGER)
    stopped = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )

    class Meta:
        model = CheckIn
        fields = [
            "id", "network", "year", "date", "still_meeting", "manager_paid", "members",
            "joint_actions", "stopped", "notes", "recorded_by", "recorded_at",
        ]  # fmt: skip
        read_only_fields = ["network", "year", "recorded_by", "recorded_at"]
