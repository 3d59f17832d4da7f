"""Forms of a user's own account."""

from django.contrib.auth.forms import PasswordResetForm

from networks.services import jobs
from networks.services import notifications as notification_services


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the e-mail left to a worker.

    Django calls send_mail once per active account with the address; here that only defers a
    job with the user's id (the worker makes the link and its token). So the request does the
    same small work for a known address as for an unknown one, answers the same redirect as
    quickly, and never waits on the mail server.
    """

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        jobs.defer(notification_services.PASSWORD_RESET_TASK, user_id=context["user"].pk)
