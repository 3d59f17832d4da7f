"""Issue 18's data for the programmes that exist already; each step is idempotent.

- The seed's two joint-action types, "sharing credits" and "awareness workshops", before
  "other" (new programmes get them from JointActionType.DEFAULT_LABELS).
- The automatic suggestions of the default criteria 6, 7 and 9 where none was chosen.
- Extensions granted before extensions carried a rate keep what they were paying: the last
  year's rate of the programme's schedule.
"""

from django.db import migrations

NEW_TYPES = [
    ("sharing_credits", "sharing credits (joint finance or credit guarantees)"),
    ("awareness_workshops", "awareness workshops"),
]
SUGGESTIONS = ("product_development", "process_development", "joint_finance")


def forwards(apps, schema_editor):
    Programme = apps.get_model("networks", "Programme")
    JointActionType = apps.get_model("networks", "JointActionType")
    Criterion = apps.get_model("networks", "Criterion")
    TermChange = apps.get_model("networks", "TermChange")
    for programme in Programme.objects.all():
        types = JointActionType.objects.filter(programme=programme)
        missing = [(slug, name) for slug, name in NEW_TYPES if not types.filter(slug=slug).exists()]
        if missing:
            other = types.filter(slug="other").first()
            last = max(types.values_list("position", flat=True), default=-1)
            position = other.position if other else last + 1
            for offset, (slug, name) in enumerate(missing):
                JointActionType.objects.create(
                    programme=programme, slug=slug, name=name, position=position + offset
                )
            if other:
                other.position = position + len(missing)
                other.save(update_fields=["position"])
        for key in SUGGESTIONS:
            Criterion.objects.filter(programme=programme, key=key, suggestion="").update(
                suggestion=key
            )
        schedule = programme.agency_share_schedule or [0]
        TermChange.objects.filter(
            network__programme=programme, kind="extension", agency_percent__isnull=True
        ).update(agency_percent=schedule[-1])


class Migration(migrations.Migration):
    dependencies = [("networks", "0019_rules_overdue_checkins")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
