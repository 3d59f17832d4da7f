"""Agency admins are not the platform's operators: the demo made them superusers and staff,
which opened the (unscoped) Django admin to them. Clear both flags for every agency admin;
operators are the superusers with no agency role."""

from django.db import migrations
from django.db.models import Q


def clear_flags(apps, schema_editor):
    User = apps.get_model("networks", "User")
    User.objects.filter(role="agency_admin").filter(Q(is_superuser=True) | Q(is_staff=True)).update(
        is_superuser=False, is_staff=False
    )


class Migration(migrations.Migration):
    dependencies = [("networks", "0020_rules_defaults_data")]

    operations = [migrations.RunPython(clear_flags, migrations.RunPython.noop)]
