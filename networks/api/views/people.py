"""REST API of the agency console's people.

- GET /users/ (?search=&role=&is_active=): the agency's people, found by name, e-mail, role,
  or their firm's name or tax id
- GET, POST /invitations/: the agency's invitations; POST e-mails a link that works once

Only the agency's admins (anyone else 403); people and firms of other agencies are not found.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.serializers.people import (
    InvitationSerializer,
    PeopleFilterSerializer,
    PersonSerializer,
)
from networks.selectors import people as people_selectors
from networks.services import people as people_services


class _AdminOnly:
    def check_permissions(self, request):
        super().check_permissions(request)
        access.require(access.is_agency_admin(request.user))


@extend_schema_view(get=extend_schema(parameters=[PeopleFilterSerializer]))
class UserListView(_AdminOnly, generics.ListAPIView):
    serializer_class = PersonSerializer

    def get_queryset(self):
        filters = PeopleFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        status_filter = {True: "active", False: "inactive"}.get(data.get("is_active"), "")
        return people_selectors.people(
            self.request.user, query=data.get("search", ""), role=data.get("role", ""),
            status=status_filter,
        )  # fmt: skip


class InvitationListView(IdempotentCreateMixin, _AdminOnly, generics.ListCreateAPIView):
    serializer_class = InvitationSerializer

    def get_queryset(self):
        return access.agency_invitations(self.request.user).select_related("firm")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = people_services.invitation_create(
            actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)
