"""Files in and out: uploads checked by content, the CSV/XLSX import of firms and members, and
the exports. Import the module, e.g. `from networks.files import exports`; this package
re-exports nothing."""
