"""REST API: evaluations against criteria, the criteria set, the portfolio report and programme indicators."""

urlpatterns = []
