"""Small template helpers that don't belong to one subject."""

import datetime

from django import template

register = template.Library()


@register.filter
def minutes(value) -> int:
    """Whole minutes of a timedelta (at least 1), for messages like "try again in 15 minutes"."""
    if isinstance(value, datetime.timedelta):
        return max(1, round(value.total_seconds() / 60))
    return value


@register.inclusion_tag("networks/_form_token.html")
def form_token() -> dict:
    """A fresh one-time token for a form whose view is `@once_per_form` (views/common.py)."""
    import secrets

    from networks.views.common import FORM_TOKEN_FIELD

    return {"name": FORM_TOKEN_FIELD, "value": secrets.token_urlsafe(24)}
