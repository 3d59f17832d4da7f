"""REST API: the user, logging in and the user's own credentials.

- GET /me/: who the caller is, their role and the networks they see.
- POST /auth/token/ {username, password} -> {token, expiry}: a new token at each call, valid
  for settings.API_TOKEN_DAYS; then send "Authorization: Token <token>".
- GET /me/tokens/: the user's live tokens (never the secret: its first characters only).
- DELETE /me/tokens/{id}/: revoke one of them (anyone else's id: 404).
- POST /me/password/ {old_password, new_password}: 204. Every other token and session of the
  user ends; the token (or session) the request came with keeps working.

Failed logins at /auth/token/ count towards the same lock-outs as the login page
(profo/lockout.py): 429 with Retry-After when the pair or the address is locked.
"""

from django.contrib.auth import authenticate, update_session_auth_hash, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.decorators import api_view
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from networks import access
from networks.api.serializers.accounts import (
    MeSerializer,
    OwnTokenSerializer,
    PasswordChangeSerializer,
    TokenAnswerSerializer,
    TokenRequestSerializer,
)
from networks.models import ApiToken
from networks.selectors import accounts as account_selectors
from networks.services import accounts as account_services


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    user = request.user
    data = {
        "username": user.username,
        "role": user.role,
        "agency": user.agency_id,
        "firm": user.firm_id,
        "networks": list(access.visible_networks(user).order_by("pk").values_list("pk", flat=True)),
    }
    return Response(MeSerializer(data).data)


LOGIN_FAILED = _("Unable to log in with provided credentials.")


class TokenView(APIView):
    """A new API token for a username and password."""

    # A stale or revoked token in the header must not stop anyone from getting a new one.
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenAnswerSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Django's own request, not DRF's: django-axes marks a locked-out attempt on it, and
        # its middleware turns that mark into the 429 answer.
        user = authenticate(
            request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise serializers.ValidationError({"non_field_errors": [LOGIN_FAILED]})
        token, key = ApiToken.objects.create(user=user)
        # Records the login: last_login, and django-axes' access log and reset of the pair.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(TokenAnswerSerializer({"token": key, "expiry": token.expiry}).data)


class OwnTokenListView(generics.ListAPIView):
    """The user's own API tokens that have not expired, newest first."""

    serializer_class = OwnTokenSerializer

    def get_queryset(self):
        return account_selectors.token_list(self.request.user)


class OwnTokenDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        """Revoke one of the user's own tokens (it stops working at once)."""
        account_services.token_revoke(token=access.get_own_token_or_404(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordView(APIView):
    # Few tries per hour: a stolen token must not become a way to guess the password.
    throttle_classes = [UserRateThrottle, ScopedRateThrottle]
    throttle_scope = "password"

    @extend_schema(request=PasswordChangeSerializer, responses={204: None})
    def post(self, request):
        """Change one's own password (the same rules as the password page). Every other token
        and session of the user ends; the token or session of this request keeps working."""
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        calling = request.auth if isinstance(request.auth, ApiToken) else None
        account_services.password_change(
            user=request.user,
            old_password=serializer.validated_data["old_password"],
            new_password=serializer.validated_data["new_password"],
            keep_token=calling,
        )
        if calling is None:
            # Logged in by session: keep this one, as the password page does.
            update_session_auth_hash(request._request, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
