"""Set-ups for evaluations and the portfolio report. Networks are put in consolidation directly
(fast); evaluations go through the real service."""

import datetime

from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import Criterion, Evaluation, Network
from networks.services import evaluation as E
from tests import factories

# The 1993 evaluation: ten networks aged 20 to 30 months; seven met at least four of the
# twelve criteria and four met at least six.
SAMPLE_1993 = [8, 7, 6, 6, 5, 4, 4, 3, 2, 1]


def evaluation_day() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=30)


def running_network(
    agency=None, *, start: datetime.date | None = None, programme=None, **kwargs
) -> Network:
    """A network in consolidation whose term started on `start` (24 months before the
    evaluation day by default)."""
    if programme is None:
        programme = factories.ProgrammeFactory(agency=agency) if agency else None
    extra = {"programme": programme} if programme else {}
    network = factories.NetworkFactory(**extra, **kwargs)
    start = start or add_months(evaluation_day(), -24)
    Network.objects.filter(pk=network.pk).update(
        phase=Network.Phase.CONSOLIDATION, term_start=start, handover_due=add_months(start, 36)
    )
    network.refresh_from_db()
    return network


def evaluate(network, actor, met: int, date: datetime.date | None = None) -> Evaluation:
    """Record an evaluation with the first `met` active criteria met."""
    criteria = list(Criterion.objects.filter(programme=network.programme_id, is_active=True))
    results = [(c, index < met, f"evidence {index}") for index, c in enumerate(criteria)]
    return E.evaluation_record(
        network=network, actor=actor, date=date or evaluation_day(), results=results
    )


def sample_1993(officer, programme, **kwargs) -> list[Network]:
    """Ten networks of `programme`, 24 months old, evaluated like the 1993 sample."""
    networks = []
    for index, met in enumerate(SAMPLE_1993):
        network = running_network(programme=programme, name=f"Red {index:02d}", **kwargs)
        evaluate(network, officer, met)
        networks.append(network)
    return networks
