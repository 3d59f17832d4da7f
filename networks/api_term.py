"""REST API: the three-year term: the ledger and payments, share weights, readiness, extensions and the handover."""

urlpatterns = []
