"""The limits on what a user may write: one place for the API, the forms and the database.

A name is a CharField, whose varchar column holds its limit. A long text is a TextField, which
has none: Django reads its `max_length` only for forms and serializers, so `long_text()` adds the
validator (model validation, the admin) and `text_length_checks()` the database's own check, so
that no path (a service, an import, a shell) can store more.
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# Names and titles (a network's, a firm's, an activity's...).
NAME_MAX_LENGTH = 200
# Long texts: the diagnosis, descriptions, outcomes, reasons, notes, comments, evidence.
TEXT_MAX_LENGTH = 20_000


def long_text(verbose_name, **kwargs) -> models.TextField:
    return models.TextField(
        verbose_name,
        max_length=TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH)],
        **kwargs,
    )


def text_length_checks(prefix: str, *fields: str) -> list[models.CheckConstraint]:
    """The database's check that each long text of a model keeps to TEXT_MAX_LENGTH."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(field), TEXT_MAX_LENGTH),
            name=f"{prefix}_{field}_max_length",
        )
        for field in fields
    ]


def clip(text: str, limit: int = TEXT_MAX_LENGTH) -> str:
    """A text made from another (a prefix and a user's reason) cut to fit its column."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
