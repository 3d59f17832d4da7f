"""What the API shows and takes of a programme's settings and its activity and joint-action
types. The settings fields follow services.programmes.SETTING_FIELDS: a new setting there is a
new field here."""

from rest_framework import serializers

from networks import access
from networks.api.input import StrictModelSerializer, StrictPrimaryKeyRelatedField
from networks.lib.limits import NAME_MAX_LENGTH
from networks.models import ActivityType, JointActionType, Programme
from networks.services import history as history_services
from networks.services import programmes as programme_services


class EffectSerializer(serializers.Serializer):
    setting = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField())
    networks = serializers.ListField(child=serializers.CharField())
    warning = serializers.BooleanField()


class ProgrammeSerializer(StrictModelSerializer):
    """The programme's settings. PATCH needs a `reason` (kept in the audit); with
    `"preview": true` it saves nothing and answers what the change would do (`effects`)."""

    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True,
        max_length=history_services.REASON_MAX_LENGTH,
    )  # fmt: skip
    preview = serializers.BooleanField(write_only=True, required=False, default=False)
    effects = EffectSerializer(many=True, read_only=True, required=False)

    class Meta:
        model = Programme
        fields = ["id", "name", "agency", *programme_services.SETTING_FIELDS, "reason", "preview",
                  "effects"]  # fmt: skip
        read_only_fields = ["id", "name", "agency"]


class AdminProgrammeField(StrictPrimaryKeyRelatedField):
    """A programme the user is an admin of; any other id reads as one that does not exist."""

    def get_queryset(self):
        user = self.context["request"].user
        if not access.is_agency_admin(user):
            return Programme.objects.none()
        return access.visible_programmes(user)


class TypeSerializer(StrictModelSerializer):
    """An activity or joint-action type: `slug` is what records and other endpoints name it by
    and never changes; `label` is the name in the reader's language; PATCH `is_active` false
    retires it (its records keep it), true brings it back."""

    programme = AdminProgrammeField()
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    name_es = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ActivityType
        fields = ["id", "programme", "slug", "name", "name_es", "label", "is_active", "position"]
        read_only_fields = ["id", "slug", "position"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["programme"].read_only = True  # a type stays in its programme
        return fields


class ActivityTypeSerializer(TypeSerializer):
    class Meta(TypeSerializer.Meta):
        model = ActivityType


class JointActionTypeSerializer(TypeSerializer):
    class Meta(TypeSerializer.Meta):
        model = JointActionType


class TypeFilterSerializer(serializers.Serializer):
    programme = serializers.IntegerField(required=False, min_value=1)
