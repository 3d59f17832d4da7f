"""Pages. Each view: access check -> form -> service -> message -> redirect.

One module per subject; networks/urls.py routes to them. No view module imports another, except
the shared helpers in `common` (shared page context is a selector: selectors/network_page.py).
This package re-exports nothing.
"""
