"""Reads about the user's own account: their API tokens."""

from django.db.models import QuerySet

from networks import access


def token_list(user) -> QuerySet:
    """The user's live API tokens, newest first (one query)."""
    return access.own_tokens(user).order_by("-created", "-pk")
