"""The signed links in "did your firm take part?" e-mails (Django's signing, no table).

A token names what it answers and for whom: the kind ("j" a joint action's participant row,
"a" an attendance row), the row, its joint action or activity, the firm and the user the mail
went to. It is signed with SECRET_KEY under its own salt, so it cannot be guessed or altered
(a link for firm A cannot be turned into one for firm B), and carries its time, so it expires
after settings.CONFIRMATION_LINK_DAYS. It is single use because the row it names keeps the
answer: once answered (by anyone), the link shows that answer and changes nothing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "networks.confirmation-link"
JOINT_ACTION, ATTENDANCE = "j", "a"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


@dataclass(frozen=True)
class Link:
    kind: str  # JOINT_ACTION or ATTENDANCE
    row_id: int
    parent_id: int  # the joint action's or the activity's id
    firm_id: int
    user_id: int


def make(link: Link) -> str:
    payload = [link.kind, link.row_id, link.parent_id, link.firm_id, link.user_id]
    return signing.dumps(payload, salt=SALT, compress=False)


def read(token: str) -> Link:
    """The link a token names; LinkExpired or LinkInvalid (altered, cut short, not ours)."""
    max_age = settings.CONFIRMATION_LINK_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    if (
        not isinstance(payload, list)
        or len(payload) != 5
        or payload[0] not in (JOINT_ACTION, ATTENDANCE)
        or not all(isinstance(value, int) and not isinstance(value, bool) for value in payload[1:])
    ):
        raise LinkInvalid
    return Link(*payload)
