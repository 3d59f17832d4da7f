"""Writes. Every change to the domain goes through a function here.

Each service is keyword-only, validates the business rules, raises ValidationError with a
message kept as a module constant (the tests assert them) or ConflictError when the request
clashes with the current state, writes its audit rows, and runs in one transaction.
Views, forms, the API, the admin and the management commands all call these.

The functions live in modules by subject (lifecycle, firms, activities, joint_actions, support,
progress, term, reminders, evaluation, criteria, imports, history, idempotency, accounts,
notifications); import the module, e.g. `from networks.services import lifecycle as
lifecycle_services`. This package re-exports nothing.
"""
