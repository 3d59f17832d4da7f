"""Attribute the firm indicators recorded before 0011 to the network they were recorded for.

Until 0011 a row of figures had no network: every facilitator and agency of any network the
firm was ever in read all of them. Each existing row now goes to one network, or stays the
firm's own (private until the firm shares it):

1. the firm's memberships in force at the row's date (joined on or before it, not left before
   it); among them the network the person who recorded the row ran (its facilitator), else
   one of the agency that person works for, else the one the firm joined first;
2. with no membership in force at that date (e.g. a baseline dated before joining): the network
   of the firm the recorder ran or whose agency they work for, if there is one; the recorder
   knew the figures through that network;
3. otherwise nobody's but the firm's: network left empty.

The history rows of each indicator get the same network, so that a network's audit history
shows only the rows recorded for it.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import migrations

CHUNK = 1000


@dataclass(frozen=True)
class Stint:
    network_id: int
    joined_on: object
    left_on: object
    facilitator_id: int | None
    agency_id: int


def network_for(stints: list[Stint], day, recorder: tuple | None) -> int | None:
    """The network a row of `day` was recorded for; `stints` in the order the firm joined,
    `recorder` (user id, role, agency id) or None."""
    in_force = [s for s in stints if s.joined_on <= day and (s.left_on is None or day <= s.left_on)]

    def theirs(candidates):
        if recorder is None:
            return None
        user_id, role, agency_id = recorder
        ran = [s for s in candidates if s.facilitator_id == user_id]
        if ran:
            return ran[0]
        if role in ("agency_admin", "agency_staff", "facilitator") and agency_id is not None:
            return next((s for s in candidates if s.agency_id == agency_id), None)
        return None

    if in_force:
        return (theirs(in_force) or in_force[0]).network_id
    chosen = theirs(stints)
    return chosen.network_id if chosen else None


def attribute(apps, schema_editor):
    FirmIndicator = apps.get_model("networks", "FirmIndicator")
    HistoricalFirmIndicator = apps.get_model("networks", "HistoricalFirmIndicator")
    Membership = apps.get_model("networks", "Membership")
    User = apps.get_model("networks", "User")

    stints = defaultdict(list)
    rows = Membership.objects.order_by("joined_on", "pk").values_list(
        "firm_id", "network_id", "joined_on", "left_on", "network__facilitator_id",
        "network__programme__agency_id",
    )
    for firm_id, *stint in rows.iterator(chunk_size=CHUNK):
        stints[firm_id].append(Stint(*stint))
    recorders = {
        pk: (pk, role, agency_id)
        for pk, role, agency_id in User.objects.filter(
            pk__in=FirmIndicator.objects.values("recorded_by_id")
        ).values_list("pk", "role", "agency_id")
    }
    by_network = defaultdict(list)
    reports = FirmIndicator.objects.filter(network__isnull=True).values_list(
        "pk", "firm_id", "date", "recorded_by_id"
    )
    for pk, firm_id, day, recorder in reports.iterator(chunk_size=CHUNK):
        network_id = network_for(stints.get(firm_id, []), day, recorders.get(recorder))
        if network_id is not None:
            by_network[network_id].append(pk)
    for network_id, ids in by_network.items():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            FirmIndicator.objects.filter(pk__in=chunk).update(network_id=network_id)
            HistoricalFirmIndicator.objects.filter(id__in=chunk).update(network_id=network_id)


class Migration(migrations.Migration):
    dependencies = [("networks", "0013_figures_by_network")]
    operations = [migrations.RunPython(attribute, migrations.RunPython.noop)]
