from django.db import migrations

CRITERIA = [
    ("regular_meetings", "Regular meetings with good attendance", "regular_meetings"),
    ("joint_commercial", "A joint commercial action", "joint_commercial"),
    ("joint_purchasing", "Joint purchasing", "joint_purchasing"),
    ("shared_equipment", "Shared equipment", "shared_equipment"),
    ("quality", "A joint quality or certification process", "quality"),
    ("product_development", "Product development", ""),
    ("process_development", "Process development", ""),
    ("hr_development", "Human resource development", "training"),
    ("joint_finance", "Joint finance or credit", ""),
    ("service_uptake", "More take-up of support services", "service_uptake"),
    ("dues_paid", "Firms paying their share of the manager", "dues_paid"),
    ("stable_membership", "Stable membership", "stable_membership"),
]


def add_criteria(apps, schema_editor):
    Programme = apps.get_model("networks", "Programme")
    Criterion = apps.get_model("networks", "Criterion")
    for programme in Programme.objects.all():
        for position, (key, title, suggestion) in enumerate(CRITERIA):
            Criterion.objects.get_or_create(
                programme=programme, key=key,
                defaults={"title": title, "position": position, "suggestion": suggestion},
            )


class Migration(migrations.Migration):
    dependencies = [("networks", "0006_evaluation")]
    operations = [migrations.RunPython(add_criteria, migrations.RunPython.noop)]
