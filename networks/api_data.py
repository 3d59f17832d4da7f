"""REST API: data out and in: CSV/XLSX exports, the import of firms and memberships, the printable network report."""

urlpatterns = []
