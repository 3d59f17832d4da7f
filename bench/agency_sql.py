"""The floor for the agency home: the numbers it shows, computed by hand-written SQL.

The agency home (selectors.dashboard.homes.agency_dashboard) shows, for one agency: its networks by
phase; the applications waiting and the oldest five; for each network in consolidation its
members now and six months ago, its last evaluation, the handover commitments, its
activities (last, in all, in 90 days, in six months), its joint actions done and their value,
the attendance of the last six months and the pairs of firms that met in an activity, this
half-year and the one before, and its firms in arrears; and the totals (firms reached,
activities, joint actions, service take-up this year).

Each statement below computes one group of those numbers straight from the tables, with no
ORM, no Python objects and no templates: the time the database alone needs. bench/run.py
times `run` and compares the page to it.
"""

import datetime

from networks.lib.dates import add_months

QUERIES = {
    "networks by phase": """
        SELECT n.phase, COUNT(*)
        FROM networks_network n JOIN networks_programme p ON p.id = n.programme_id
        WHERE p.agency_id = %(agency)s
        GROUP BY n.phase
    """,
    "applications waiting": """
        SELECT COUNT(*) OVER (), a.id, a.submitted_at
        FROM networks_application a
        JOIN networks_network n ON n.id = a.network_id
        JOIN networks_programme p ON p.id = n.programme_id
        WHERE p.agency_id = %(agency)s AND a.status = 'submitted'
        ORDER BY a.submitted_at, a.id
        LIMIT 5
    """,
    "running networks: members, evaluation, commitments": """
        SELECT n.id, n.name, n.handover_due,
               COUNT(m.id) FILTER (WHERE m.left_on IS NULL),
               COUNT(m.id) FILTER (WHERE m.joined_on <= %(half_year_ago)s
                                   AND (m.left_on IS NULL OR m.left_on > %(half_year_ago)s)),
               (SELECT MAX(e.date) FROM networks_evaluation e WHERE e.network_id = n.id),
               (SELECT SUM(c.share_percent) FROM networks_handovercommitment c
                WHERE c.handover_id = (
                    SELECT h.id FROM networks_handover h
                    WHERE h.network_id = n.id AND h.status IN ('proposed', 'confirmed')
                    ORDER BY h.proposed_at DESC, h.id DESC LIMIT 1))
        FROM networks_network n
        JOIN networks_programme p ON p.id = n.programme_id
        LEFT JOIN networks_membership m ON m.network_id = n.id
        WHERE p.agency_id = %(agency)s AND n.phase = 'consolidation'
        GROUP BY n.id
    """,
    "activities per network": """
        SELECT a.network_id, MAX(a.date), COUNT(*),
               COUNT(*) FILTER (WHERE a.date > %(ninety_days_ago)s),
               COUNT(*) FILTER (WHERE a.date > %(half_year_ago)s),
               COUNT(*) FILTER (WHERE a.date > GREATEST(COALESCE(n.term_start,
                                %(half_year_ago)s), %(half_year_ago)s))
        FROM networks_activity a
        JOIN networks_network n ON n.id = a.network_id
        JOIN networks_programme p ON p.id = n.programme_id
        WHERE p.agency_id = %(agency)s AND a.date <= %(today)s
        GROUP BY a.network_id
    """,
    "joint actions done per network": """
        SELECT j.network_id, p.currency, COUNT(*), SUM(j.value)
        FROM networks_jointaction j
        JOIN networks_network n ON n.id = j.network_id
        JOIN networks_programme p ON p.id = n.programme_id
        WHERE p.agency_id = %(agency)s AND j.status = 'done'
        GROUP BY j.network_id, p.currency
    """,
    # Each firm's activities of a half-year as an array; two firms are tied when their arrays
    # overlap. (Bit masks, as the page builds them, were 2.4 times slower in SQL: the masks of
    # more than 62 activities need several rows per firm and a DISTINCT over the pairs.)
    "attendance and pairs of firms, two half-years": """
        WITH acts AS (
            SELECT a.id, a.network_id, (a.date > %(half_year_ago)s) AS recent
            FROM networks_activity a
            JOIN networks_network n ON n.id = a.network_id
            JOIN networks_programme p ON p.id = n.programme_id
            WHERE p.agency_id = %(agency)s AND n.phase = 'consolidation'
              AND a.date > %(year_ago)s AND a.date <= %(today)s
        ),
        firms AS (
            SELECT acts.network_id, acts.recent, t.firm_id, ARRAY_AGG(acts.id) AS attended
            FROM acts JOIN networks_attendance t ON t.activity_id = acts.id
            GROUP BY acts.network_id, acts.recent, t.firm_id
        ),
        attended AS (
            SELECT f.network_id, SUM(CARDINALITY(f.attended)) AS attended
            FROM firms f
            JOIN networks_membership m ON m.network_id = f.network_id
                 AND m.firm_id = f.firm_id AND m.left_on IS NULL
            WHERE f.recent
            GROUP BY f.network_id
        ),
        pairs AS (
            SELECT a.network_id, a.recent, COUNT(*) AS pairs
            FROM firms a JOIN firms b
              ON b.network_id = a.network_id AND b.recent = a.recent
             AND b.firm_id > a.firm_id AND a.attended && b.attended
            GROUP BY a.network_id, a.recent
        )
        SELECT pairs.*, attended.attended FROM pairs
        LEFT JOIN attended ON attended.network_id = pairs.network_id
    """,
    "firms in arrears per network": """
        SELECT owed.network_id, COUNT(*)
        FROM (
            SELECT d.network_id, d.firm_id,
                   SUM(CASE WHEN d.month <= CAST(DATE_TRUNC('month', CAST(%(today)s AS DATE)
                                - pr.arrears_days + 1) - INTERVAL '1 month' AS DATE)
                       THEN d.amount ELSE 0 END) AS old
            FROM networks_due d
            JOIN networks_network n ON n.id = d.network_id
            JOIN networks_programme pr ON pr.id = n.programme_id
            WHERE pr.agency_id = %(agency)s AND n.phase = 'consolidation'
            GROUP BY d.network_id, d.firm_id
        ) owed
        LEFT JOIN (
            SELECT y.network_id, y.firm_id, SUM(y.amount) AS paid
            FROM networks_payment y
            JOIN networks_network n ON n.id = y.network_id
            JOIN networks_programme pr ON pr.id = n.programme_id
            WHERE pr.agency_id = %(agency)s AND n.phase = 'consolidation'
            GROUP BY y.network_id, y.firm_id
        ) paid ON paid.network_id = owed.network_id AND paid.firm_id = owed.firm_id
        WHERE owed.old > COALESCE(paid.paid, 0)
        GROUP BY owed.network_id
    """,
    "firms reached": """
        SELECT COUNT(DISTINCT m.firm_id)
        FROM networks_membership m
        JOIN networks_network n ON n.id = m.network_id
        JOIN networks_programme p ON p.id = n.programme_id
        WHERE p.agency_id = %(agency)s
    """,
    "service take-up this year": """
        SELECT COUNT(*)
        FROM networks_serviceuptake u
        JOIN networks_network n ON n.id = u.network_id
        JOIN networks_programme p ON p.id = n.programme_id
        WHERE p.agency_id = %(agency)s AND u.status IN ('taken_up', 'completed')
          AND u.date BETWEEN %(year_start)s AND %(year_end)s
    """,
}


def parameters(agency_id: int, today: datetime.date) -> dict:
    return {
        "agency": agency_id,
        "today": today,
        "ninety_days_ago": today - datetime.timedelta(days=90),
        "half_year_ago": add_months(today, -6),
        "year_ago": add_months(today, -12),
        "year_start": datetime.date(today.year, 1, 1),
        "year_end": datetime.date(today.year, 12, 31),
    }


def run(connection, agency_id: int, today: datetime.date) -> dict[str, list]:
    """Every statement, its rows fetched: what the page needs from the database."""
    params = parameters(agency_id, today)
    results = {}
    with connection.cursor() as cursor:
        for name, sql in QUERIES.items():
            cursor.execute(sql, params)
            results[name] = cursor.fetchall()
    return results
