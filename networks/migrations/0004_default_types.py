from django.db import migrations

ACTIVITY_TYPES = [
    ("factory_visit", "factory visit"), ("group_workshop", "group workshop"),
    ("group_travel", "group travel"), ("trade_fair", "trade fair"),
    ("training", "training course"), ("diagnosis_session", "group diagnosis session"),
    ("agency_meeting", "meeting with a support agency"), ("other", "other"),
]
JOINT_ACTION_TYPES = [
    ("shared_order", "shared order"), ("joint_purchasing", "joint purchasing"),
    ("shared_equipment", "shared equipment"), ("lab_tests", "common laboratory tests"),
    ("certification", "quality certification"), ("joint_training", "joint training"),
    ("trade_fair", "trade fair"), ("group_export", "group shipping or export"),
    ("joint_marketing", "joint marketing or brand"), ("other", "other"),
]


def add_defaults(apps, schema_editor):
    Programme = apps.get_model("networks", "Programme")
    for model_name, defaults in (("ActivityType", ACTIVITY_TYPES), ("JointActionType", JOINT_ACTION_TYPES)):
        model = apps.get_model("networks", model_name)
        for programme in Programme.objects.all():
            for position, (slug, name) in enumerate(defaults):
                model.objects.get_or_create(
                    programme=programme, slug=slug, defaults={"name": name, "position": position}
                )


class Migration(migrations.Migration):
    dependencies = [("networks", "0003_consolidation")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
