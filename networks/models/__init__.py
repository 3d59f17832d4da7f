"""The PROFO domain: agencies run programmes; programmes hold networks of member firms.

Models hold data and the rules the database can enforce (constraints). Business rules that
span rows live in `networks/services/`; reads for pages live in `networks/selectors/`.

One module per subject; this package imports every model, so that Django's app registry, the
migrations (`networks.models.default_agency_share_schedule`, `default_reminder_offsets`,
`attachment_path`), the schema settings (`networks.models.Network.Phase`) and
`from networks.models import X` find them. It is the only package that re-exports.
"""

from networks.models.accounts import ApiToken, UserSession
from networks.models.activities import (
    Activity,
    ActivityType,
    Attachment,
    Attendance,
    AttendanceDecline,
    attachment_path,
)
from networks.models.agencies import (
    Agency,
    Programme,
    ProgrammeType,
    User,
    default_agency_share_schedule,
    default_reminder_offsets,
)
from networks.models.base import ImmutableModel, ImmutableRowError
from networks.models.certifications import Certification, evidence_path
from networks.models.confirmations import (
    ON_BEHALF_METHODS,
    ConfirmationMethod,
    confirmation_evidence_path,
)
from networks.models.evaluation import Criterion, Evaluation, EvaluationResult
from networks.models.firms import Firm
from networks.models.idempotency import IdempotencyKey
from networks.models.independence import CheckIn
from networks.models.joint_actions import (
    JointAction,
    JointActionDecline,
    JointActionParticipant,
    JointActionType,
)
from networks.models.lifecycle import (
    Application,
    ApplicationEvent,
    Diagnosis,
    Goal,
    ManagerAppointment,
    Membership,
    Network,
    PhaseTransition,
    Rating,
)
from networks.models.notifications import (
    Channel,
    DigestSent,
    EventNotified,
    Kind,
    Notification,
    NotificationPreference,
)
from networks.models.people import Invitation
from networks.models.progress import FirmIndicator, GoalActual
from networks.models.projects import JointProject, JointProjectFirm, Milestone
from networks.models.support import ServiceUptake, SupportProvider, SupportService
from networks.models.term import (
    Due,
    Handover,
    HandoverCommitment,
    MonthlyCharge,
    Payment,
    ReminderSent,
    ShareWeight,
    TermChange,
)

__all__ = [
    "Activity", "ActivityType", "Agency", "ApiToken", "Application", "ApplicationEvent",
    "Attachment", "Attendance", "Channel", "CheckIn", "Criterion", "DigestSent", "EventNotified", "Kind",
    "Notification", "NotificationPreference", "Diagnosis", "Due", "Evaluation",
    "EvaluationResult", "Firm", "FirmIndicator", "Goal", "GoalActual", "Handover",
    "HandoverCommitment", "IdempotencyKey", "Invitation", "ImmutableModel", "ImmutableRowError", "JointAction",
    "JointActionDecline", "JointActionParticipant", "JointActionType", "ManagerAppointment",
    "Membership", "MonthlyCharge", "Network", "Payment", "PhaseTransition", "Programme",
    "ProgrammeType", "Rating", "ReminderSent", "ServiceUptake", "ShareWeight", "SupportProvider",
    "SupportService", "TermChange", "User", "UserSession", "attachment_path",
    "default_agency_share_schedule", "default_reminder_offsets",
    "Certification", "evidence_path", "JointProject", "JointProjectFirm", "Milestone",
    "AttendanceDecline", "ConfirmationMethod", "ON_BEHALF_METHODS", "confirmation_evidence_path",
]  # fmt: skip
