"""Programmes: a new one starts with the default criteria set and the default activity and
joint-action types (the admin, the seeds and the tests create them here)."""

from django.db import transaction
from django.utils import translation

from networks.models import ActivityType, Agency, Criterion, JointActionType, Programme


@transaction.atomic
def programme_create(*, agency: Agency, name: str, **settings) -> Programme:
    """A programme with the default criteria and type lists. `settings` are the Programme's
    other fields (currency, term_months, arrears_days...); the model's defaults apply to the
    rest."""
    programme = Programme.objects.create(agency=agency, name=name, **settings)
    programme_defaults_ensure(programme=programme)
    return programme


def programme_defaults_ensure(*, programme: Programme) -> None:
    """Give a programme the default types and criteria it does not have yet (named in English;
    pages show the default ones in the reader's language)."""
    with translation.override("en"):
        _ensure_defaults(programme)


def _ensure_defaults(programme: Programme) -> None:
    existing = set(Criterion.objects.filter(programme=programme).values_list("key", flat=True))
    Criterion.objects.bulk_create(
        Criterion(
            programme=programme,
            key=key,
            title=str(label),
            position=index,
            suggestion=Criterion.DEFAULT_SUGGESTIONS.get(key, ""),
        )  # fmt: skip
        for index, (key, label) in enumerate(Criterion.DEFAULT_LABELS.items())
        if key not in existing
    )
    for model in (ActivityType, JointActionType):
        existing = set(model.objects.filter(programme=programme).values_list("slug", flat=True))
        model.objects.bulk_create(
            model(programme=programme, slug=slug, name=str(label), position=index)
            for index, (slug, label) in enumerate(model.DEFAULT_LABELS.items())
            if slug not in existing
        )
