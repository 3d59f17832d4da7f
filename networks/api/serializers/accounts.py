"""Serializers for the user, tokens and passwords.

They check types and shapes; the services check the business rules. Text fields the services
validate accept blanks here, so that the API answers with the service's own message.
"""

from rest_framework import serializers

from networks.api.input import StrictSerializer
from networks.models import ApiToken


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    agency = serializers.IntegerField(allow_null=True)
    firm = serializers.IntegerField(allow_null=True)
    networks = serializers.ListField(child=serializers.IntegerField())


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)


class TokenAnswerSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send it as "Authorization: Token <token>".')
    expiry = serializers.DateTimeField(help_text="When the token stops working.")


class OwnTokenSerializer(serializers.ModelSerializer):
    starts_with = serializers.CharField(read_only=True, help_text="The token's first characters.")
    current = serializers.SerializerMethodField(help_text="Whether this request came with it.")

    class Meta:
        model = ApiToken
        fields = ["id", "created", "expiry", "starts_with", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        calling = self.context["request"].auth
        return isinstance(calling, ApiToken) and calling.pk == token.pk


class PasswordChangeSerializer(StrictSerializer):
    old_password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    new_password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
