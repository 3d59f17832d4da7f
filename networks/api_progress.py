"""REST API: goal progress, firm indicators, participation and the collaboration graph."""

urlpatterns = []
