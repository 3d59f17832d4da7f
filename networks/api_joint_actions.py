"""REST API: joint actions logged by member firms, their confirmation, and support-service take-up.

Same order as networks.api_views: lookups go through what the user may see (404 otherwise),
writes check the access rule (403), serializers check types (400), services check the rules.
"""

from django.urls import path
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from networks import access
from networks.api_idempotency import IdempotentCreateMixin
from networks.api_input import (
    StrictIntegerField,
    StrictModelSerializer,
    StrictSerializer,
    require_no_input,
)
from networks.api_views import NetworkScopedView
from networks.lib.limits import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from networks.models import (
    Firm,
    JointAction,
    JointActionParticipant,
    ServiceUptake,
    SupportService,
)
from networks.rules import MAX_INTEGER
from networks.selectors import joint_actions as joint_action_selectors
from networks.selectors import support as support_selectors
from networks.services import history as history_services
from networks.services import joint_actions as joint_action_services
from networks.services import support as support_services

# --- serializers ----------------------------------------------------------------------------


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set is its own named schema component (JointActionStatusEnum),
    so that several models' `status` fields do not collide in the schema."""

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def get_name(self) -> str:
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        return build_choice_field(self.target)


def _status_field(model, message, **kwargs) -> NamedChoiceField:
    return NamedChoiceField(
        enum_name=f"{model.__name__}StatusEnum",
        choices=model.Status.choices,
        error_messages={"invalid_choice": message},
        **kwargs,
    )


class ParticipantSerializer(serializers.ModelSerializer):
    confirmed = serializers.BooleanField(source="is_confirmed", read_only=True)

    class Meta:
        model = JointActionParticipant
        fields = ["firm", "confirmed", "confirmed_by", "confirmed_at"]
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer):
    firm = serializers.IntegerField(source="firm_id")
    at = serializers.DateTimeField()


class JointActionSerializer(serializers.ModelSerializer):
    """A joint action as read. `firms` lists the participants' ids; `declined`, the firms that
    said they did not take part."""

    type = serializers.CharField(source="type.slug", read_only=True)
    type_label = serializers.CharField(source="type.label", read_only=True)
    status = _status_field(JointAction, "", read_only=True)
    firms = serializers.SerializerMethodField()
    participants = ParticipantSerializer(many=True, read_only=True)
    declined = serializers.SerializerMethodField()

    class Meta:
        model = JointAction
        fields = [
            "id", "network", "type", "type_label", "title", "firms", "status", "start_date",
            "end_date", "value", "outcome", "logged_by", "logged_by_firm", "participants",
            "declined", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_firms(self, joint_action: JointAction) -> list[int]:
        return [p.firm_id for p in joint_action.participants.all()]

    @extend_schema_field(DeclineSerializer(many=True))
    def get_declined(self, joint_action: JointAction) -> list:
        return DeclineSerializer(getattr(joint_action, "declines", []), many=True).data


class JointActionWriteSerializer(StrictSerializer):
    """What POST requires and PATCH may change. The services give the messages for a missing
    title, an unknown type, too few firms or firms that are not members."""

    # A PATCH may send back the body of a GET: the fields shown there are read-only here.
    read_serializer = JointActionSerializer

    type = serializers.CharField(
        max_length=50, help_text="The slug of one of the programme's joint-action types."
    )
    title = serializers.CharField(max_length=NAME_MAX_LENGTH, allow_blank=True)
    firms = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_INTEGER),
        help_text="Ids of the participating member firms (at least two). A firm member's own "
        "firm is always added.",
    )
    status = _status_field(JointAction, joint_action_services.JOINT_ACTION_STATUS_UNKNOWN)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=history_services.REASON_MAX_LENGTH,
        help_text="On a change: " + str(history_services.JOINT_ACTION_REASON_HELP),
    )  # fmt: skip


class UptakeSerializer(StrictModelSerializer):
    """A take-up record. `firm` and `service` are ids; the service checks that the firm is an
    active member and the service is in the catalogue of the network's agency."""

    firm = StrictIntegerField(source="firm_id", min_value=1, max_value=MAX_INTEGER)
    service = StrictIntegerField(source="service_id", min_value=1, max_value=MAX_INTEGER)
    category = NamedChoiceField(
        enum_name="SupportServiceCategoryEnum",
        source="service.category",
        choices=SupportService.Category.choices,
        read_only=True,
    )
    status = _status_field(ServiceUptake, support_services.UPTAKE_STATUS_UNKNOWN, required=False)

    class Meta:
        model = ServiceUptake
        fields = [
            "id", "network", "firm", "service", "category", "referred_by_facilitator", "date",
            "status", "result", "recorded_by", "created_at",
        ]  # fmt: skip
        read_only_fields = ["network", "recorded_by", "created_at"]

    @staticmethod
    def objects(data: dict) -> dict:
        """The validated data with `firm` and `service` as rows (None when there is no such)."""
        data = dict(data)
        if "firm_id" in data:
            data["firm"] = Firm.objects.filter(pk=data.pop("firm_id")).first()
        if "service_id" in data:
            data["service"] = (
                SupportService.objects.select_related("provider")
                .filter(pk=data.pop("service_id"))
                .first()
            )
        return data


class SupportServiceSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    agency = serializers.IntegerField(source="provider.agency_id", read_only=True)
    category = NamedChoiceField(
        enum_name="SupportServiceCategoryEnum",
        choices=SupportService.Category.choices,
        read_only=True,
    )

    class Meta:
        model = SupportService
        fields = ["id", "name", "category", "provider", "provider_name", "agency"]
        read_only_fields = fields


# --- joint actions --------------------------------------------------------------------------


def _require_can_log(user, network) -> None:
    access.require(
        access.can_log_joint_action(user, network), joint_action_services.JOINT_ACTION_NOT_ALLOWED
    )


def _read(user, pk) -> JointAction:
    """The joint action as the API shows it, with its participants and declines."""
    joint_action = access.get_or_404(
        joint_action_selectors.joint_action_lookup(user), pk, "No such joint action."
    )
    joint_action_selectors.attach_declines([joint_action])
    return joint_action


JA_FILTERS = [
    OpenApiParameter("status", enum=JointAction.Status.values, description="Only this status."),
    OpenApiParameter("type", description="Only this type (slug)."),
]


@extend_schema_view(
    get=extend_schema(parameters=JA_FILTERS),
    post=extend_schema(request=JointActionWriteSerializer, responses={201: JointActionSerializer}),
)
class JointActionListView(IdempotentCreateMixin, NetworkScopedView, generics.ListCreateAPIView):
    """The network's joint actions, newest first. POST logs one (a member firm's user or the
    facilitator)."""

    serializer_class = JointActionSerializer
    write_check = staticmethod(_require_can_log)

    def get_queryset(self):
        params = self.request.query_params
        status_ = params.get("status")
        if status_ and status_ not in JointAction.Status.values:
            raise exceptions.ValidationError(
                {"status": [f"Choose one of: {', '.join(JointAction.Status.values)}."]}
            )
        return joint_action_selectors.joint_actions_for(
            self.network, status=status_ or None, type_slug=params.get("type") or None
        )

    def paginate_queryset(self, queryset):
        return joint_action_selectors.attach_declines(super().paginate_queryset(queryset))

    def create(self, request, *args, **kwargs):
        serializer = JointActionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("reason", None)  # a new joint action has nothing to explain
        joint_action = joint_action_services.joint_action_log(
            network=self.network, actor=request.user, **data
        )
        body = JointActionSerializer(_read(request.user, joint_action.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    patch=extend_schema(request=JointActionWriteSerializer, responses=JointActionSerializer)
)
class JointActionDetailView(generics.RetrieveUpdateAPIView):
    """A joint action. PATCH: only the firm that logged it or the facilitator (others 403)."""

    serializer_class = JointActionSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        joint_action = _read(self.request.user, self.kwargs["pk"])
        if self.request.method not in SAFE_METHODS:
            access.require(
                access.can_edit_joint_action(self.request.user, joint_action),
                joint_action_services.JOINT_ACTION_EDIT_NOT_ALLOWED,
            )
        return joint_action

    def update(self, request, *args, **kwargs):
        joint_action = self.get_object()
        serializer = JointActionWriteSerializer(
            joint_action, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        joint_action_services.joint_action_update(
            joint_action=joint_action, actor=request.user, **serializer.validated_data
        )
        return Response(JointActionSerializer(_read(request.user, joint_action.pk)).data)


class ParticipationView(generics.GenericAPIView):
    serializer_class = JointActionSerializer
    service = None

    @extend_schema(request=None, responses=JointActionSerializer)
    def post(self, request, pk):
        joint_action = access.get_or_404(
            joint_action_selectors.joint_action_lookup(request.user), pk, "No such joint action."
        )
        require_no_input(request)
        self.service(joint_action=joint_action, actor=request.user)
        return Response(JointActionSerializer(_read(request.user, pk)).data)


class ConfirmView(ParticipationView):
    """A user of a participating firm confirms their own firm's participation (others 403)."""

    service = staticmethod(joint_action_services.joint_action_confirm)


class DeclineView(ParticipationView):
    """A user of a participating firm says their firm did not take part: its row is removed."""

    service = staticmethod(joint_action_services.joint_action_decline)


# --- support-service take-up ----------------------------------------------------------------


def _require_recorder(user, network) -> None:
    access.require(access.can_change_network(user, network), support_services.UPTAKE_NOT_ALLOWED)


@extend_schema_view(post=extend_schema(request=UptakeSerializer, responses={201: UptakeSerializer}))
class UptakeListView(IdempotentCreateMixin, NetworkScopedView, generics.ListCreateAPIView):
    """The network's take-up records (a firm member: their own firm's only). POST records one
    (the facilitator or the agency's staff)."""

    serializer_class = UptakeSerializer
    write_check = staticmethod(_require_recorder)

    def get_queryset(self):
        return support_selectors.uptakes_for(self.request.user, self.network)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        uptake = support_services.uptake_create(
            network=self.network, actor=request.user,
            **UptakeSerializer.objects(serializer.validated_data),
        )  # fmt: skip
        return Response(self.get_serializer(uptake).data, status=status.HTTP_201_CREATED)


class UptakeDetailView(generics.RetrieveUpdateAPIView):
    """A take-up record. PATCH: the facilitator or the agency's staff (others 403)."""

    serializer_class = UptakeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        uptake = access.get_or_404(
            support_selectors.uptake_lookup(self.request.user),
            self.kwargs["pk"],
            "No such service take-up.",
        )
        if self.request.method not in SAFE_METHODS:
            _require_recorder(self.request.user, uptake.network)
        return uptake

    def update(self, request, *args, **kwargs):
        uptake = self.get_object()
        serializer = self.get_serializer(uptake, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        uptake = support_services.uptake_update(
            uptake=uptake, actor=request.user, **UptakeSerializer.objects(serializer.validated_data)
        )
        return Response(self.get_serializer(uptake).data)


class SupportServiceListView(generics.ListAPIView):
    """The support services of the catalogues the user may read (ids for take-up records)."""

    serializer_class = SupportServiceSerializer

    def get_queryset(self):
        return (
            SupportService.objects.filter(
                provider__agency_id__in=access.catalogue_agency_ids(self.request.user)
            )
            .select_related("provider")
            .order_by("provider__name", "name", "pk")
        )


urlpatterns = [
    path(
        "networks/<int:pk>/joint-actions/",
        JointActionListView.as_view(),
        name="joint-action-list",
    ),
    path("joint-actions/<int:pk>/", JointActionDetailView.as_view(), name="joint-action-detail"),
    path("joint-actions/<int:pk>/confirm/", ConfirmView.as_view(), name="joint-action-confirm"),
    path("joint-actions/<int:pk>/decline/", DeclineView.as_view(), name="joint-action-decline"),
    path("networks/<int:pk>/service-uptakes/", UptakeListView.as_view(), name="uptake-list"),
    path("service-uptakes/<int:pk>/", UptakeDetailView.as_view(), name="uptake-detail"),
    path("support-services/", SupportServiceListView.as_view(), name="support-service-list"),
]
