"""What several models share: rows that are written once and never changed, and the audit
history (django-simple-history) kept where it was before the models became a package."""

from django.db import models
from simple_history import models as simple_history


class HistoricalRecords(simple_history.HistoricalRecords):
    """simple-history puts each historical model (HistoricalNetwork...) in its model's module,
    and names the app as its module when that is not `<app>.models`. Keep them in
    `networks.models`, as before the split: `manage.py shell` imports them from there, and a
    pickled historical row names that module."""

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        self.module = "networks.models"


class UserHistoricalRecords(HistoricalRecords):
    """A user's history: who they are, their role, agency, firm and whether they may log in,
    never their password hash. A save that changes only untracked fields (the last login, a new
    password) writes no row: a login is not a change to the account."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)


class ImmutableRowError(Exception):
    pass


class ImmutableModel(models.Model):
    """A history row: written once, never changed or deleted through the app."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableRowError(f"{type(self).__name__} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError(f"{type(self).__name__} rows cannot be deleted.")
