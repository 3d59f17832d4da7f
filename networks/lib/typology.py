"""Which reference cluster profile a diagnosis is closest to (domain.md section 5).

Each dimension is rated 1 (low), 2 (medium) or 3 (high). A profile allows one or more values per
dimension ("some to high" allows 2 and 3). The distance of a rating to a profile is the sum, over
the nine dimensions, of how far the rating is from the nearest allowed value; the closest profile
wins, and on a tie the less advanced one (a diagnosis should not flatter the group).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DIMENSIONS = (
    "technology_level",
    "skills",
    "innovation",
    "trust",
    "cooperation",
    "competition",
    "firm_size",
    "exports",
    "learning",
)

# Dimension-specific words for the three points of the scale, for forms and pages. "medium" has
# a context: as a firm size it is another word in Spanish (mediana, not medio).
SCALE_LABELS = {
    "technology_level": (_("low"), pgettext_lazy("rating", "medium"), _("high")),
    "skills": (_("low"), pgettext_lazy("rating", "medium"), _("high")),
    "innovation": (_("little"), _("some"), _("high")),
    "trust": (_("little"), _("some"), _("high")),
    "cooperation": (_("little"), _("some"), _("high")),
    "competition": (_("low"), pgettext_lazy("rating", "medium"), _("high")),
    "firm_size": (_("micro"), _("small"), _("SMEs and large")),
    "exports": (_("little or none"), _("some"), _("high")),
    "learning": (_("little"), pgettext_lazy("rating", "medium"), _("high")),
}


@dataclass(frozen=True)
class Profile:
    key: str
    label: str
    allowed: dict

    def distance(self, ratings: dict) -> int:
        return sum(min(abs(ratings[d] - v) for v in self.allowed[d]) for d in DIMENSIONS)


PROFILES = (
    Profile(
        "informal",
        _("informal"),
        {
            "technology_level": {1},
            "skills": {1},
            "innovation": {1},
            "trust": {1},
            "cooperation": {1},
            "competition": {3},
            "firm_size": {1},
            "exports": {1},
            "learning": {1},
        },
    ),
    Profile(
        "organized",
        _("organized"),
        {
            "technology_level": {2},
            "skills": {2},
            "innovation": {2},
            "trust": {3},
            "cooperation": {3},
            "competition": {3},
            "firm_size": {3},
            "exports": {2, 3},
            "learning": {2, 3},
        },
    ),
    Profile(
        "innovative",
        _("innovative"),
        {
            "technology_level": {3},
            "skills": {3},
            "innovation": {3},
            "trust": {3},
            "cooperation": {3},
            "competition": {3},
            "firm_size": {3},
            "exports": {3},
            "learning": {3},
        },
    ),
)
PROFILES_BY_KEY = {p.key: p for p in PROFILES}


def closest_profile(ratings: dict) -> Profile | None:
    """The closest reference profile, or None until all nine dimensions are rated."""
    if any(ratings.get(d) is None for d in DIMENSIONS):
        return None
    return min(PROFILES, key=lambda p: p.distance(ratings))  # min keeps the first on ties


def distances(ratings: dict) -> dict[str, int]:
    if any(ratings.get(d) is None for d in DIMENSIONS):
        return {}
    return {p.key: p.distance(ratings) for p in PROFILES}
