"""The scale data set: a thousand networks with three years of history, for performance work.

`seed_scale` calls `build.build()`. Nothing goes through the services: they write one row at a time
and the full set would take hours. The rows are written in bulk instead (PostgreSQL COPY, or
bulk_create elsewhere) one network at a time, so memory stays flat however large the set. The
services' rules are applied here in bulk: members attend only while they are members, dates stay
inside each network's term, and the salary is split with `lib.money.split` and
`rules.month_terms` (each day of a month at its rate) exactly as `term.month_split` does (tests/seed/test_scale.py compares
them). No django-simple-history rows are written: history records edits, and a bulk load is not
one.

The modules: `data` (the vocabulary), `plan` (each network planned in memory), `work` (the rows
of the work done), `write` (bulk writing, and `reset`) and `build` (the Builder that runs it all).
"""
