"""The audit history of a network, for agency staff (django-simple-history rows)."""

urlpatterns = []
