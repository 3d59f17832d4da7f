"""The limits on what a user may write: one place for the API, the forms and the database."""

# Names and titles (a network's, a firm's, an activity's...).
NAME_MAX_LENGTH = 200
# Long texts: the diagnosis, descriptions, outcomes, reasons, notes, comments, evidence.
TEXT_MAX_LENGTH = 20_000
