"""REST API: the numbers of the caller's own home page (GET /api/v1/dashboard/)."""

urlpatterns = []
