"""What the API shows and takes of the agency's people and invitations."""

from django.conf import settings
from rest_framework import serializers

from networks.api.input import StrictModelSerializer, StrictPrimaryKeyRelatedField
from networks.models import Invitation, User
from networks.selectors import people as people_selectors


class PersonSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True, default=None)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "role", "agency", "firm", "firm_name",
                  "is_active", "last_login"]  # fmt: skip
        read_only_fields = fields


class PeopleFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=120)
    role = serializers.ChoiceField(choices=User.Role.choices, required=False)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)


class InvitableFirmField(StrictPrimaryKeyRelatedField):
    """A firm of the agency's networks; any other id reads as one that does not exist."""

    def get_queryset(self):
        return people_selectors.invitable_firms(self.context["request"].user)


class InvitationSerializer(StrictModelSerializer):
    """An invitation: POST {email, role, firm (a firm contact's), first_name, last_name,
    language} e-mails a link that works once, for INVITATION_EXPIRY_DAYS days."""

    firm = InvitableFirmField(required=False, allow_null=True)
    language = serializers.ChoiceField(
        choices=[("", ""), *settings.LANGUAGES], required=False, allow_blank=True
    )
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "first_name", "last_name", "role", "firm", "language", "status",
                  "invited_by", "created_at", "expires_at", "accepted_at", "user"]  # fmt: skip
        read_only_fields = ["id", "status", "invited_by", "created_at", "expires_at",
                            "accepted_at", "user"]  # fmt: skip
