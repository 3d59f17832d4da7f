"""Joint strategic projects (goal, co-financing, milestones, firms) and the sales a joint
action won per firm. Everyone who sees the network reads them; the facilitator and the agency
plan projects; whoever may edit a joint action records its sales."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from networks import access
from networks.forms.projects import (
    FIELDS,
    MilestoneForm,
    ProjectForm,
    ProjectLinkForm,
    SalesForm,
)
from networks.models import Membership
from networks.rules import joint_actions_open
from networks.selectors import joint_actions as joint_action_selectors
from networks.selectors import projects as project_selectors
from networks.services import group_sales as group_sales_services
from networks.services import projects as project_services
from networks.services.common import ConflictError
from networks.views.common import once_per_form, posted, show_conflict, show_errors


def _members(network):
    return [
        m.firm
        for m in Membership.objects.filter(network=network, left_on__isnull=True)
        .select_related("firm")
        .order_by("firm__name")
    ]


def _may_manage(user, network) -> bool:
    return access.can_manage_project(user, network) and joint_actions_open(network)


@login_required
@once_per_form
def project_list(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.get_network_or_404(request.user, pk)
    may_manage = _may_manage(request.user, network)
    if request.method == "POST":
        access.require(access.can_manage_project(request.user, network))
    form = ProjectForm(posted(request), members=_members(network))
    if request.method == "POST" and form.is_valid():
        try:
            project = project_services.project_create(
                network=network, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect("networks:project-detail", network.pk, project.pk)
    context = {
        "network": network,
        "projects": project_selectors.network_projects(network),
        "form": form,
        "may_manage": may_manage,
    }
    return render(request, "networks/project_list.html", context)


def _project_or_404(request, pk, project_pk):
    network = access.get_network_or_404(request.user, pk)
    project = access.found_or_404(
        project_selectors.project_of(network, project_pk), "No such project."
    )
    return network, project


@login_required
@once_per_form
def project_detail(request: HttpRequest, pk: int, project_pk: int) -> HttpResponse:
    """The project, its firms, milestones and joint actions; the managers add milestones."""
    network, project = _project_or_404(request, pk, project_pk)
    if request.method == "POST":
        access.require(access.can_manage_project(request.user, network))
    form = MilestoneForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            project_services.milestone_add(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Milestone saved."))
            return redirect("networks:project-detail", network.pk, project.pk)
    project = next(p for p in project_selectors.network_projects(network) if p.pk == project.pk)
    context = {
        "network": network,
        "project": project,
        "form": form,
        "may_manage": _may_manage(request.user, network),
        "late": project_selectors.late_milestones(project),
        "statuses": MilestoneForm.base_fields["status"].choices,
    }
    return render(request, "networks/project_detail.html", context)


@login_required
def project_edit(request: HttpRequest, pk: int, project_pk: int) -> HttpResponse:
    network, project = _project_or_404(request, pk, project_pk)
    access.require(access.can_manage_project(request.user, network))
    form = ProjectForm(posted(request), members=_members(network), project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        firms = data.pop("firms")
        changed_money = data["firms_funding"] != project.firms_funding or set(firms) != {
            row.firm_id for row in project.participants.all()
        }
        if not changed_money:
            data.pop("firms_funding")  # keep each firm's contribution as it is
        try:
            project_services.project_update(
                project=project, actor=request.user, firms=firms if changed_money else None,
                **{name: data[name] for name in FIELDS if name in data},
            )  # fmt: skip
        except ValidationError as exc:
            show_errors(form, exc)
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect("networks:project-detail", network.pk, project.pk)
    context = {"network": network, "project": project, "form": form}
    return render(request, "networks/project_form.html", context)


@login_required
@require_POST
def milestone_update(request: HttpRequest, pk: int, project_pk: int, m_pk: int) -> HttpResponse:
    network, project = _project_or_404(request, pk, project_pk)
    milestone = access.found_or_404(
        project_selectors.milestone_of(project, m_pk), "No such milestone."
    )
    access.require(access.can_manage_project(request.user, network))
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            project_services.milestone_update(
                milestone=milestone, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
        except ConflictError as exc:
            show_conflict(request, exc)
        else:
            messages.success(request, _("Milestone saved."))
    else:
        messages.error(request, _("Give the milestone a title, a date and a status."))
    return redirect("networks:project-detail", network.pk, project.pk)


@login_required
def joint_action_sales(request: HttpRequest, pk: int, ja_pk: int) -> HttpResponse:
    """The sales won per participating firm, and the project the joint action belongs to."""
    network = access.get_network_or_404(request.user, pk)
    joint_action = access.get_or_404(
        joint_action_selectors.joint_action_lookup(request.user, network=network),
        ja_pk,
        "No such joint action.",
    )
    may_edit = joint_actions_open(network) and access.can_edit_joint_action(
        request.user, joint_action
    )
    if request.method == "POST":
        access.require(access.can_edit_joint_action(request.user, joint_action))
    rows = project_selectors.sales_rows(joint_action)
    projects = project_selectors.network_projects(network) if may_edit else []
    is_link = request.method == "POST" and "link_project" in request.POST
    form = SalesForm(None if is_link else posted(request), participants=rows)
    link = ProjectLinkForm(
        request.POST if is_link else None, projects=projects,
        initial={"project": joint_action.project_id},
    )  # fmt: skip
    try:
        if is_link and link.is_valid():
            chosen = next((p for p in projects if p.pk == link.cleaned_data["project"]), None)
            group_sales_services.joint_action_set_project(
                joint_action=joint_action, actor=request.user, project=chosen
            )
            messages.success(request, _("Joint action saved."))
            return redirect("networks:joint-action-sales", network.pk, joint_action.pk)
        if request.method == "POST" and not is_link and form.is_valid():
            group_sales_services.joint_action_record_sales(
                joint_action=joint_action, actor=request.user, sales=form.sales()
            )
            messages.success(request, _("Sales saved."))
            return redirect("networks:joint-action-sales", network.pk, joint_action.pk)
    except ValidationError as exc:
        show_errors(link if is_link else form, exc)
    except ConflictError as exc:
        show_conflict(request, exc)
    context = {
        "network": network,
        "joint_action": joint_action,
        "rows": rows,
        "total": sum((r.sales for r in rows if r.sales is not None), start=0),
        "form": form,
        "link": link,
        "may_edit": may_edit,
    }
    return render(request, "networks/joint_action_sales.html", context)
