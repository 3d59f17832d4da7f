"""REST API: joint actions logged by member firms and their confirmation by each participating
firm.

Same order as every endpoint (networks.api): lookups go through what the user may see (404
otherwise), writes check the access rule (403), serializers check types (400), services check
the rules.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.input import require_no_input
from networks.api.serializers.joint_actions import (
    JointActionSerializer,
    JointActionWriteSerializer,
    RecordAnswerSerializer,
)
from networks.api.views.common import NetworkScopedView
from networks.models import JointAction
from networks.selectors import joint_actions as joint_action_selectors
from networks.services import confirmations as confirmation_services
from networks.services import joint_actions as joint_action_services

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


class RecordAnswerView(generics.GenericAPIView):
    """The network's facilitator records a participating firm's answer on its behalf, with
    how it was obtained (others 403); it shows as recorded by the facilitator."""

    serializer_class = RecordAnswerSerializer

    @extend_schema(request=RecordAnswerSerializer, responses=JointActionSerializer)
    def post(self, request, pk):
        joint_action = access.get_or_404(
            joint_action_selectors.joint_action_lookup(request.user), pk, "No such joint action."
        )
        access.require(
            access.is_facilitator_of(request.user, joint_action.network),
            confirmation_services.RECORD_NOT_ALLOWED,
        )
        serializer = RecordAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        confirmation_services.participation_record(
            joint_action=joint_action, actor=request.user, firm_id=data["firm"],
            confirm=data["answer"] == "confirm", method=data["method"], note=data.get("note", ""),
        )  # fmt: skip
        return Response(JointActionSerializer(_read(request.user, pk)).data)
