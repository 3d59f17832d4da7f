"""A network's workspace: its overview, and the tabs that hold what the one long network page
used to show (members, money, progress, history). The activities, joint actions and evaluation
tabs are those subjects' own list pages. Every page of a network shows the same sub-navigation
(templatetags/workspace.py); each page reads only what it shows, with a fixed number of
queries. Like the network page before them, they answer any method with the page, after the
access check (outsiders 404)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from networks import access
from networks.files import exports
from networks.models import Application, Handover, Network
from networks.selectors import lifecycle as lifecycle_selectors
from networks.selectors import network_page
from networks.selectors import term as term_selectors
from networks.views.common import diagnosis_rows, frozen_because

# The overview shows the latest few; their tabs show them all.
LATEST_ON_OVERVIEW = 3


def _page(request: HttpRequest, pk: int) -> network_page.NetworkPage:
    """The network as the user may see it (outsiders 404), read once for every section."""
    network = access.found_or_404(
        network_page.network_for_page(request.user, pk), "No such network."
    )
    return network_page.NetworkPage(network, request.user)


def _header(page: network_page.NetworkPage) -> dict:
    """What every tab page shows above its subject: the network, its group's state and the
    actions on the whole network (each only to whom may take it)."""
    network, user = page.network, page.user
    application = network_page.one_to_one(network, "application")
    appointment = page.current_appointment
    is_agency = access.is_agency_of(user, network)
    may_change = access.can_change_network(user, network)
    is_open = network.phase != Network.Phase.DISSOLVED
    frozen = frozen_because(network, application)
    # Counted from the memberships already read, instead of a second query.
    network.member_count = len(page.active_members)
    return {
        "network": network,
        "programme": network.programme,
        "application": application,
        "appointment": appointment,
        "may_change": may_change,
        "is_agency": is_agency,
        # Members, diagnosis and goals: editable unless dissolved or under review.
        "frozen": frozen,
        "editable": may_change and not frozen,
        "below_minimum": lifecycle_selectors.below_minimum(network),
        "can_appoint": (
            is_agency
            and appointment is None
            and network.phase == Network.Phase.PREPARATION
            and application is not None
            and application.status == Application.Status.APPROVED
        ),
        "can_replace": is_agency and is_open and appointment is not None,
        "can_dissolve": is_agency and is_open,
    }


def _next_steps(context: dict) -> list[dict]:
    """What the reader can do next on this network, the most pressing first: each a link to
    the page where it is done, offered only to whom may do it. (Appointing, replacing and
    dissolving are the actions on the whole network, in the buttons above.)"""
    network, pk = context["network"], context["network"].pk
    application, term = context["application"], context.get("term") or {}
    steps = []

    def step(text, name, primary=False, anchor=""):
        url = reverse(f"networks:{name}", args=[pk]) + anchor
        steps.append({"text": text, "url": url, "primary": primary})

    if term.get("can_confirm_handover"):
        step(_("Confirm the handover"), "network-money", True, "#handover-heading")
    status = application.status if application else Application.Status.DRAFT
    if network.phase == Network.Phase.PREPARATION:
        if context["is_agency"] and status == Application.Status.SUBMITTED:
            step(_("Decide the application"), "network-application", True)
        elif context["editable"] and status in (
            Application.Status.DRAFT,
            Application.Status.RETURNED,
        ):
            step(_("Complete and submit the application"), "network-application", True)
    if context["ja_waiting"]:
        steps.append({
            "text": _("Confirm your firm's joint actions"),
            "url": reverse("networks:joint-action-list", args=[pk]) + "?waiting=on",
            "primary": True,
        })  # fmt: skip
    if context["can_log_activity"]:
        step(_("Log an activity"), "activity-create", not steps)
    if context["ja_can_log"]:
        step(_("Log a joint action"), "joint-action-create", not steps)
    if term.get("can_record_payment"):
        step(_("Record a payment"), "payment-create")
    if term.get("can_propose_handover") and not term.get("handover"):
        step(_("Propose the handover"), "handover-propose")
    if context["can_evaluate"]:
        step(_("Evaluate"), "evaluation-create")
    return steps


@login_required
def network_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The overview: phase and clock, next steps, key figures, the latest activities and joint
    actions, alerts. Everything else is one tab away."""
    page = _page(request, pk)
    network = page.network
    context = _header(page)
    for section in (
        network_page.term_section,
        network_page.activities_section,
        network_page.evaluation_section,
        network_page.participation_section,
    ):
        context.update(section(page))
    context.update(network_page.latest_joint_actions(page, limit=LATEST_ON_OVERVIEW))
    goals = page.goal_progress
    context.update(
        {
            "recent_activities": context["recent_activities"][:LATEST_ON_OVERVIEW],
            "activities_in_window": page.recent_activities[1],
            "activities_since": term_selectors.readiness_window(network, page.today)[0],
            "term_elapsed": network_page.term_elapsed_percent(network, page.today),
            "goals_count": len(goals),
            "goals_reached": sum(1 for p in goals if p.reached),
            "goals_missed": sum(1 for p in goals if p.missed),
            "data_exports": exports.kinds_for(request.user),
            "can_import": context["may_change"],
            "handover_waiting": (
                page.current_handover is not None
                and page.current_handover.status == Handover.Status.PROPOSED
            ),
        }
    )
    context["next_steps"] = _next_steps(context)
    return render(request, "networks/network_detail.html", context)


@login_required
def network_firms(request: HttpRequest, pk: int) -> HttpResponse:
    """The Members tab: the active member firms and the former ones, for whoever may see the
    network; managing them is the members page (networks:network-members)."""
    page = _page(request, pk)
    context = {
        **_header(page),
        "members": page.active_members,
        "former_members": page.former_members,
    }
    return render(request, "networks/network_firms.html", context)


@login_required
def network_money(request: HttpRequest, pk: int) -> HttpResponse:
    """The Money tab: the term and its clock, this month's cost share, the contributions, the
    handover readiness, changes of the due date and the handover."""
    page = _page(request, pk)
    context = {**_header(page), **network_page.term_section(page)}
    return render(request, "networks/network_money.html", context)


@login_required
def network_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The Progress tab: the diagnosis at application, the goals and how far each has come,
    the typology profile, certified firms, participation and the collaboration graph."""
    page = _page(request, pk)
    context = _header(page)
    diagnosis = network_page.one_to_one(page.network, "application_diagnosis")
    context.update(
        {
            "diagnosis": diagnosis,
            "diagnosis_rows": diagnosis_rows(diagnosis),
            "goals": [row.goal for row in page.goal_progress],
            **network_page.progress_section(page),
        }
    )
    return render(request, "networks/network_progress.html", context)


@login_required
def network_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The History tab: the application's decision and the network's life, every phase change,
    decision, appointment and handover (the audit of every field is the agency's own page)."""
    page = _page(request, pk)
    context = {**_header(page), "timeline": page.timeline()}
    return render(request, "networks/network_timeline.html", context)
