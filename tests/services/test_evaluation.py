"""Evaluations against criteria, their suggestions, and the portfolio report (the 1993 question)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from networks.lib.dates import add_months
from networks.models import Criterion, Evaluation, JointActionType, Network
from networks.selectors.evaluation import portfolio, suggestions
from networks.services import evaluation as E
from tests import builders, factories

pytestmark = pytest.mark.django_db


def evaluate(network, actor, met_keys, date=None):
    criteria = Criterion.objects.filter(programme=network.programme)
    results = [(c, c.key in met_keys, "seen at the visit") for c in criteria]
    return E.evaluation_record(network=network, actor=actor, results=results,
                               date=date or datetime.date.today())  # fmt: skip


def running_network(officer, start=datetime.date(2024, 1, 1), **kwargs):
    network = factories.NetworkFactory(programme__agency=officer.agency, **kwargs)
    Network.objects.filter(pk=network.pk).update(
        phase="consolidation", term_start=start, handover_due=datetime.date(2027, 1, 1)
    )
    network.refresh_from_db()
    return network


def test_programmes_get_the_twelve_default_criteria(programme):
    keys = list(Criterion.objects.filter(programme=programme).values_list("key", flat=True))
    assert len(keys) == 12
    assert keys[0] == "regular_meetings" and keys[-1] == "stable_membership"


def test_default_criteria_show_in_the_readers_language_until_renamed(programme):
    criterion = Criterion.objects.get(programme=programme, key="joint_purchasing")
    assert str(criterion.label) == "Joint purchasing"
    criterion.title = "Buying timber together"
    criterion.save()
    assert criterion.label == "Buying timber together"


def test_record_evaluation_counts_met(officer):
    network = running_network(officer)
    evaluation = evaluate(network, officer, {"joint_purchasing", "quality", "dues_paid"})
    assert (evaluation.met_count, evaluation.criteria_count) == (3, 12)
    assert evaluation.results.count() == 12
    assert evaluation.results.get(criterion__key="quality").evidence == "seen at the visit"


def test_every_criterion_must_be_answered(officer):
    network = running_network(officer)
    criteria = list(Criterion.objects.filter(programme=network.programme))
    with pytest.raises(ValidationError) as err:
        E.evaluation_record(network=network, actor=officer, date=datetime.date.today(),
                            results=[(criteria[0], True, "")])  # fmt: skip
    assert len(err.value.messages) == 11
    assert not Evaluation.objects.exists()


def test_only_agency_staff_evaluate(officer, facilitator, firm_user, outsider_officer):
    network = running_network(officer)
    for actor in (facilitator, firm_user, outsider_officer):
        with pytest.raises(PermissionDenied):
            evaluate(network, actor, set())


def test_evaluations_are_history_never_overwritten(officer):
    from networks.models import ImmutableRowError

    network = running_network(officer)
    first = evaluate(network, officer, {"quality"}, date=datetime.date(2025, 6, 1))
    evaluate(network, officer, {"quality", "dues_paid"}, date=datetime.date(2026, 6, 1))
    assert Evaluation.objects.filter(network=network).count() == 2
    first.met_count = 12
    with pytest.raises(ImmutableRowError):
        first.save()


def test_future_date_refused_and_a_network_in_preparation_evaluated(officer, network):
    with pytest.raises(ValidationError) as err:
        evaluate(network, officer, set(), date=datetime.date(2999, 1, 1))
    assert err.value.messages == [str(E.EVALUATION_DATE_IN_FUTURE)]
    assert network.phase == "preparation"
    evaluation = evaluate(network, officer, {"quality"}, date=network.created_on)
    assert (evaluation.network, evaluation.met_count) == (network, 1)


def test_suggestions_from_the_data(officer):
    network = running_network(officer)
    builders.add_members(network, 10)
    purchase = JointActionType.objects.get(programme=network.programme, slug="joint_purchasing")
    network.joint_actions.create(type=purchase, title="Timber", status="done",
                                 value=Decimal("1000"), logged_by=officer)  # fmt: skip
    found = suggestions(network, today=datetime.date(2026, 6, 1))
    assert found["joint_purchasing"].met is True
    assert found["joint_commercial"].met is False
    assert found["regular_meetings"].met is False
    assert found["dues_paid"].met is True


def test_portfolio_reads_like_1993(officer):
    met_counts = [8, 7, 6, 6, 5, 4, 4, 3, 2, 1]
    for count in met_counts:
        network = running_network(officer, start=datetime.date(2024, 1, 1))
        evaluate(network, officer, set(
            Criterion.objects.filter(programme=network.programme)
            .values_list("key", flat=True)[:count]
        ), date=datetime.date(2026, 1, 15))  # fmt: skip
    report = portfolio(user=officer, min_age_months=20, max_age_months=30)
    assert report.networks == 10
    assert report.at_least[4] == 7
    assert report.at_least[6] == 4
    assert report.at_least[0] == 10 and report.at_least[12] == 0
    assert {r.network.pk for r in report.behind(6)} == {
        r.network.pk for r in report.rows if r.evaluation.met_count >= 6
    }


def test_portfolio_age_filter_and_agency(officer, outsider_officer):
    young = running_network(officer, start=datetime.date(2025, 6, 1))
    evaluate(young, officer, {"quality"}, date=datetime.date(2026, 1, 15))  # 7 months old
    other = running_network(outsider_officer, start=datetime.date(2024, 1, 1))
    evaluate(other, outsider_officer, {"quality"}, date=datetime.date(2026, 1, 15))
    assert portfolio(user=officer, min_age_months=20, max_age_months=30).networks == 0
    assert portfolio(user=officer).networks == 1


def test_portfolio_age_from_approval_or_appointment(officer, network):
    builders.approved_network(network, officer)
    network.refresh_from_db()
    approved = timezone.localdate(network.application.decided_at)
    evaluation = evaluate(network, officer, {"quality"}, date=approved)
    assert network.phase == "preparation"  # evaluated before any manager (issue 18)
    Evaluation.objects.filter(pk=evaluation.pk).update(date=add_months(approved, 25))
    Network.objects.filter(pk=network.pk).update(term_start=add_months(approved, 4))
    by_appointment = portfolio(user=officer)
    by_approval = portfolio(user=officer, age_from="approval")
    assert (by_appointment.age_from, by_appointment.rows[0].age_months) == ("appointment", 21)
    assert (by_approval.age_from, by_approval.rows[0].age_months) == ("approval", 25)
    assert portfolio(user=officer, min_age_months=24, age_from="approval").networks == 1
    assert portfolio(user=officer, min_age_months=24).networks == 0


def test_suggestions_for_product_process_and_finance(officer):
    network = running_network(officer)
    builders.add_members(network, 10)
    today = datetime.date(2026, 6, 1)
    found = suggestions(network, today=today)
    assert [found[k].met for k in ("product_development", "process_development",
                                   "joint_finance")] == [False, False, False]  # fmt: skip
    credits = JointActionType.objects.get(programme=network.programme, slug="sharing_credits")
    network.joint_actions.create(type=credits, title="Guarantee fund", status="done",
                                 value=Decimal("5000000"), logged_by=officer)  # fmt: skip
    factories.ServiceUptakeFactory(
        network=network, service__category="technology", status="completed",
        date=datetime.date(2026, 3, 1),
    )  # fmt: skip
    found = suggestions(network, today=today)
    assert found["joint_finance"].met is True
    assert found["joint_finance"].why.startswith("1 completed credit-sharing joint actions")
    assert found["product_development"].met is True
    assert found["process_development"].met is False
    defaults = dict(Criterion.objects.filter(programme=network.programme)
                    .values_list("key", "suggestion"))  # fmt: skip
    assert defaults["product_development"] == "product_development"
    assert defaults["joint_finance"] == "joint_finance"
