"""Which index each of the app's hot reads uses, from PostgreSQL's EXPLAIN ANALYZE.

Part of `make bench` (bench/run.py prints it), on the scale data. Each line is a read the pages
make for one network or one firm, the index PostgreSQL chose for it and the time it took: the
proof that the indexes declared in networks/models/ are the ones used, and that no hot read
scans a whole table.
"""

import datetime
import re

from networks.models import (
    Activity,
    Attendance,
    Due,
    JointAction,
    JointActionParticipant,
    MonthlyCharge,
    Payment,
    ServiceUptake,
)

USED = re.compile(
    r"(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)"
)
TIME = re.compile(r"Execution Time: ([\d.]+) ms")


def reads(network, firm_id: int, activity_id: int, joint_action_id: int) -> list[tuple]:
    """(what, the queryset) for one network, one of its firms, an activity and a joint action."""
    year_ago = datetime.date.today() - datetime.timedelta(days=365)
    return [
        ("a network's activities, newest first (activity list)",
         Activity.objects.filter(network=network).order_by("-date")[:25]),
        ("a network's activities of the last year (dashboards)",
         Activity.objects.filter(network=network, date__gt=year_ago).values("id")),
        ("an activity's attendance", Attendance.objects.filter(activity_id=activity_id)),
        ("a firm's attendance (participation, firm home)",
         Attendance.objects.filter(firm_id=firm_id).values("activity_id")),
        ("a firm's dues in a network (ledger)",
         Due.objects.filter(network=network, firm_id=firm_id).order_by("month")),
        ("a firm's payments in a network (ledger)",
         Payment.objects.filter(network=network, firm_id=firm_id).order_by("date")),
        ("a network's monthly charges (term)",
         MonthlyCharge.objects.filter(network=network).order_by("month")),
        ("a network's joint actions done (dashboards)",
         JointAction.objects.filter(network=network, status="done").values("id", "value")),
        ("a joint action's participants",
         JointActionParticipant.objects.filter(joint_action_id=joint_action_id)),
        ("a firm's joint actions (firm home)",
         JointActionParticipant.objects.filter(firm_id=firm_id).values("joint_action_id")),
        ("a network's service take-up of the year (reports)",
         ServiceUptake.objects.filter(network=network, date__gte=year_ago)),
    ]  # fmt: skip


def report(network, firm_id: int) -> list[tuple[str, str, float]]:
    """(what, indexes used, milliseconds) for each read."""
    activity_id = Activity.objects.filter(network=network).values_list("pk", flat=True).first()
    joint_action_id = (
        JointAction.objects.filter(network=network).values_list("pk", flat=True).first()
    )
    rows = []
    for what, queryset in reads(network, firm_id, activity_id, joint_action_id):
        plan = queryset.explain(analyze=True)
        indexes = ", ".join(dict.fromkeys(USED.findall(plan))) or "none: " + plan.split("\n")[0]
        rows.append((what, indexes, float(TIME.search(plan).group(1))))
    return rows
