"""Re-diagnosis (domain.md 4b): the diagnosis at application is the first of a dated series;
the facilitator or the agency diagnose the group again (yearly, by default) once it works as a
network, so that the typology profile can be seen moving (informal, organized, innovative)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.lib.typology import DIMENSIONS
from networks.models import Diagnosis, Network, User
from networks.services.common import ConflictError, lock_network

REDIAGNOSIS_PHASE = _(
    "A network is diagnosed again once it works as one: in consolidation or independence."
)
REDIAGNOSIS_RATINGS_REQUIRED = _("Rate all nine dimensions: the profile needs every one.")
REDIAGNOSIS_RATING_INVALID = _("Choose low (1), medium (2) or high (3).")
REDIAGNOSIS_DATE_IN_FUTURE = _("The date cannot be in the future.")
REDIAGNOSIS_DATE_TAKEN = _("The network already has a diagnosis dated %(date)s.")
REDIAGNOSIS_BEFORE_APPLICATION = _(
    "A re-diagnosis comes after the diagnosis at application (%(date)s)."
)
OPEN_PHASES = (Network.Phase.CONSOLIDATION, Network.Phase.INDEPENDENCE)


def _day(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


@transaction.atomic
def diagnosis_record(
    *,
    network: Network,
    actor: User,
    diagnosed_on: datetime.date,
    problems: str = "",
    opportunities: str = "",
    **ratings,
) -> Diagnosis:
    """Record a re-diagnosis dated `diagnosed_on`, with all nine ratings (`DIMENSIONS`).

    Only while the network works as one (consolidation, independence), by its facilitator or
    agency; one diagnosis a date, never before the diagnosis at application. The diagnosis at
    application stays as it was (it is edited on its own page until the application goes).
    """
    unknown = set(ratings) - set(DIMENSIONS)
    if unknown:
        raise TypeError(f"diagnosis_record() got unexpected fields: {sorted(unknown)}")
    access.require_change(actor, network)
    network = lock_network(network)
    if network.phase not in OPEN_PHASES:
        raise ConflictError(REDIAGNOSIS_PHASE)
    errors = {}
    for name in DIMENSIONS:
        value = ratings.get(name)
        if value is None:
            errors[name] = [REDIAGNOSIS_RATINGS_REQUIRED]
        elif value not in (1, 2, 3):
            errors[name] = [REDIAGNOSIS_RATING_INVALID]
    if diagnosed_on is None or diagnosed_on > timezone.localdate():
        errors["diagnosed_on"] = [REDIAGNOSIS_DATE_IN_FUTURE]
    else:
        dates = dict(
            Diagnosis.objects.filter(network=network).values_list("diagnosed_on", "occasion")
        )
        first = min(
            (day for day, occasion in dates.items() if occasion == Diagnosis.Occasion.APPLICATION),
            default=None,
        )
        if diagnosed_on in dates:
            errors["diagnosed_on"] = [REDIAGNOSIS_DATE_TAKEN % {"date": _day(diagnosed_on)}]
        elif first is not None and diagnosed_on < first:
            errors["diagnosed_on"] = [REDIAGNOSIS_BEFORE_APPLICATION % {"date": _day(first)}]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Diagnosis.objects.create(
                network=network, occasion=Diagnosis.Occasion.FOLLOW_UP, diagnosed_on=diagnosed_on,
                problems=(problems or "").strip(), opportunities=(opportunities or "").strip(),
                updated_by=actor, **{name: ratings[name] for name in DIMENSIONS},
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError(
            {"diagnosed_on": [REDIAGNOSIS_DATE_TAKEN % {"date": _day(diagnosed_on)}]}
        ) from None
