"""The API's views, one module per subject; `common` holds the base view and the negotiation
they share. networks/api/urls.py routes to them."""
