"""Reads for the three home pages and GET /api/v1/dashboard/: what needs each user now.

Every figure comes from aggregate queries over all of the user's networks at once (GROUP BY
network, or one correlated subquery per network row), never from a query per network: a home
page runs the same number of queries for one network as for a thousand (the tests pin them).
The rules are those of the network pages (selectors.term's arrears and readiness,
selectors.progress's drifting firms, services.lifecycle.submit_checklist), restated as SQL; the
tests check that both give the same answers. One figure is the dashboards' own: the attendance
rate is the network's pooled rate, attended / (activities x active members) over the last six
months, where the participation page averages each firm's own rate.

Cached: the pairs of firms tied in the half-year before the last one (history, read once a day),
which the agency's "density falling" compares with the last half-year's; and the agency home's
aggregates over every activity, attendance, due and payment, for a few minutes
(aggregates.agency_figures).

facts.py holds each network's facts and the rules that read them, aggregates.py the figures
over a whole scope, homes.py the three pages built from both.
"""
