"""REST API: the broker's records.

- /firms/{id}/certifications/: a firm's register, read as its figures are (404 for whoever may
  not see its figures, another member firm included); each reads only the rows
  `access.readable_certifications` gives. POST records one.
- /certifications/{id}/ (GET, PATCH): one certification; PATCH where it was recorded (403 for a
  reader who may not correct it).
- /networks/{id}/diagnoses/: the dated diagnoses, oldest first; POST records a re-diagnosis.
- /networks/{id}/projects/ and /networks/{id}/projects/{project_id}/ (GET, PATCH): joint
  strategic projects; /milestones/ under a project (POST) and /milestones/{id}/ (PATCH).
- /joint-actions/{id}/sales/ (GET, PUT): the sales won per participating firm.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from networks import access
from networks.api.idempotency import IdempotentCreateMixin
from networks.api.serializers.records import (
    CertificationChangeSerializer,
    CertificationSerializer,
    DiagnosisPointSerializer,
    MilestoneChangeSerializer,
    MilestoneSerializer,
    ProjectSerializer,
    SalesSerializer,
    project_input,
)
from networks.api.views.common import NetworkScopedView
from networks.lib.typology import DIMENSIONS
from networks.models import Diagnosis, JointProject
from networks.selectors import joint_actions as joint_action_selectors
from networks.selectors import projects as project_selectors
from networks.services import certifications as certification_services
from networks.services import diagnoses as diagnosis_services
from networks.services import group_sales as group_sales_services
from networks.services import projects as project_services

# --- certifications ----------------------------------------------------------------------------


class CertificationListView(IdempotentCreateMixin, generics.ListCreateAPIView):
    serializer_class = CertificationSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication first: anonymous is 401
        self.firm = access.get_firm_figures_or_404(request.user, kwargs["pk"])

    def get_queryset(self):
        readable = access.readable_certifications(self.request.user)
        return readable.filter(firm=self.firm).order_by("standard", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "network_id" in data:  # null stays null: the firm's own record
            data["network"] = data.pop("network_id")
        row = certification_services.certification_record(
            firm=self.firm, actor=request.user, **data
        )
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


class CertificationDetailView(generics.RetrieveUpdateAPIView):
    serializer_class = CertificationChangeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        change = self.request.method not in SAFE_METHODS
        return access.get_certification_or_404(self.request.user, self.kwargs["pk"], change=change)

    def update(self, request, *args, **kwargs):
        row = self.get_object()
        serializer = self.get_serializer(row, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = certification_services.certification_update(
            certification=row, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(row).data)


# --- dated diagnoses ---------------------------------------------------------------------------


class DiagnosisListView(IdempotentCreateMixin, NetworkScopedView, generics.ListCreateAPIView):
    serializer_class = DiagnosisPointSerializer
    pagination_class = None

    def get_queryset(self):
        return Diagnosis.objects.filter(network=self.network).order_by("diagnosed_on", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = diagnosis_services.diagnosis_record(
            network=self.network, actor=request.user, diagnosed_on=data.get("diagnosed_on"),
            problems=data.get("problems", ""), opportunities=data.get("opportunities", ""),
            **{name: data.get(name) for name in DIMENSIONS},
        )  # fmt: skip
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


# --- joint strategic projects -------------------------------------------------------------------


def require_project_manager(user, network) -> None:
    """Projects are planned by the network's facilitator and its agency (others 403)."""
    access.require(access.can_manage_project(user, network))


def _projects(network):
    return JointProject.objects.filter(network=network).prefetch_related(
        "participants", "milestones", "joint_actions"
    )


class ProjectListView(IdempotentCreateMixin, NetworkScopedView, generics.ListCreateAPIView):
    serializer_class = ProjectSerializer
    write_check = staticmethod(require_project_manager)

    def get_queryset(self):
        return _projects(self.network).order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = project_input(serializer.validated_data)
        project = project_services.project_create(
            network=self.network, actor=request.user, firms=data.pop("firms", []), **data
        )
        return Response(
            self.get_serializer(_projects(self.network).get(pk=project.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ProjectScopedView(NetworkScopedView):
    write_check = staticmethod(require_project_manager)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.project = access.found_or_404(
            project_selectors.project_of(self.network, kwargs["project_pk"]), "No such project."
        )


class ProjectDetailView(ProjectScopedView, generics.RetrieveUpdateAPIView):
    serializer_class = ProjectSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return _projects(self.network).get(pk=self.project.pk)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.project, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        project_services.project_update(
            project=self.project, actor=request.user, **project_input(serializer.validated_data)
        )
        return Response(self.get_serializer(self.get_object()).data)


class MilestoneListView(IdempotentCreateMixin, ProjectScopedView, generics.ListCreateAPIView):
    serializer_class = MilestoneSerializer
    pagination_class = None

    def get_queryset(self):
        return self.project.milestones.order_by("due_on", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = project_services.milestone_add(
            project=self.project, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(milestone).data, status=status.HTTP_201_CREATED)


class MilestoneDetailView(ProjectScopedView, generics.RetrieveUpdateAPIView):
    serializer_class = MilestoneChangeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return access.found_or_404(
            project_selectors.milestone_of(self.project, self.kwargs["m_pk"]),
            "No such milestone.",
        )

    def update(self, request, *args, **kwargs):
        milestone = self.get_object()
        serializer = self.get_serializer(milestone, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        milestone = project_services.milestone_update(
            milestone=milestone, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(milestone).data)


# --- sales won as a group ----------------------------------------------------------------------


class SalesView(generics.GenericAPIView):
    """GET: the participating firms and their sales. PUT: record them (the firm that logged
    the joint action, or the facilitator; others 403)."""

    serializer_class = SalesSerializer

    def _joint_action(self, pk):
        return access.get_or_404(
            joint_action_selectors.joint_action_lookup(self.request.user), pk,
            "No such joint action.",
        )  # fmt: skip

    def _body(self, joint_action):
        rows = project_selectors.sales_rows(joint_action)
        sales = [{"firm": r.firm_id, "firm_name": r.firm.name, "sales": r.sales} for r in rows]
        total = sum((r.sales for r in rows if r.sales is not None), start=0)
        return self.get_serializer({"sales": sales, "total": total}).data

    def get(self, request, pk):
        return Response(self._body(self._joint_action(pk)))

    @extend_schema(request=SalesSerializer, responses=SalesSerializer)
    def put(self, request, pk):
        joint_action = self._joint_action(pk)
        access.require(access.can_edit_joint_action(request.user, joint_action))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group_sales_services.joint_action_record_sales(
            joint_action=joint_action, actor=request.user,
            sales={row["firm"]: row["sales"] for row in serializer.validated_data["sales"]},
        )  # fmt: skip
        return Response(self._body(joint_action))
