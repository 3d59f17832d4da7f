"""Helpers for the page tests."""

from django.utils.html import escape


def shows(response, text) -> bool:
    """Whether the page shows `text` (a message constant or a string) as the user reads it."""
    return escape(str(text)) in response.content.decode()
