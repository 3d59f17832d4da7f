"""Forms of a user's own account."""

from django.contrib.auth.forms import PasswordResetForm

from networks.services import jobs
from networks.services import notifications as notification_services


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with everything after the form left to a worker.

    The request defers one job with the address typed, whether or not an account has it: the
    worker finds the accounts and makes each link. So the request does exactly the same work for
    a known address as for an unknown one (no timing or status to tell them apart), answers the
    same redirect, and never waits on the mail server.
    """

    def save(self, *args, **kwargs) -> None:
        jobs.defer(notification_services.PASSWORD_RESET_TASK, email=self.cleaned_data["email"])
