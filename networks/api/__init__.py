"""The REST API under /api/v1/. Same services and access rules as the pages.

Conventions: related objects are ids, dates ISO 8601, money decimal strings, lists paginated
as {count, next, previous, results}. Errors are JSON: 400 broken rule or field, 401 not logged
in, 403 may see but not change, 404 may not see, 409 conflicts with the current state.

Every view under /networks/{pk}/ follows one order:
1. the network is looked up among those the user may see: otherwise 404;
2. for writes, the user must be allowed to change it (`write_check`): otherwise 403;
3. the serializer checks the input's types: otherwise 400 naming the field;
4. the service checks the business rules and writes (400, 403 or 409 via `errors.exception_handler`).

`urls` routes to `views/<subject>.py`, which read and write through the selectors and services
with the serializers of `serializers/<subject>.py`; `input` (strict input), `idempotency`
(Idempotency-Key) and `errors` are what every endpoint shares. Nothing here re-exports.
"""
