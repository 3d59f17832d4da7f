"""Reads of the dated diagnoses: a network's typology profile over time, and the networks of a
portfolio that moved up a profile (informal → organized → innovative)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from networks.lib.typology import DIMENSIONS, PROFILES, Profile, closest_profile
from networks.models import Diagnosis, Network

RANK = {profile.key: rank for rank, profile in enumerate(PROFILES)}
FIELDS = ("network_id", "diagnosed_on", "occasion", *DIMENSIONS)


@dataclass
class ProfilePoint:
    diagnosed_on: datetime.date
    occasion: str
    occasion_label: str
    profile: Profile | None
    moved: int  # +1 up a profile from the diagnosis before, -1 down, 0 the same or unknown


def profile_series(network: Network) -> list[ProfilePoint]:
    """Every diagnosis of the network, oldest first, with its profile (one query)."""
    rows = Diagnosis.objects.filter(network=network).order_by("diagnosed_on", "pk")
    points, before = [], None
    for row in rows:
        profile = row.profile
        moved = 0
        if profile is not None and before is not None:
            moved = (RANK[profile.key] > RANK[before.key]) - (RANK[profile.key] < RANK[before.key])
        points.append(
            ProfilePoint(row.diagnosed_on, row.occasion, row.get_occasion_display(), profile, moved)
        )
        before = profile or before
    return points


@dataclass
class ProfileMoves:
    diagnosed_twice: int  # networks with a profile at two dates or more
    moved_up: int
    moved_down: int
    networks_up: list  # (network id, from profile, to profile)


def profile_moves(networks: QuerySet[Network]) -> ProfileMoves:
    """Of the networks with a profile at two dates or more, how many moved up a profile from
    their first diagnosis to their latest (and down). One query."""
    series = defaultdict(list)
    rows = (
        Diagnosis.objects.filter(network__in=networks)
        .order_by("network_id", "diagnosed_on", "pk")
        .values_list(*FIELDS)
    )
    for network_id, _day, _occasion, *ratings in rows:
        profile = closest_profile(dict(zip(DIMENSIONS, ratings, strict=True)))
        if profile is not None:
            series[network_id].append(profile)
    twice = up = down = 0
    networks_up = []
    for network_id, profiles in series.items():
        if len(profiles) < 2:
            continue
        twice += 1
        first, last = RANK[profiles[0].key], RANK[profiles[-1].key]
        if last > first:
            up += 1
            networks_up.append((network_id, profiles[0], profiles[-1]))
        elif last < first:
            down += 1
    return ProfileMoves(twice, up, down, networks_up)
