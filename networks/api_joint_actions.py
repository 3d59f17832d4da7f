"""REST API: joint actions logged by member firms, their confirmation, and support-service take-up."""

urlpatterns = []
