"""Writes. Every change to the domain goes through a function here.

Each service is keyword-only, validates the business rules, raises ValidationError with a
message kept as a module constant (tests assert them), and runs in one transaction.
"""


class ConflictError(Exception):
    """The request clashes with the current state (deciding twice, appointing twice...)."""

    def __init__(self, message):
        super().__init__(message)
        self.messages = [str(message)]
