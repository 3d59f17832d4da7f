"""The three-year term: the split, dues, payments, arrears, reminders, extensions, handover."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from networks import rules
from networks.lib.money import split
from networks.models import (
    Due,
    Handover,
    Membership,
    MonthlyCharge,
    Network,
    Payment,
    ReminderSent,
    TermChange,
)
from networks.selectors import term as term_selectors
from networks.services import history as H
from networks.services import term as T
from networks.services.common import ConflictError
from networks.services.reminders import due_reminder_key, reminders_send
from tests import builders, factories

pytestmark = pytest.mark.django_db
START = datetime.date(2024, 1, 15)
SALARY = Decimal("1000000")


@pytest.fixture
def running(network, officer):
    """A network whose term started on 15 January 2024, with 10 members and a CLP salary."""
    with mock.patch("networks.services.lifecycle.timezone.localdate",
                    return_value=datetime.date(2024, 1, 10)):  # fmt: skip
        builders.consolidating_network(network, officer, start=START, salary=SALARY)
    Membership.objects.filter(network=network).update(joined_on=datetime.date(2023, 10, 1))
    return network


def firms_of(network):
    return [m.firm for m in network.memberships.order_by("firm__tax_id")]


# --- the split ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "month, percent",
    [
        (datetime.date(2024, 1, 1), 70),  # the days from the 15th only, all at 70%
        (datetime.date(2024, 12, 1), 70),
        (datetime.date(2025, 2, 1), 50),
        (datetime.date(2026, 2, 1), 30),
        (datetime.date(2026, 12, 1), 30),
        (datetime.date(2027, 6, 1), 0),  # overdue, no extension: the programme's 0% default
    ],
)
def test_agency_share_by_year_of_term(running, month, percent):
    assert rules.agency_percent(running, month) == percent


def test_schedule_is_a_programme_setting(running):
    running.programme.agency_share_schedule = [80, 60, 40, 20]
    running.programme.term_months = 48
    running.programme.save()
    running.refresh_from_db()
    assert rules.agency_percent(running, datetime.date(2027, 2, 1)) == 20


def test_month_split_equal_shares(running):
    figures = T.month_split(running, datetime.date(2024, 3, 1))
    assert figures["agency_amount"] == Decimal("700000")
    assert figures["firms_amount"] == Decimal("300000")
    assert set(figures["dues"].values()) == {Decimal("30000")}
    assert len(figures["dues"]) == 10


def test_equal_split_remainder_goes_to_a_defined_firm(running):
    running.appointments.update(monthly_salary=Decimal("1000003"))  # agency 700002, firms 300001
    figures = T.month_split(running, datetime.date(2024, 3, 1))
    first = firms_of(running)[0]
    assert figures["dues"][first.pk] == Decimal("30001")
    assert sum(figures["dues"].values()) + figures["agency_amount"] == Decimal("1000003")


def test_weighted_shares(running, facilitator):
    firms = firms_of(running)
    weights = {firm: Decimal("5") for firm in firms[:8]}
    weights[firms[8]] = Decimal("30")
    weights[firms[9]] = Decimal("30")
    T.share_weights_set(network=running, actor=facilitator, weights=weights)
    running.refresh_from_db()
    dues = T.month_split(running, datetime.date(2024, 3, 1))["dues"]
    assert dues[firms[0].pk] == Decimal("15000")
    assert dues[firms[9].pk] == Decimal("90000")


def test_weights_must_add_up_and_cover_every_member(running, facilitator):
    firms = firms_of(running)
    outsider = factories.FirmFactory()
    weights = {firm: Decimal("10") for firm in firms[:8]}
    weights[firms[8]] = Decimal("-5")
    weights[outsider] = Decimal("5")
    with pytest.raises(ValidationError) as err:
        T.share_weights_set(network=running, actor=facilitator, weights=weights)
    assert err.value.messages == [
        str(T.WEIGHT_NEGATIVE % {"firm": firms[8].name}),
        str(T.WEIGHT_NOT_MEMBER % {"firm": outsider.name}),
        str(T.WEIGHT_MISSING % {"firm": firms[9].name}),
        str(T.WEIGHTS_NOT_100 % {"total": "80"}),
    ]
    running.refresh_from_db()
    assert running.share_mode == "equal"


def test_firm_member_cannot_set_weights(running, firm_user):
    with pytest.raises(PermissionDenied):
        T.share_weights_set(network=running, actor=firm_user, weights={})


# --- dues -----------------------------------------------------------------------------------


def test_dues_are_idempotent(running):
    month = datetime.date(2024, 2, 1)
    first = T.dues_generate(network=running, month=month)
    again = T.dues_generate(network=running, month=month)
    assert first.pk == again.pk
    assert MonthlyCharge.objects.count() == 1
    assert Due.objects.count() == 10
    assert first.agency_amount + sum(d.amount for d in Due.objects.all()) == SALARY


def test_dues_refused_before_term_and_in_future(running):
    with pytest.raises(ValidationError) as err:
        T.dues_generate(network=running, month=datetime.date(2023, 12, 1))
    assert err.value.messages == [str(T.MONTH_BEFORE_TERM % {"month": "2024-01"})]
    with pytest.raises(ValidationError):
        T.dues_generate(network=running, month=datetime.date(2099, 1, 1))


def test_leaver_stops_from_next_month_and_joiner_starts(running, facilitator):
    firms = firms_of(running)
    leaver = firms[0]
    Membership.objects.filter(network=running, firm=leaver).update(
        left_on=datetime.date(2024, 3, 20), leave_reason="Closed"
    )
    joiner = factories.FirmFactory()
    Membership.objects.create(network=running, firm=joiner, joined_on=datetime.date(2024, 4, 2))
    T.dues_generate(network=running, month=datetime.date(2024, 3, 1))
    T.dues_generate(network=running, month=datetime.date(2024, 4, 1))
    march = set(Due.objects.filter(month="2024-03-01").values_list("firm_id", flat=True))
    april = set(Due.objects.filter(month="2024-04-01").values_list("firm_id", flat=True))
    assert leaver.pk in march and leaver.pk not in april
    assert joiner.pk in april and joiner.pk not in march
    assert len(april) == 10


def test_catch_up_charges_each_month_once(running):
    with mock.patch("networks.services.term.timezone.localdate",
                    return_value=datetime.date(2024, 6, 10)):  # fmt: skip
        assert T.dues_catch_up(network=running) == 6
        assert T.dues_catch_up(network=running) == 0
    assert MonthlyCharge.objects.count() == 6


def test_generate_dues_command(running):
    with mock.patch("networks.services.term.timezone.localdate",
                    return_value=datetime.date(2024, 3, 5)):  # fmt: skip
        call_command("generate_dues")
        call_command("generate_dues")
    assert MonthlyCharge.objects.filter(network=running).count() == 3


# --- payments, balances, arrears --------------------------------------------------------------


def test_payment_validation(running, facilitator, firm_user):
    firm = firms_of(running)[0]
    with pytest.raises(ValidationError) as err:
        T.payment_record(network=running, firm=factories.FirmFactory(), actor=facilitator,
                         date=datetime.date(2099, 1, 1), amount=Decimal("0"))  # fmt: skip
    assert set(err.value.message_dict) == {"amount", "date", "firm"}
    with pytest.raises(PermissionDenied):
        T.payment_record(network=running, firm=firm, actor=firm_user,
                         date=datetime.date(2024, 2, 1), amount=Decimal("1"))  # fmt: skip
    assert not Payment.objects.exists()


def test_balance_and_arrears_after_60_days(running, facilitator):
    firm = firms_of(running)[0]
    for month in (2, 3, 4):
        T.dues_generate(network=running, month=datetime.date(2024, month, 1))
    T.payment_record(network=running, firm=firm, actor=facilitator,
                     date=datetime.date(2024, 3, 5), amount=Decimal("30000"),
                     reference="TRF 001")  # fmt: skip

    def row(today):
        return next(
            b for b in term_selectors.balances(running, today=today) if b.firm.pk == firm.pk
        )

    # 28 April: February's dues fell due on 29 February, 59 days earlier: not yet arrears.
    march_30 = row(datetime.date(2024, 4, 28))
    assert (march_30.owed, march_30.paid, march_30.balance) == (
        Decimal("90000"), Decimal("30000"), Decimal("60000"),
    )  # fmt: skip
    assert not march_30.in_arrears
    # 31 May: February and March are over 60 days old; the payment covered February only.
    april_30 = row(datetime.date(2024, 5, 31))
    assert april_30.arrears == Decimal("30000") and april_30.in_arrears
    other = next(b for b in term_selectors.balances(running, today=datetime.date(2024, 5, 31))
                 if b.firm.pk != firm.pk)  # fmt: skip
    assert other.arrears == Decimal("60000")


def test_arrears_days_is_a_setting(running):
    running.programme.arrears_days = 10
    running.programme.save()
    T.dues_generate(network=running, month=datetime.date(2024, 1, 1))
    rows = term_selectors.balances(running, today=datetime.date(2024, 2, 12))
    assert all(b.in_arrears for b in rows)


def test_firm_member_sees_only_own_ledger_row(running, firm_user):
    T.dues_generate(network=running, month=datetime.date(2024, 1, 1))
    rows = term_selectors.contributions_for(firm_user, running)
    assert [b.firm for b in rows] == [firm_user.firm]


def test_ledger_running_balance(running, facilitator):
    firm = firms_of(running)[0]
    T.dues_generate(network=running, month=datetime.date(2024, 2, 1))
    T.dues_generate(network=running, month=datetime.date(2024, 3, 1))
    T.payment_record(network=running, firm=firm, actor=facilitator,
                     date=datetime.date(2024, 3, 1), amount=Decimal("40000"))  # fmt: skip
    lines = term_selectors.firm_ledger(running, firm)
    assert [(line.kind, line.balance) for line in lines] == [
        ("due", Decimal("30000")), ("due", Decimal("60000")), ("payment", Decimal("20000")),
    ]  # fmt: skip


# --- the due date ---------------------------------------------------------------------------


def test_extension_moves_due_date_and_is_recorded(running, officer, facilitator):
    new_due = datetime.date(2027, 7, 15)
    with pytest.raises(PermissionDenied):
        T.term_extend(network=running, actor=facilitator, new_due_date=new_due, reason="x")
    with pytest.raises(ValidationError) as err:
        T.term_extend(network=running, actor=officer, new_due_date=datetime.date(2026, 1, 1),
                      reason="")  # fmt: skip
    assert set(err.value.message_dict) == {"reason", "new_due_date"}
    T.term_extend(network=running, actor=officer, new_due_date=new_due, reason="Flooding")
    running.refresh_from_db()
    assert running.handover_due == new_due
    change = TermChange.objects.get()
    assert (change.kind, change.previous_due, change.new_due) == (
        "extension", datetime.date(2027, 1, 15), new_due,
    )  # fmt: skip


def test_clock_days_left_and_overdue(running):
    assert term_selectors.clock(running, datetime.date(2027, 1, 5)).days_left == 10
    overdue = term_selectors.clock(running, datetime.date(2027, 1, 25))
    assert overdue.overdue and overdue.days_overdue == 10


# --- reminders ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, key",
    [
        (datetime.date(2026, 7, 14), None),
        (datetime.date(2026, 7, 15), "before-6"),
        (datetime.date(2026, 10, 20), "before-3"),
        (datetime.date(2026, 12, 15), "before-1"),
        (datetime.date(2027, 1, 15), "before-1"),
        (datetime.date(2027, 1, 16), "overdue-week-0"),
        (datetime.date(2027, 1, 23), "overdue-week-1"),
    ],
)
def test_which_reminder_applies(running, today, key):
    assert due_reminder_key(running, today) == key


def test_reminders_sent_exactly_once_across_runs(running, officer, mailoutbox, jobs):
    firm_user = factories.FirmMemberFactory(firm=firms_of(running)[0])
    jobs.run()
    mailoutbox.clear()  # the mails of the network's history (submitted, decided)
    with mock.patch("networks.services.reminders.timezone.localdate",
                    return_value=datetime.date(2026, 7, 20)):  # fmt: skip
        for _hourly in range(3):
            call_command("send_reminders")
    jobs.run()
    recipients = sorted(to for mail in mailoutbox for to in mail.to)
    # The firms too: they will pay the whole salary after the handover.
    assert recipients == sorted([officer.email, running.facilitator.email, firm_user.email])
    assert "is due on 15 Jan 2027" in mailoutbox[0].subject
    assert "In 179 days" in mailoutbox[0].body
    assert ReminderSent.objects.get().key == "before-6"
    mailoutbox.clear()
    # Three months before: one more; then overdue weekly.
    for day in (datetime.date(2026, 10, 16), datetime.date(2026, 10, 17),
                datetime.date(2027, 1, 20), datetime.date(2027, 1, 21),
                datetime.date(2027, 1, 29)):  # fmt: skip
        reminders_send(today=day)
    jobs.run()
    assert len(mailoutbox) == 3 * 3
    assert "overdue" in mailoutbox[-1].subject
    assert ReminderSent.objects.count() == 4


def test_extension_restarts_the_reminders(running, officer, mailoutbox):
    reminders_send(today=datetime.date(2026, 12, 20))
    T.term_extend(network=running, actor=officer, new_due_date=datetime.date(2027, 6, 1),
                  reason="Late season")  # fmt: skip
    running.refresh_from_db()
    assert reminders_send(today=datetime.date(2026, 12, 21)) == 1  # before-6 of the new date


# --- the handover ---------------------------------------------------------------------------


def commitments_for(network, shares=None):
    firms = firms_of(network)
    shares = shares or [Decimal(10)] * len(firms)
    return dict(zip(firms, shares, strict=True))


def propose(network, actor, **overrides):
    data = {
        "date": network.handover_due,
        "manager": network.facilitator,
        "monthly_salary": Decimal("1100000"),
        "commitments": commitments_for(network),
    }
    data.update(overrides)
    return T.handover_propose(network=network, actor=actor, **data)


def test_handover_refusals_list_every_reason(running, facilitator):
    firms = firms_of(running)
    outsider = factories.FirmFactory()
    shares = {firm: Decimal(10) for firm in firms[:8]}
    shares[firms[8]] = Decimal(-10)
    shares[outsider] = Decimal(10)
    with pytest.raises(ValidationError) as err:
        propose(running, facilitator, date=datetime.date(2026, 6, 1), commitments=shares)
    assert err.value.messages == [
        str(T.HANDOVER_TOO_EARLY % {"due": "15 Jan 2027"}),
        str(T.HANDOVER_SHARE_NEGATIVE % {"firm": firms[8].name}),
        str(T.HANDOVER_FIRM_NOT_MEMBER % {"firm": outsider.name}),
        str(T.HANDOVER_FIRM_MISSING % {"firm": firms[9].name}),
        str(T.HANDOVER_SHARES_NOT_100 % {"total": "80"}),
    ]
    assert not Handover.objects.exists()


def test_handover_needs_consolidation(network, facilitator):
    with pytest.raises(ValidationError) as err:
        T.handover_propose(network=network, actor=facilitator, date=datetime.date(2027, 1, 1),
                           manager=facilitator, monthly_salary=SALARY, commitments={})  # fmt: skip
    assert str(T.NOT_IN_CONSOLIDATION) in err.value.messages


def test_early_handover_when_allowed(running, officer, facilitator):
    early = datetime.date(2026, 6, 1)
    with pytest.raises(ValidationError):
        propose(running, facilitator, date=early)
    T.early_handover_allow(network=running, actor=officer, new_due_date=early,
                           reason="The group is ready")  # fmt: skip
    running.refresh_from_db()
    assert propose(running, facilitator, date=early).status == "proposed"


def test_confirmation_moves_to_independence_and_agency_pays_nothing(running, officer,
                                                                   facilitator):  # fmt: skip
    propose(running, facilitator)
    with pytest.raises(PermissionDenied):
        T.handover_confirm(network=running, actor=facilitator)
    T.handover_confirm(network=running, actor=officer)
    running.refresh_from_db()
    assert running.phase == Network.Phase.INDEPENDENCE
    assert running.handed_over_on == datetime.date(2027, 1, 15)
    last = running.transitions.order_by("at").last()
    assert (last.from_phase, last.to_phase, last.actor) == (
        "consolidation",
        "independence",
        officer,
    )
    # January (the handover month): 14 days at the year-3 rate, then 0 from the handover on.
    assert rules.agency_percent(running, datetime.date(2027, 1, 1)) == Decimal("13.548")
    assert rules.agency_percent(running, datetime.date(2027, 2, 1)) == 0
    with mock.patch("networks.services.term.timezone.localdate",
                    return_value=datetime.date(2027, 3, 1)):  # fmt: skip
        charge = T.dues_generate(network=running, month=datetime.date(2027, 2, 1))
    assert charge.agency_amount == 0
    assert charge.salary == Decimal("1100000")
    assert sum(d.amount for d in charge.dues.all()) == Decimal("1100000")
    with pytest.raises(ConflictError):
        T.handover_confirm(network=running, actor=officer)


def test_dues_follow_committed_shares(running, officer, facilitator):
    shares = [Decimal(20), Decimal(20)] + [Decimal(7.5)] * 8
    propose(running, facilitator, commitments=commitments_for(running, shares))
    T.handover_confirm(network=running, actor=officer)
    running.refresh_from_db()
    dues = T.month_split(running, datetime.date(2027, 3, 1))["dues"]
    firms = firms_of(running)
    assert dues[firms[0].pk] == Decimal("220000")
    assert dues[firms[5].pk] == Decimal("82500")


def test_confirmation_four_eyes_and_nothing_proposed(running, officer):
    with pytest.raises(ConflictError) as err:
        T.handover_confirm(network=running, actor=officer)
    assert err.value.messages == [str(T.HANDOVER_NONE_PROPOSED)]
    propose(running, officer)
    with pytest.raises(ValidationError) as err:
        T.handover_confirm(network=running, actor=officer)
    assert err.value.messages == [str(T.HANDOVER_FOUR_EYES)]


def test_failure_inside_confirmation_leaves_nothing_partial(running, officer, facilitator):
    propose(running, facilitator)
    boom = mock.patch("networks.services.term.phase_transition", side_effect=RuntimeError("boom"))
    with boom, pytest.raises(RuntimeError):
        T.handover_confirm(network=running, actor=officer)
    running.refresh_from_db()
    assert running.phase == "consolidation" and running.handed_over_on is None
    assert Handover.objects.get().status == "proposed"
    assert running.appointments.count() == 1


def test_new_proposal_replaces_the_open_one(running, facilitator):
    propose(running, facilitator)
    with pytest.raises(ValidationError) as excinfo:
        propose(running, facilitator, monthly_salary=Decimal("1200000"))
    assert excinfo.value.message_dict == {"reason": [str(H.HANDOVER_REASON_REQUIRED)]}
    propose(running, facilitator, monthly_salary=Decimal("1200000"), reason="A raise agreed.")
    assert list(Handover.objects.values_list("status", flat=True).order_by("pk")) == [
        "withdrawn", "proposed",
    ]  # fmt: skip


def test_readiness_checklist(running, facilitator):
    ready = term_selectors.readiness(running, today=datetime.date(2026, 12, 1))
    items = {item.key: item.met for item in ready.items}
    assert items["members"] is True
    assert items["arrears"] is True
    assert items["activity"] is False
    assert items["joint_action"] is False
    assert items["commitments"] is False
    propose(running, facilitator)
    ready = term_selectors.readiness(running, today=datetime.date(2026, 12, 1))
    assert {i.key: i.met for i in ready.items}["commitments"] is True
    assert ready.score == 3 and ready.total == 6


# --- the property: the salary is split to the cent, nothing lost ---------------------------


@given(
    total=st.decimals(min_value=0, max_value=10**9, places=2),
    weights=st.lists(st.decimals(min_value=0, max_value=100, places=3), min_size=1, max_size=30),
    currency=st.sampled_from(["CLP", "USD"]),
)
def test_split_adds_up_exactly(total, weights, currency):
    from networks.lib.money import round_money

    total = round_money(total, currency)
    parts = split(total, list(enumerate(weights)), currency)
    assert sum(parts.values()) == total
    assert all(part >= 0 for part in parts.values())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    salary=st.decimals(min_value=1, max_value=5 * 10**7, places=0),
    members=st.integers(min_value=1, max_value=30),
    year=st.integers(min_value=0, max_value=3),
    weighted=st.booleans(),
    seed=st.randoms(use_true_random=False),
)
def test_each_month_agency_plus_dues_equal_salary(officer, salary, members, year, weighted, seed):
    network = factories.NetworkFactory(programme__agency=officer.agency)
    network.term_start = datetime.date(2023, 1, 1)
    network.handover_due = datetime.date(2026, 1, 1)
    network.phase = "consolidation"
    network.save()
    network.appointments.create(person=network.facilitator, start_date=network.term_start,
                                monthly_salary=salary, appointed_by=officer)  # fmt: skip
    firms = builders.add_members(network, members)
    if weighted:
        raw = [Decimal(seed.randint(0, 1000)) for _ in firms]
        if sum(raw) == 0:
            raw[0] = Decimal(1)
        network.share_mode = "weighted"
        network.save()
        for firm, weight in zip(firms, raw, strict=True):
            network.share_weights.create(firm=firm, percent=weight * 100 / sum(raw))
    month = datetime.date(2023 + year, 2, 1)
    with mock.patch("networks.services.term.timezone.localdate",
                    return_value=datetime.date(2027, 1, 1)):  # fmt: skip
        charge = T.dues_generate(network=network, month=month)
    dues = list(charge.dues.values_list("amount", flat=True))
    assert charge.agency_amount + sum(dues) == salary
    assert all(d == d.to_integral_value() for d in dues)  # CLP: whole pesos


def test_failure_in_the_middle_of_a_dues_run_leaves_nothing(running):
    """The charge and the dues of a month are written together or not at all."""
    month = datetime.date(2024, 2, 1)
    boom = mock.patch("networks.services.term.Due.objects.bulk_create",
                      side_effect=RuntimeError("disk full"))  # fmt: skip
    with boom, pytest.raises(RuntimeError):
        T.dues_generate(network=running, month=month)
    assert not MonthlyCharge.objects.exists() and not Due.objects.exists()
    T.dues_generate(network=running, month=month)  # and the next run does the month whole
    assert Due.objects.count() == 10
