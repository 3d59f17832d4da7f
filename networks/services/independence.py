"""Life after independence (domain.md section 4b): the yearly check-in on a network for the
programme's number of years after its handover."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.lib.dates import day
from networks.lib.limits import TEXT_MAX_LENGTH
from networks.models import CheckIn, Network, User
from networks.rules import MAX_INTEGER
from networks.selectors import independence as independence_selectors
from networks.services.common import ConflictError, lock_network

CHECK_IN_NOT_ALLOWED = _("Only the network's manager and its agency record check-ins.")
CHECK_IN_NOT_INDEPENDENT = _("Check-ins are for networks in independence.")
CHECK_IN_DATE_REQUIRED = _("Give the date of the check-in.")
CHECK_IN_DATE_IN_FUTURE = _("The date of the check-in cannot be in the future.")
CHECK_IN_BEFORE_HANDOVER = _("The check-in cannot be before the handover (%(date)s).")
CHECK_IN_PAST_THE_YEARS = _(
    "The programme asks for check-ins during %(years)s years after the handover; %(date)s is "
    "in year %(year)s."
)
CHECK_IN_YEAR_RECORDED = _("The check-in of year %(year)s after the handover is already recorded.")
CHECK_IN_COUNT_INVALID = _("Give a whole number from 0.")
CHECK_IN_NOTES_TOO_LONG = _("Keep the notes within %(max)s characters.")
ANSWER_REQUIRED = _("Answer yes or no.")


def _count_errors(errors: dict, name: str, value) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_INTEGER:
        errors[name] = [CHECK_IN_COUNT_INVALID]


@transaction.atomic
def check_in_record(
    *,
    network: Network,
    actor: User,
    date: datetime.date,
    still_meeting: bool,
    manager_paid: bool,
    members: int,
    joint_actions: int,
    stopped: bool = False,
    notes: str = "",
) -> CheckIn:
    """Record how the network is doing in one year after its handover (the year `date` falls
    in): once a year, for the programme's `check_in_years`. A check-in that says the network
    stopped flags it on the agency's dashboard."""
    access.require(access.can_change_network(actor, network), CHECK_IN_NOT_ALLOWED)
    locked = lock_network(network)
    if locked.phase != Network.Phase.INDEPENDENCE or locked.handed_over_on is None:
        raise ConflictError(CHECK_IN_NOT_INDEPENDENT)
    errors: dict = {}
    year = None
    if date is None:
        errors["date"] = [CHECK_IN_DATE_REQUIRED]
    elif date > timezone.localdate():
        errors["date"] = [CHECK_IN_DATE_IN_FUTURE]
    elif date < locked.handed_over_on:
        errors["date"] = [CHECK_IN_BEFORE_HANDOVER % {"date": day(locked.handed_over_on)}]
    else:
        year = independence_selectors.year_after_handover(locked, date)
        years = locked.programme.check_in_years
        if year > years:
            errors["date"] = [
                CHECK_IN_PAST_THE_YEARS % {"years": years, "date": day(date), "year": year}
            ]
        elif CheckIn.objects.filter(network=locked, year=year).exists():
            errors["date"] = [CHECK_IN_YEAR_RECORDED % {"year": year}]
    for name, value in (
        ("still_meeting", still_meeting), ("manager_paid", manager_paid), ("stopped", stopped),
    ):  # fmt: skip
        if not isinstance(value, bool):
            errors[name] = [ANSWER_REQUIRED]
    _count_errors(errors, "members", members)
    _count_errors(errors, "joint_actions", joint_actions)
    notes = (notes or "").strip()
    if len(notes) > TEXT_MAX_LENGTH:
        errors["notes"] = [CHECK_IN_NOTES_TOO_LONG % {"max": TEXT_MAX_LENGTH}]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return CheckIn.objects.create(
                network=locked, year=year, date=date, still_meeting=still_meeting,
                manager_paid=manager_paid, members=members, joint_actions=joint_actions,
                stopped=stopped, notes=notes, recorded_by=actor,
            )  # fmt: skip
    except IntegrityError:  # the same year recorded at the same moment by someone else
        raise ValidationError({"date": [CHECK_IN_YEAR_RECORDED % {"year": year}]}) from None
