"""Rows for the export, import and report tests, written directly (fast); the services that
normally write them are tested in their own files."""

import datetime
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook

from networks.models import (
    Activity,
    ActivityType,
    Attendance,
    Criterion,
    Due,
    Evaluation,
    EvaluationResult,
    FirmIndicator,
    JointAction,
    JointActionParticipant,
    JointActionType,
    MonthlyCharge,
    Network,
    Payment,
    ServiceUptake,
    SupportProvider,
    SupportService,
)
from tests import builders, factories

MONTH = datetime.date(2025, 1, 1)


def working(network, members: int = 0, phase=Network.Phase.CONSOLIDATION) -> list:
    """Put the network in consolidation (directly) with `members` more member firms."""
    network.phase = phase
    network.save(update_fields=["phase"])
    return builders.add_members(network, members, joined_on=datetime.date(2024, 1, 1))


def activity(network, *, attendees=(), title="Workshop", date=None, slug="group_workshop"):
    row = Activity.objects.create(
        network=network,
        type=ActivityType.objects.get(programme_id=network.programme_id, slug=slug),
        title=title,
        date=date or timezone.localdate(),
        cost=Decimal("15000"),
        created_by=network.facilitator,
    )
    Attendance.objects.bulk_create(Attendance(activity=row, firm=f) for f in attendees)
    return row


def joint_action(network, *, firms=(), confirmed=(), status="planned", value=0, slug="other"):
    row = JointAction.objects.create(
        network=network,
        type=JointActionType.objects.get(programme_id=network.programme_id, slug=slug),
        title=f"Joint {status}",
        status=status,
        value=Decimal(value),
        logged_by=network.facilitator,
    )
    now = timezone.now()
    JointActionParticipant.objects.bulk_create(
        JointActionParticipant(
            joint_action=row, firm=f, confirmed_at=now if f in confirmed else None
        )
        for f in firms
    )
    return row


def uptake(network, firm, *, result="Loan granted"):
    provider, _ = SupportProvider.objects.get_or_create(
        agency=network.programme.agency, name="CORFO"
    )
    service, _ = SupportService.objects.get_or_create(
        provider=provider, name="Working capital", category=SupportService.Category.CREDIT
    )
    return ServiceUptake.objects.create(
        network=network,
        firm=firm,
        service=service,
        date=timezone.localdate(),
        status=ServiceUptake.Status.TAKEN_UP,
        result=result,
        recorded_by=network.facilitator,
    )


def due(network, firm, amount, month=MONTH) -> Due:
    charge, _ = MonthlyCharge.objects.get_or_create(
        network=network,
        month=month,
        defaults={
            "salary": Decimal("1000000"),
            "agency_percent": Decimal("70"),
            "agency_amount": Decimal("700000"),
            "firms_amount": Decimal("300000"),
        },
    )
    return Due.objects.create(
        charge=charge, network=network, firm=firm, month=month, amount=Decimal(amount)
    )


def payment(network, firm, amount, date=datetime.date(2025, 2, 1)) -> Payment:
    return Payment.objects.create(
        network=network,
        firm=firm,
        date=date,
        amount=Decimal(amount),
        recorded_by=network.facilitator,
    )


def indicator(firm, date, *, baseline=False, network=None, **figures) -> FirmIndicator:
    """Figures recorded for `network`, by default the firm's first network."""
    if network is None:
        first = firm.memberships.order_by("joined_on", "pk").first()
        network = first.network if first else None
    return FirmIndicator.objects.create(
        firm=firm,
        network=network,
        date=date,
        is_baseline=baseline,
        recorded_by=factories.AgencyStaffFactory(),
        **figures,
    )


def evaluation(network, evaluator, met_keys, date=None) -> Evaluation:
    criteria = list(Criterion.objects.filter(programme=network.programme_id, is_active=True))
    row = Evaluation.objects.create(
        network=network,
        date=date or timezone.localdate(),
        evaluator=evaluator,
        met_count=sum(1 for c in criteria if c.key in met_keys),
        criteria_count=len(criteria),
    )
    EvaluationResult.objects.bulk_create(
        EvaluationResult(evaluation=row, criterion=c, met=c.key in met_keys) for c in criteria
    )
    return row


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
