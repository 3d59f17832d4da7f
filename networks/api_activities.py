"""REST API: activities logged by the facilitator: list, form, detail, attendance, attachments."""

urlpatterns = []
