"""Reads for a firm's answers: what an e-mailed confirmation link is about and whether it
was answered already (the page before anyone clicks), and the declines of activities.

Nothing here needs a login: the signed token (networks/lib/links.py) is the only key, and it
names one row. Every problem is told in words a firm's contact understands; none says whether
some account or address exists.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from networks.lib import links
from networks.models import (
    Activity,
    Attendance,
    AttendanceDecline,
    Firm,
    JointAction,
    JointActionDecline,
    JointActionParticipant,
    Membership,
    User,
)
from networks.rules import joint_actions_open

LINK_INVALID = _(
    "This link is not valid: it may have been cut short when it was copied. Open the whole link "
    "from the e-mail, or log in to answer."
)
LINK_EXPIRED = _(
    "This link has expired. Log in to answer, or ask your network's facilitator to send a new one."
)
LINK_GONE_JOINT_ACTION = _("This joint action no longer exists: there is nothing to confirm.")
LINK_GONE_ACTIVITY = _("This activity no longer exists: there is nothing to confirm.")
LINK_NOT_LISTED = _(
    "%(firm)s is no longer listed in “%(title)s”: the facilitator or the firm that logged it "
    "changed the list. There is nothing to answer."
)
LINK_FIRM_LEFT = _("%(firm)s has left %(network)s, so this link no longer answers for it.")
LINK_RECIPIENT_GONE = _(
    "This link was sent to someone who no longer speaks for %(firm)s in PROFO, so it no longer "
    "works. Ask your network's facilitator for a new one."
)
LINK_NOT_YET = _(
    "“%(title)s” is on %(date)s: its attendance can be confirmed once it has taken place."
)
LINK_CLOSED = _("%(network)s is closed to changes, so this can no longer be answered.")


@dataclass(frozen=True)
class Answer:
    """An answer already given: a confirmation or a decline, by whom, when and how."""

    confirmed: bool
    by: User | None
    at: object
    method_label: str
    on_behalf: bool


@dataclass
class LinkState:
    problem: str = ""
    kind: str = ""  # links.JOINT_ACTION or links.ATTENDANCE
    subject: JointAction | Activity | None = None
    firm_name: str = ""
    recipient: User | None = None
    firms: list[str] = field(default_factory=list)
    answer: Answer | None = None
    row: JointActionParticipant | Attendance | None = None
    link: links.Link | None = None

    @property
    def network(self):
        return self.subject.network if self.subject is not None else None

    @property
    def can_decline(self) -> bool:
        """The firm that logged a joint action edits or drops it: it does not decline it."""
        subject = self.subject
        return not (
            self.kind == links.JOINT_ACTION
            and self.row is not None
            and subject.logged_by_firm_id == self.row.firm_id
        )


def answer_of(row) -> Answer | None:
    """A participant's or attendance row's confirmation, if any."""
    if row is None or row.confirmed_at is None:
        return None
    return Answer(
        True, row.confirmed_by, row.confirmed_at, row.method_label, row.recorded_on_behalf
    )


def decline_answer(row) -> Answer:
    return Answer(False, row.declined_by, row.at, row.method_label, row.recorded_on_behalf)


def link_state(token: str, *, for_update: bool = False) -> LinkState:
    """What the link `token` answers, for whom, and whether it may answer now (`problem`
    empty and no `answer`). With `for_update`, the row is read under a lock (the service
    that answers already holds the joint action's or the activity's lock)."""
    try:
        link = links.read(token)
    except links.LinkExpired:
        return LinkState(problem=str(LINK_EXPIRED))
    except links.LinkInvalid:
        return LinkState(problem=str(LINK_INVALID))
    if link.kind == links.JOINT_ACTION:
        return _joint_action_state(link, for_update)
    return _attendance_state(link, for_update)


def _joint_action_state(link: links.Link, for_update: bool) -> LinkState:
    subject = (
        JointAction.objects.select_related("network__programme", "type", "logged_by_firm")
        .filter(pk=link.parent_id)
        .first()
    )
    if subject is None:
        return LinkState(problem=str(LINK_GONE_JOINT_ACTION), link=link)
    rows = JointActionParticipant.objects.filter(joint_action=subject).select_related(
        "firm", "confirmed_by"
    )
    participants = list(rows.order_by("firm__name"))
    row = next((p for p in participants if p.pk == link.row_id and p.firm_id == link.firm_id), None)
    if row is not None and for_update:
        row = rows.select_for_update(of=("self",)).get(pk=row.pk)
    declines = JointActionDecline.objects.filter(joint_action=subject, firm_id=link.firm_id)
    decline = declines.select_related("declined_by", "firm").order_by("-at", "-pk").first()
    state = LinkState(
        kind=link.kind, subject=subject, row=row, link=link,
        firms=[p.firm.name for p in participants],
    )  # fmt: skip
    return _finish(state, row, decline, closed=not joint_actions_open(subject.network))


def _attendance_state(link: links.Link, for_update: bool) -> LinkState:
    subject = (
        Activity.objects.select_related("network__programme", "type", "host_firm")
        .filter(pk=link.parent_id)
        .first()
    )
    if subject is None:
        return LinkState(problem=str(LINK_GONE_ACTIVITY), link=link)
    rows = Attendance.objects.filter(activity=subject).select_related("firm", "confirmed_by")
    attendance = list(rows.order_by("firm__name"))
    row = next((a for a in attendance if a.pk == link.row_id and a.firm_id == link.firm_id), None)
    if row is not None and for_update:
        row = rows.select_for_update(of=("self",)).get(pk=row.pk)
    declines = AttendanceDecline.objects.filter(activity=subject, firm_id=link.firm_id)
    decline = declines.select_related("declined_by", "firm").order_by("-at", "-pk").first()
    state = LinkState(
        kind=link.kind, subject=subject, row=row, link=link,
        firms=[a.firm.name for a in attendance],
    )  # fmt: skip
    closed = subject.network.phase == subject.network.Phase.DISSOLVED
    state = _finish(state, row, decline, closed=closed)
    if not state.problem and not state.answer and subject.date > timezone.localdate():
        state.problem = str(
            LINK_NOT_YET % {"title": subject.title, "date": date_format(subject.date)}
        )
    return state


def _finish(state: LinkState, row, decline, *, closed: bool) -> LinkState:
    """The answer already given, else the first reason the link cannot answer, else nothing."""
    link, network, subject = state.link, state.network, state.subject
    state.recipient = User.objects.filter(pk=link.user_id).first()
    if row is not None:
        state.firm_name = row.firm.name
    elif decline is not None:
        state.firm_name = decline.firm.name
    else:
        state.firm_name = (
            Firm.objects.filter(pk=link.firm_id).values_list("name", flat=True).first()
        )
    if row is not None and row.confirmed_at is not None:
        state.answer = answer_of(row)
        return state
    if row is None and decline is not None:
        state.answer = decline_answer(decline)
        return state
    names = {"firm": state.firm_name, "network": network.name, "title": str(subject)}
    recipient = state.recipient
    if row is None:
        state.problem = str(LINK_NOT_LISTED % names)
    elif recipient is None or not recipient.is_active or recipient.firm_id != link.firm_id:
        state.problem = str(LINK_RECIPIENT_GONE % names)
    elif not Membership.objects.filter(
        network=network, firm_id=link.firm_id, left_on__isnull=True
    ).exists():
        state.problem = str(LINK_FIRM_LEFT % names)
    elif closed:
        state.problem = str(LINK_CLOSED % names)
    return state


EVIDENCE_ROWS = {
    "participant": (JointActionParticipant, "joint_action__network"),
    "participant-decline": (JointActionDecline, "joint_action__network"),
    "attendance": (Attendance, "activity__network"),
    "attendance-decline": (AttendanceDecline, "activity__network"),
}


def evidence_row(network, kind: str, pk: int):
    """The answer row of this network whose attachment is asked for; None if there is none."""
    if kind not in EVIDENCE_ROWS:
        return None
    model, path = EVIDENCE_ROWS[kind]
    row = model.objects.filter(pk=pk, **{path: network}).first()
    return row if row is not None and row.confirmation_evidence else None
