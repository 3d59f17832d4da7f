"""REST API: networks, their members, the diagnosis and goals, the application and its
decision, the manager, dissolution and the phase transitions.

Every view under /networks/{pk}/ follows one order:
1. the network is looked up among those the user may see: otherwise 404;
2. for writes, the user must be allowed to change it (`write_check`): otherwise 403;
3. the serializer checks the input's types: otherwise 400 naming the field;
4. the service checks the business rules and writes (400, 403 or 409 via
   `errors.exception_handler`).
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.input import require_no_input
from networks.api.serializers.lifecycle import (
    ApplicationSerializer,
    AppointmentSerializer,
    DecisionSerializer,
    DiagnosisSerializer,
    DissolveSerializer,
    GoalSerializer,
    ManagerAppointSerializer,
    ManagerReplaceSerializer,
    MembershipRemoveSerializer,
    MembershipSerializer,
    NetworkCreateSerializer,
    NetworkSerializer,
    PhaseTransitionSerializer,
)
from networks.api.views.common import NetworkScopedView
from networks.models import Application, Diagnosis, Network, PhaseTransition
from networks.selectors import lifecycle as lifecycle_selectors
from networks.services import lifecycle as lifecycle_services
from networks.services.common import ConflictError
from networks.services.lifecycle import APPLICATION_NOT_SUBMITTED, NETWORK_PROGRAMME_NOT_YOURS


def _network_row(user, pk) -> Network:
    """The network as the list and detail show it (with its member count), after a write."""
    return lifecycle_selectors.network_list(user=user).get(pk=pk)


def _application(network: Network) -> Application:
    # Services create the application lazily; until then it is an unsaved draft.
    return Application.objects.filter(network=network).first() or Application(network=network)


# --- networks -------------------------------------------------------------------------------


PHASE_PARAMETER = OpenApiParameter(
    "phase", enum=Network.Phase.values, description="Only this phase."
)


@extend_schema_view(
    get=extend_schema(parameters=[PHASE_PARAMETER]),
    post=extend_schema(request=NetworkCreateSerializer, responses={201: NetworkSerializer}),
)
class NetworkListView(IdempotentCreateMixin, generics.ListCreateAPIView):
    serializer_class = NetworkSerializer

    def get_serializer_class(self):
        if self.request.method == "POST":
            return NetworkCreateSerializer
        return NetworkSerializer

    def get_queryset(self):
        phase = self.request.query_params.get("phase")
        if phase and phase not in Network.Phase.values:
            raise exceptions.ValidationError(
                {"phase": [f"Choose one of: {', '.join(Network.Phase.values)}."]}
            )
        return lifecycle_selectors.network_list(user=self.request.user, phase=phase)

    def create(self, request, *args, **kwargs):
        # Before the input: whoever may create no network at all is told so, not "no such
        # programme".
        access.require(access.can_create_network(request.user), NETWORK_PROGRAMME_NOT_YOURS)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        network = lifecycle_services.network_create(
            actor=request.user,
            programme=data["programme"],
            name=data.get("name", ""),
            region=data.get("region", ""),
            commune=data.get("commune", ""),
            sector=data.get("sector", ""),
            facilitator=data.get("facilitator"),
        )
        body = NetworkSerializer(_network_row(request.user, network.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class NetworkDetailView(generics.RetrieveUpdateAPIView):
    """Read a network; PATCH its name, region, commune or sector (a read-only field is refused
    unless sent with the value it has)."""

    serializer_class = NetworkSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return lifecycle_selectors.network_list(user=self.request.user)

    def get_object(self):
        network = super().get_object()
        if self.request.method not in SAFE_METHODS:
            access.require_change(self.request.user, network)
        return network

    def perform_update(self, serializer):
        lifecycle_services.network_update(
            network=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


# --- members --------------------------------------------------------------------------------


class MemberListView(IdempotentCreateMixin, NetworkScopedView, generics.ListCreateAPIView):
    """The active member firms; POST {firm} adds one."""

    serializer_class = MembershipSerializer

    def get_queryset(self):
        return lifecycle_selectors.active_memberships(self.network)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = lifecycle_services.membership_add(
            network=self.network, firm=serializer.validated_data["firm"], actor=request.user
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(NetworkScopedView):
    """DELETE takes `reason` and `left_on` from a JSON body or the query string.

    Before approval the membership is simply removed; after it, it is closed with a reason.
    """

    serializer_class = MembershipRemoveSerializer

    @extend_schema(
        request=MembershipRemoveSerializer,
        parameters=[
            OpenApiParameter(
                "reason", description="Why the firm leaves (required after approval)."
            ),
            OpenApiParameter("left_on", type=str, description="ISO date; today by default."),
        ],
        responses={204: None},
    )
    def delete(self, request, pk, firm_id):
        membership = access.found_or_404(
            lifecycle_selectors.active_memberships(self.network).filter(firm_id=firm_id).first(),
            "No such member.",
        )
        serializer = self.get_serializer(data=request.data or request.query_params)
        serializer.is_valid(raise_exception=True)
        lifecycle_services.membership_remove(
            network=self.network, firm=membership.firm, actor=request.user,
            **serializer.validated_data,
        )  # fmt: skip
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- diagnosis and goals --------------------------------------------------------------------


class DiagnosisView(NetworkScopedView, generics.RetrieveUpdateAPIView):
    """The group's diagnosis. PUT writes the fields it is given; the others keep their value."""

    serializer_class = DiagnosisSerializer
    http_method_names = ["get", "put", "head", "options"]

    def get_object(self):
        return Diagnosis.objects.filter(
            network=self.network, occasion=Diagnosis.Occasion.APPLICATION
        ).first() or Diagnosis(network=self.network)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data)
        serializer.is_valid(raise_exception=True)
        diagnosis = lifecycle_services.diagnosis_save(
            network=self.network, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(diagnosis).data)


class GoalListView(IdempotentCreateMixin, NetworkScopedView, generics.ListCreateAPIView):
    serializer_class = GoalSerializer

    def get_queryset(self):
        return lifecycle_selectors.goals(self.network)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        goal = lifecycle_services.goal_create(
            network=self.network, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(goal).data, status=status.HTTP_201_CREATED)


# --- the application ------------------------------------------------------------------------


class ApplicationView(NetworkScopedView, generics.RetrieveAPIView):
    """The application: status, decision, the checklist for submitting, and its events."""

    serializer_class = ApplicationSerializer

    def get_object(self):
        return _application(self.network)


class SubmitView(NetworkScopedView):
    serializer_class = ApplicationSerializer

    @extend_schema(request=None, responses=ApplicationSerializer)
    def post(self, request, pk):
        require_no_input(request)
        application = lifecycle_services.application_submit(
            network=self.network, actor=request.user
        )
        return Response(self.get_serializer(application).data)


class DecideView(NetworkScopedView):
    """Agency staff approve, return or reject a submitted application."""

    serializer_class = DecisionSerializer
    write_check = staticmethod(access.require_agency)

    @extend_schema(request=DecisionSerializer, responses=ApplicationSerializer)
    def post(self, request, pk):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = _application(self.network)
        if application.pk is None:
            raise ConflictError(APPLICATION_NOT_SUBMITTED)
        application = lifecycle_services.application_decide(
            application=application, actor=request.user, **serializer.validated_data
        )
        return Response(ApplicationSerializer(application).data)


# --- the manager and dissolution ------------------------------------------------------------


class AppointManagerView(IdempotentCreateMixin, NetworkScopedView):
    """The first manager: the network enters consolidation and its term starts."""

    serializer_class = ManagerAppointSerializer
    write_check = staticmethod(access.require_agency)

    @extend_schema(request=ManagerAppointSerializer, responses={201: AppointmentSerializer})
    def post(self, request, pk):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        appointment = lifecycle_services.manager_appoint(
            network=self.network, actor=request.user, person=data["manager"],
            start=data["start_date"], monthly_salary=data["monthly_salary"],
        )  # fmt: skip
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class ReplaceManagerView(IdempotentCreateMixin, NetworkScopedView):
    """A new manager; the term keeps its start and due date."""

    serializer_class = ManagerReplaceSerializer
    write_check = staticmethod(access.require_agency)

    @extend_schema(request=ManagerReplaceSerializer, responses={201: AppointmentSerializer})
    def post(self, request, pk):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        appointment = lifecycle_services.manager_replace(
            network=self.network, actor=request.user, person=data["manager"],
            start=data["start_date"], monthly_salary=data["monthly_salary"],
            reason=data["reason"],
        )  # fmt: skip
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class DissolveView(NetworkScopedView):
    serializer_class = DissolveSerializer
    write_check = staticmethod(access.require_agency)

    @extend_schema(request=DissolveSerializer, responses=NetworkSerializer)
    def post(self, request, pk):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lifecycle_services.network_dissolve(
            network=self.network, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(NetworkSerializer(_network_row(request.user, self.network.pk)).data)


class TransitionListView(NetworkScopedView, generics.ListAPIView):
    """Every change of phase, oldest first."""

    serializer_class = PhaseTransitionSerializer

    def get_queryset(self):
        return PhaseTransition.objects.filter(network=self.network).order_by("at", "pk")
