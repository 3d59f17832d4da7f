"""Editing a programme's criteria set (domain.md section 6): agency admins only.

Criteria are never deleted: old evaluations refer to them (EvaluationResult.criterion is
PROTECT). A criterion that no longer applies is deactivated; new evaluations leave it out and
old ones keep showing it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.models import Criterion, Programme, User
from networks.services.common import ConflictError

NOT_PROGRAMME_ADMIN = _("Only an admin of the programme's agency can change its criteria.")
CRITERION_TITLE_REQUIRED = _("Give the criterion a title.")
CRITERION_TITLE_TOO_LONG = _("Keep the title within %(max)s characters.")
CRITERION_TITLE_TAKEN = _("The set already has a criterion called “%(title)s”.")
CRITERION_SUGGESTION_UNKNOWN = _("Choose one of the automatic suggestions, or none.")
CRITERION_LAST_ACTIVE = _("The set needs at least one active criterion.")
CRITERION_ALREADY_INACTIVE = _("The criterion “%(criterion)s” is already inactive.")
CRITERION_ALREADY_ACTIVE = _("The criterion “%(criterion)s” is already active.")
CRITERION_MOVE_UNKNOWN = _("Move a criterion up or down.")
CRITERION_MOVE_INACTIVE = _("Reactivate the criterion before moving it.")

TITLE_MAX = Criterion._meta.get_field("title").max_length
KEY_MAX = Criterion._meta.get_field("key").max_length


def _require_admin(actor: User, programme: Programme) -> None:
    access.require(access.can_admin_programme(actor, programme), NOT_PROGRAMME_ADMIN)


def _lock_set(programme: Programme) -> list[Criterion]:
    """The programme's criteria, locked: two admins editing at once take turns, so keys and
    positions stay unique."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    return list(Criterion.objects.select_for_update().filter(programme=programme))


def _clean(*, title: str, suggestion: str, others: list[Criterion]) -> tuple[str, str]:
    """The title and suggestion as stored, or a ValidationError naming the fields."""
    errors = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = CRITERION_TITLE_REQUIRED
    elif len(title) > TITLE_MAX:
        errors["title"] = CRITERION_TITLE_TOO_LONG % {"max": TITLE_MAX}
    elif any(title.casefold() in (o.title.casefold(), str(o.label).casefold()) for o in others):
        errors["title"] = CRITERION_TITLE_TAKEN % {"title": title}
    suggestion = suggestion or ""
    if suggestion not in Criterion.Suggestion.values:
        errors["suggestion"] = CRITERION_SUGGESTION_UNKNOWN
    if errors:
        raise ValidationError(errors)
    return title, suggestion


def _new_key(title: str, taken: set[str]) -> str:
    # Keys are stable names for exports and the API; the title may be renamed later.
    base = slugify(title)[: KEY_MAX - 4].strip("-") or "criterion"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def criterion_create(
    *,
    programme: Programme,
    actor: User,
    title: str,
    description: str = "",
    suggestion: str = "",
) -> Criterion:
    """Add a criterion at the end of the programme's set (agency admins of its agency)."""
    _require_admin(actor, programme)
    existing = _lock_set(programme)
    title, suggestion = _clean(title=title, suggestion=suggestion, others=existing)
    last = Criterion.objects.filter(programme=programme).aggregate(last=Max("position"))["last"]
    return Criterion.objects.create(
        programme=programme,
        key=_new_key(title, {c.key for c in existing}),
        title=title,
        description=(description or "").strip(),
        suggestion=suggestion,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def criterion_update(
    *,
    criterion: Criterion,
    actor: User,
    title: str,
    description: str = "",
    suggestion: str = "",
) -> Criterion:
    """Change a criterion's title, description and automatic suggestion.

    Old evaluations keep their answers; they show the criterion under its new title.
    """
    programme = criterion.programme
    _require_admin(actor, programme)
    others = [c for c in _lock_set(programme) if c.pk != criterion.pk]
    title, suggestion = _clean(title=title, suggestion=suggestion, others=others)
    # A default criterion's title comes back in the reader's language when only the description
    # changed; keeping the stored one keeps it translated for everybody else.
    if title != str(criterion.label):
        criterion.title = title
    criterion.description = (description or "").strip()
    criterion.suggestion = suggestion
    criterion.save(update_fields=["title", "description", "suggestion"])
    return criterion


@transaction.atomic
def criterion_deactivate(*, criterion: Criterion, actor: User) -> Criterion:
    """Take a criterion out of new evaluations; it is never deleted, so old ones stay intact."""
    _require_admin(actor, criterion.programme)
    criteria = {c.pk: c for c in _lock_set(criterion.programme)}
    locked = criteria[criterion.pk]
    if not locked.is_active:
        raise ConflictError(CRITERION_ALREADY_INACTIVE % {"criterion": criterion.label})
    if sum(1 for c in criteria.values() if c.is_active) == 1:
        raise ValidationError(CRITERION_LAST_ACTIVE)
    criterion.is_active = False
    criterion.save(update_fields=["is_active"])
    return criterion


@transaction.atomic
def criterion_reactivate(*, criterion: Criterion, actor: User) -> Criterion:
    """Bring a deactivated criterion back into new evaluations, at the end of the set."""
    _require_admin(actor, criterion.programme)
    criteria = _lock_set(criterion.programme)
    if next(c for c in criteria if c.pk == criterion.pk).is_active:
        raise ConflictError(CRITERION_ALREADY_ACTIVE % {"criterion": criterion.label})
    criterion.is_active = True
    criterion.position = max(c.position for c in criteria) + 1
    criterion.save(update_fields=["is_active", "position"])
    return criterion


@transaction.atomic
def criterion_move(*, criterion: Criterion, actor: User, direction: str) -> Criterion:
    """Move an active criterion one place up or down in the set.

    The active criteria are renumbered 0, 1, 2... in their new order, and the inactive ones
    after them, so that positions never tie.
    """
    _require_admin(actor, criterion.programme)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": CRITERION_MOVE_UNKNOWN})
    criteria = sorted(_lock_set(criterion.programme), key=lambda c: (c.position, c.pk))
    active = [c for c in criteria if c.is_active]
    index = next((i for i, c in enumerate(active) if c.pk == criterion.pk), None)
    if index is None:
        raise ConflictError(CRITERION_MOVE_INACTIVE)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(active):
        active[index], active[other] = active[other], active[index]
    ordered = active + [c for c in criteria if not c.is_active]
    for position, row in enumerate(ordered):
        row.position = position
    Criterion.objects.bulk_update(ordered, ["position"])
    criterion.position = next(c.position for c in ordered if c.pk == criterion.pk)
    return criterion
