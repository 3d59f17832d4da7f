"""Forms validate input: types, ranges and dates; the business rules are the services'. One module
per subject, `common` for the widgets and fields they share. Import the module or the form
classes from it; this package re-exports nothing."""
