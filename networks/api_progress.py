"""REST API: goal progress, firm indicators, participation and the collaboration graph.

- /firms/{id}/indicators/: a firm's confidential panel; 404 for whoever may not see its figures
  (another member firm included); each reads only the rows `access.readable_indicators` gives.
- /firms/{id}/sharing/: the firm's own users decide which networks read all its figures.
- /goals/{id}/actuals/: a goal's period values; the goal is looked up through the networks the
  user may see (404), and recording needs the right to change the network (403).
- /networks/{id}/participation/ and /networks/{id}/graph/: for everyone who may see the network.
"""

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from networks import access
from networks.api_idempotency import IdempotentCreateMixin
from networks.api_input import StrictIntegerField, StrictModelSerializer, StrictSerializer
from networks.api_views import NetworkScopedView
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.models import Attachment, FirmIndicator, GoalActual, Network
from networks.rules import FIGURES, MAX_INTEGER
from networks.selectors import progress as progress_selectors
from networks.services.progress import firm_figures_share, firm_indicator_record, goal_actual_record

RATE_HELP = (
    "A share between 0 and 1, as a number rounded to 3 decimals (0.667 is two activities out of "
    "three); null when the network held no activity in the period."
)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# --- firm indicators ------------------------------------------------------------------------


def _count_field() -> serializers.IntegerField:
    # Negative values pass here so that the service answers with its own message.
    return StrictIntegerField(
        required=False, allow_null=True, min_value=-MAX_INTEGER, max_value=MAX_INTEGER
    )


def _amount_field(max_digits: int) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=max_digits, decimal_places=2, required=False, allow_null=True
    )


class FirmIndicatorSerializer(StrictModelSerializer):
    """One report of a firm's figures. Amounts are decimal strings in the programme's currency."""

    network = StrictIntegerField(
        source="network_id",
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_INTEGER,
        help_text="The network the figures are recorded for: its facilitator and agency read "
        "them. null: the firm's own record, read by the firm only unless it shares its figures "
        "(firm users only). Left out: the only network the user may record for.",
    )
    is_baseline = serializers.BooleanField(required=False, default=False)
    employees = _count_field()
    annual_sales = _amount_field(16)
    exports = _amount_field(16)
    average_wage = _amount_field(14)
    people_trained = _count_field()
    certifications = _count_field()
    technologies = _count_field()
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )

    class Meta:
        model = FirmIndicator
        fields = ["id", "firm", "network", "date", "is_baseline", *FIGURES, "notes",
                  "recorded_by", "created_at"]  # fmt: skip
        read_only_fields = ["firm", "recorded_by", "created_at"]


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


class FigureSharingSerializer(StrictSerializer):
    network = serializers.IntegerField(source="network.pk", read_only=True)
    network_name = serializers.CharField(source="network.name", read_only=True)
    agency_name = serializers.CharField(source="network.programme.agency.name", read_only=True)
    active = serializers.BooleanField(read_only=True, help_text="The firm is still a member.")
    shares_figures = serializers.BooleanField(
        help_text="true: the network's facilitator and agency read all the firm's figures; "
        "false: only those recorded for the network."
    )


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


# --- goal actuals ---------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField(help_text="The download page (session login).")

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, attachment: Attachment) -> str:
        return reverse(
            "networks:goal-evidence-download", args=[attachment.goal_actual_id, attachment.pk]
        )


class GoalActualSerializer(StrictModelSerializer):
    """A period's value. POST as JSON, or as multipart with an `evidence` file."""

    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    evidence = serializers.FileField(
        write_only=True, required=False, allow_null=True, default=None,
        help_text="Optional PDF, JPEG, PNG, DOCX, XLSX, ODT or ODS file, checked by content.",
    )  # fmt: skip
    attachments = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = GoalActual
        fields = ["id", "goal", "period_end", "value", "comment", "evidence", "attachments",
                  "recorded_by", "created_at"]  # fmt: skip
        read_only_fields = ["goal", "recorded_by", "created_at"]
        # Checked by the service, which names the period in its message.
        validators = []


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


# --- participation --------------------------------------------------------------------------


class ParticipationSerializer(serializers.Serializer):
    firm = serializers.IntegerField(source="firm.pk")
    firm_name = serializers.CharField(source="firm.name")
    attendance_rate_6m = serializers.SerializerMethodField(
        help_text="Activities attended ÷ activities held while a member, last 6 months. "
        + RATE_HELP
    )
    attendance_rate_since_joining = serializers.SerializerMethodField(
        help_text="Activities attended ÷ activities held since the firm joined. " + RATE_HELP
    )
    joint_actions = serializers.IntegerField(help_text="Joint actions it takes part in.")
    last_participation = serializers.DateField(
        allow_null=True, help_text="Its last attended activity or joint action."
    )
    drifting = serializers.BooleanField(
        help_text="No participation in 90 days (never for a firm that joined less than 90 "
        "days ago)."
    )

    @extend_schema_field(serializers.FloatField(allow_null=True, min_value=0, max_value=1))
    def get_attendance_rate_6m(self, row: progress_selectors.Participation) -> float | None:
        return _rate(row.rate_6m)

    @extend_schema_field(serializers.FloatField(allow_null=True, min_value=0, max_value=1))
    def get_attendance_rate_since_joining(
        self, row: progress_selectors.Participation
    ) -> float | None:
        return _rate(row.rate_since_joining)


class ParticipationView(NetworkScopedView, generics.ListAPIView):
    """Each active member firm's participation, by firm name (attendance is not confidential)."""

    serializer_class = ParticipationSerializer

    def get_queryset(self):
        return progress_selectors.participation(self.network)


# --- the collaboration graph ----------------------------------------------------------------


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The firm's id.")
    name = serializers.CharField()
    degree = serializers.IntegerField(help_text="How many other firms it is tied to.")


class GraphEdgeSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="A firm's id (the smaller of the two).")
    target = serializers.IntegerField(help_text="The other firm's id.")
    weight = serializers.IntegerField(help_text="Activities attended together + joint actions.")


class QuarterDensitySerializer(serializers.Serializer):
    quarter = serializers.CharField(help_text='"2025-Q1".')
    density = serializers.FloatField(min_value=0, max_value=1)


class GraphSerializer(serializers.Serializer):
    nodes = GraphNodeSerializer(many=True)
    edges = GraphEdgeSerializer(many=True)
    density = serializers.FloatField(
        min_value=0, max_value=1, help_text="2 × ties ÷ (n × (n − 1)), rounded to 3 decimals."
    )
    isolated = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the firms tied to nobody."
    )
    density_by_quarter = QuarterDensitySerializer(
        many=True,
        help_text="Cumulative: every tie made from the term start to the quarter's end (today "
        "for the quarter under way), among the firms that were members on that day.",
    )


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


urlpatterns = [
    path(
        "firms/<int:pk>/indicators/",
        FirmIndicatorListView.as_view(),
        name="firm-indicator-list",
    ),
    path("firms/<int:pk>/sharing/", FigureSharingListView.as_view(), name="firm-sharing-list"),
    path(
        "firms/<int:pk>/sharing/<int:network_pk>/",
        FigureSharingDetailView.as_view(),
        name="firm-sharing-detail",
    ),
    path("goals/<int:pk>/actuals/", GoalActualListView.as_view(), name="goal-actual-list"),
    path(
        "networks/<int:pk>/participation/",
        ParticipationView.as_view(),
        name="participation",
    ),
    path("networks/<int:pk>/graph/", GraphView.as_view(), name="graph"),
]
