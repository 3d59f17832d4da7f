"""Model signals: the one place that sees every save of a user, wherever it comes from (pages,
the API, the admin, services, management commands)."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from networks.services.accounts import credentials_revoke


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="networks.revoke_credentials")
def revoke_credentials_on_new_password_or_deactivation(sender, instance, created, **kwargs):
    # `_password` holds the raw password between set_password() and the end of save(): Django's
    # own sign of a new password (a hash upgraded at login leaves it None). An unusable password
    # or an inactive account may hold no credentials at all.
    if created:
        return
    new_password = instance._password is not None or not instance.has_usable_password()
    if new_password or not instance.is_active:
        # keep_token_id: set by services.accounts.password_change for the calling token.
        credentials_revoke(user=instance, keep_token_id=getattr(instance, "keep_token_id", None))
