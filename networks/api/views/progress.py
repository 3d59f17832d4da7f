"""REST API: goal progress, firm indicators, participation and the collaboration graph.

- /firms/{id}/indicators/: a firm's confidential panel; 404 for whoever may not see its figures
  (another member firm included); each reads only the rows `access.readable_indicators` gives.
- /firms/{id}/sharing/: the firm's own users decide which networks read all its figures.
- /goals/{id}/actuals/: a goal's period values; the goal is looked up through the networks the
  user may see (404), and recording needs the right to change the network (403).
- /networks/{id}/participation/ and /networks/{id}/graph/: for everyone who may see the network.
- /goal-actuals/{id}/ (GET, PATCH): a period's value and comment; `reason` once the value is
  older than a week or an evaluation came after it.
- /firm-indicators/{id}/ (GET, PATCH): a report's figures and notes, always with `reason`.

A change that needs a reason and has none is a 400 naming `reason` (services.history says when
a record needs one).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.serializers.progress import (
    FigureSharingSerializer,
    FirmIndicatorChangeSerializer,
    FirmIndicatorSerializer,
    GoalActualChangeSerializer,
    GoalActualSerializer,
    GraphSerializer,
    ParticipationSerializer,
)
from networks.api.views.common import NetworkScopedView
from networks.models import GoalActual, Network
from networks.selectors import progress as progress_selectors
from networks.services import progress as progress_services
from networks.services.progress import firm_figures_share, firm_indicator_record, goal_actual_record


class FirmIndicatorListView(IdempotentCreateMixin, generics.ListCreateAPIView):
    """The firm's reports this user may read (each with the network it was recorded for),
    oldest first; POST records one."""

    serializer_class = FirmIndicatorSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication first: anonymous is 401
        self.firm = access.get_firm_figures_or_404(request.user, kwargs["pk"])

    def get_queryset(self):
        # Only the rows this user may read: another network's rows are not there at all.
        readable = access.readable_indicators(self.request.user)
        return readable.filter(firm=self.firm).order_by("date", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "network_id" in data:  # null stays null: the firm's own record
            data["network"] = data.pop("network_id")
        report = firm_indicator_record(firm=self.firm, actor=request.user, **data)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


class FirmSharingMixin:
    """For the firm's own users only: 403 for its facilitators and agency, who may read its
    figures but not decide what it shares; 404 for everyone else."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.firm = access.get_firm_figures_or_404(request.user, kwargs["pk"])
        access.require(access.can_share_figures(request.user, self.firm))


class FigureSharingListView(FirmSharingMixin, generics.GenericAPIView):
    """Each network of the firm, and whether it shares all its figures with it."""

    serializer_class = FigureSharingSerializer
    pagination_class = None

    @extend_schema(responses=FigureSharingSerializer(many=True))
    def get(self, request, pk):
        rows = progress_selectors.firm_sharing(self.firm)
        return Response(self.get_serializer(rows, many=True).data)


class FigureSharingDetailView(FirmSharingMixin, generics.GenericAPIView):
    """PUT {"shares_figures": true} shares all the firm's figures with the network's
    facilitator and agency; false takes that back."""

    serializer_class = FigureSharingSerializer

    def put(self, request, pk, network_pk):
        network = access.found_or_404(
            Network.objects.filter(pk=network_pk, memberships__firm=self.firm).first(),
            "No such network.",
        )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        firm_figures_share(
            firm=self.firm, network=network, actor=request.user,
            share=serializer.validated_data["shares_figures"],
        )  # fmt: skip
        row = next(
            r
            for r in progress_selectors.firm_panel(self.firm, request.user).sharing
            if r.network == network
        )
        return Response(self.get_serializer(row).data)


class GoalActualListView(IdempotentCreateMixin, generics.ListCreateAPIView):
    """The goal's values by period, oldest first; POST records one (staff and facilitator)."""

    serializer_class = GoalActualSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.goal = access.found_or_404(progress_selectors.goal_for(request.user, kwargs["pk"]), "")
        if request.method not in SAFE_METHODS:
            access.require_change(request.user, self.goal.network)

    def get_queryset(self):
        return (
            GoalActual.objects.filter(goal=self.goal)
            .prefetch_related("attachments")
            .order_by("period_end", "pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actual = goal_actual_record(goal=self.goal, actor=request.user, **serializer.validated_data)
        actual = self.get_queryset().get(pk=actual.pk)
        return Response(self.get_serializer(actual).data, status=status.HTTP_201_CREATED)


class ParticipationView(NetworkScopedView, generics.ListAPIView):
    """Each active member firm's participation, by firm name (attendance is not confidential)."""

    serializer_class = ParticipationSerializer

    def get_queryset(self):
        return progress_selectors.participation(self.network)


class GraphView(NetworkScopedView):
    """The active member firms as a graph: tied when they attended the same activity or share a
    joint action (not dropped), weighted by how often."""

    serializer_class = GraphSerializer

    @extend_schema(responses=GraphSerializer)
    def get(self, request, pk):
        collaboration = progress_selectors.collaboration(self.network)
        g = collaboration.graph
        degrees = g.degrees()
        data = {
            "nodes": [
                {"id": pk_, "name": g.names[pk_], "degree": degrees[pk_]} for pk_ in g.ordered()
            ],
            "edges": [{"source": a, "target": b, "weight": w} for a, b, w in g.ties()],
            "density": round(g.density, 3),
            "isolated": g.isolated(),
            "density_by_quarter": [
                {"quarter": q.quarter.label, "density": round(q.density, 3)}
                for q in collaboration.quarters
            ],
        }
        return Response(GraphSerializer(data).data)


class GoalActualDetailView(generics.RetrieveUpdateAPIView):
    """A goal's value for one period; PATCH corrects the value or comment (facilitator or
    agency staff), with a reason once others may have relied on it."""

    serializer_class = GoalActualChangeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return access.get_goal_actual_or_404(
            self.request.user, self.kwargs["pk"], change=self.request.method not in SAFE_METHODS
        )

    def update(self, request, *args, **kwargs):
        actual = self.get_object()
        serializer = self.get_serializer(actual, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        actual = progress_services.goal_actual_update(
            actual=actual, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(actual).data)


class FirmIndicatorDetailView(generics.RetrieveUpdateAPIView):
    """One report of a firm's figures; PATCH corrects figures or notes, always with a reason."""

    serializer_class = FirmIndicatorChangeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return access.get_firm_indicator_or_404(
            self.request.user, self.kwargs["pk"], change=self.request.method not in SAFE_METHODS
        )

    def update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = self.get_serializer(report, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        report = progress_services.firm_indicator_update(
            report=report, actor=request.user, **serializer.validated_data
        )
        return Response(
            self.get_serializer(report).data
        )  # --- corrections, each with a reason (services.history) -----------------------------------
