"""Evaluations of networks against the programme's criteria (domain.md section 6)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks import access
from networks.lib.dates import day
from networks.models import Criterion, Evaluation, EvaluationResult, Network, User

EVALUATION_DATE_IN_FUTURE = _("The evaluation date cannot be in the future.")
EVALUATION_BEFORE_NETWORK = _("The evaluation date cannot be before the network began (%(date)s).")
EVALUATION_CRITERION_MISSING = _("Say whether the criterion “%(criterion)s” was met.")
EVALUATION_CRITERION_UNKNOWN = _("The criterion %(criterion)s is not in this programme's set.")
EVALUATION_CRITERION_TWICE = _("The criterion “%(criterion)s” is answered twice.")


@transaction.atomic
def evaluation_record(
    *,
    network: Network,
    actor: User,
    date: datetime.date,
    results: list[tuple[Criterion, bool, str]],
    notes: str = "",
) -> Evaluation:
    """Record an evaluation: met or not for every active criterion, with evidence.

    The automatic suggestions (selectors.evaluation.suggestions) are only suggestions; what is
    stored is what the evaluator decided. A new evaluation never overwrites an earlier one.
    """
    access.require_agency(actor, network)
    errors = []
    if date is None or date > timezone.localdate():
        errors.append(EVALUATION_DATE_IN_FUTURE)
    elif date < (network.term_start or network.created_on):
        began = network.term_start or network.created_on
        errors.append(EVALUATION_BEFORE_NETWORK % {"date": day(began)})
    criteria = {c.pk: c for c in Criterion.objects.filter(programme=network.programme_id,
                                                         is_active=True)}  # fmt: skip
    answered = {}
    for criterion, met, evidence in results:
        if criterion.pk not in criteria:
            errors.append(EVALUATION_CRITERION_UNKNOWN % {"criterion": criterion.key})
        elif criterion.pk in answered:
            errors.append(EVALUATION_CRITERION_TWICE % {"criterion": criterion.label})
        elif met is None:
            errors.append(EVALUATION_CRITERION_MISSING % {"criterion": criterion.label})
        else:
            answered[criterion.pk] = (bool(met), (evidence or "").strip())
    for pk, criterion in criteria.items():
        if pk not in answered and not any(c.pk == pk for c, _m, _e in results):
            errors.append(EVALUATION_CRITERION_MISSING % {"criterion": criterion.label})
    if errors:
        raise ValidationError([str(e) for e in errors])
    evaluation = Evaluation.objects.create(
        network=network, date=date, evaluator=actor, notes=(notes or "").strip(),
        met_count=sum(1 for met, _e in answered.values() if met), criteria_count=len(criteria),
    )  # fmt: skip
    EvaluationResult.objects.bulk_create(
        EvaluationResult(evaluation=evaluation, criterion_id=pk, met=met, evidence=evidence)
        for pk, (met, evidence) in answered.items()
    )
    return evaluation
