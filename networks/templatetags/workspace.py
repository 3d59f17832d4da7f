"""The network's sub-navigation, shared by every page of a network's workspace."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

register = template.Library()

# (tab, its label, the page the tab opens).
TABS = [
    ("overview", _("Overview"), "networks:network-detail"),
    ("members", pgettext_lazy("network tab", "Members"), "networks:network-firms"),
    ("activities", _("Activities"), "networks:activity-list"),
    ("joint-actions", _("Joint actions"), "networks:joint-action-list"),
    ("money", _("Money"), "networks:network-money"),
    ("progress", _("Progress"), "networks:network-progress"),
    ("evaluation", _("Evaluation"), "networks:evaluation-list"),
    ("history", _("History"), "networks:network-timeline"),
]
# The tab each page of a network belongs to: a page deeper in a subject keeps its tab marked.
TAB_OF_PAGE = {
    "network-detail": "overview",
    "network-firms": "members",
    "network-members": "members",
    "activity-list": "activities",
    "joint-action-list": "joint-actions",
    "project-list": "joint-actions",
    "uptake-list": "joint-actions",
    "network-money": "money",
    "network-ledger": "money",
    "network-progress": "progress",
    "network-graph": "progress",
    "network-participation": "progress",
    "network-indicators": "progress",
    "network-certifications": "progress",
    "network-rediagnosis": "progress",
    "evaluation-list": "evaluation",
    "network-timeline": "history",
    "network-history": "history",
    "check-in-list": "history",
}


@register.inclusion_tag("networks/_network_tabs.html", takes_context=True)
def network_tabs(context, network) -> dict:
    """The tabs of `network`, the current one marked: aria-current="page" on the tab's own
    page, "true" on a page deeper in its subject (the ledger under Money)."""
    match = context["request"].resolver_match
    here = match.url_name if match else ""
    current = TAB_OF_PAGE.get(here)
    tabs = []
    for key, label, url_name in TABS:
        marked = ""
        if key == current:
            marked = "page" if url_name == f"networks:{here}" else "true"
        tabs.append(
            {"label": label, "url": reverse(url_name, args=[network.pk]), "current": marked}
        )
    return {"tabs": tabs, "network": network}
