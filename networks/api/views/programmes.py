"""REST API of the agency console: programme settings and the activity and joint-action types.

- GET, PATCH /programmes/{id}/: the settings (PATCH with a `reason`; `"preview": true` is
  checked as the change would be, saves nothing and answers the `effects` on the running
  networks)
- GET, POST /activity-types/ and /joint-action-types/ (?programme=): the types of the
  programmes the user administers; POST {programme, name, name_es} adds one
- GET, PATCH /activity-types/{id}/ and /joint-action-types/{id}/: rename (name, name_es) or
  retire (`is_active`: false); the slug never changes

Only the agency's admins: another agency's ids are 404, anyone else of the agency 403.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.serializers.programmes import (
    ActivityTypeSerializer,
    JointActionTypeSerializer,
    ProgrammeSerializer,
    TypeFilterSerializer,
)
from networks.selectors import programmes as programme_selectors
from networks.services import programmes as programme_services


class ProgrammeDetailView(generics.RetrieveUpdateAPIView):
    """A programme's settings, for its agency's admins."""

    serializer_class = ProgrammeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return access.get_admin_programme_or_404(self.request.user, self.kwargs["pk"])

    def update(self, request, *args, **kwargs):
        programme = self.get_object()
        serializer = self.get_serializer(programme, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason, preview = data.pop("reason", ""), data.pop("preview", False)
        # A preview is checked as the change itself would be: the same 400, nothing saved.
        checked = programme_services.programme_settings_check(
            programme=programme, actor=request.user, **data
        )
        effects = programme_selectors.settings_preview(programme, checked)
        if not preview:
            programme = programme_services.programme_update(
                programme=programme, actor=request.user, reason=reason, **data
            )
        answer = self.get_serializer(programme).data
        answer["effects"] = [effect.__dict__ for effect in effects]
        return Response(answer)


class _TypeMixin:
    kind = ""

    def get_serializer_class(self):
        if self.kind == "activity":
            return ActivityTypeSerializer
        return JointActionTypeSerializer

    def types(self):
        model = programme_services.TYPE_MODELS[self.kind]
        programmes = access.visible_programmes(self.request.user)
        return model.objects.filter(programme__in=programmes).select_related("programme")


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("programme", int, description="Only this programme's.")]
    )
)
class TypeListView(IdempotentCreateMixin, _TypeMixin, generics.ListCreateAPIView):
    """The types of the programmes the user administers, active first; POST adds one."""

    def check_permissions(self, request):
        super().check_permissions(request)
        access.require(access.is_agency_admin(request.user))

    def get_queryset(self):
        filters = TypeFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        rows = self.types().order_by("programme__name", "-is_active", "position", "name")
        if "programme" in filters.validated_data:
            rows = rows.filter(programme_id=filters.validated_data["programme"])
        return rows

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = programme_services.type_create(
            programme=data["programme"], actor=request.user, kind=self.kind, name=data["name"],
            name_es=data.get("name_es", ""),
        )  # fmt: skip
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


class TypeDetailView(_TypeMixin, generics.RetrieveUpdateAPIView):
    """One type: PATCH renames it or retires it (`is_active`)."""

    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return self.types()

    def get_object(self):
        row = access.get_or_404(self.get_queryset(), self.kwargs["pk"], "No such type.")
        access.require(access.can_admin_programme(self.request.user, row.programme))
        return row

    def perform_update(self, serializer):
        row, data = serializer.instance, serializer.validated_data
        if "name" in data or "name_es" in data:
            row = programme_services.type_rename(
                type_row=row, actor=self.request.user, name=data.get("name", row.name),
                name_es=data.get("name_es", row.name_es),
            )  # fmt: skip
        if data.get("is_active") is False and row.is_active:
            row = programme_services.type_retire(type_row=row, actor=self.request.user)
        elif data.get("is_active") is True and not row.is_active:
            row = programme_services.type_reinstate(type_row=row, actor=self.request.user)
        serializer.instance = row
