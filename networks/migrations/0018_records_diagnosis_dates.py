"""The single diagnosis each network had becomes the first of a dated series: the diagnosis at
application, dated by the latest submission of the application (as `application_submit` now
does) (else when the network was
created). No field of it changes; only its date is set (the column defaulted to today)."""

from django.db import migrations


def date_application_diagnoses(apps, schema_editor):
    Diagnosis = apps.get_model("networks", "Diagnosis")
    ApplicationEvent = apps.get_model("networks", "ApplicationEvent")
    submitted = {}
    for network_id, at in (
        ApplicationEvent.objects.filter(action="submitted")
        .order_by("at")
        .values_list("application__network_id", "at")
    ):
        submitted[network_id] = at.date()
    for diagnosis in Diagnosis.objects.select_related("network").iterator():
        day = submitted.get(diagnosis.network_id, diagnosis.network.created_on)
        if diagnosis.diagnosed_on != day:
            Diagnosis.objects.filter(pk=diagnosis.pk).update(diagnosed_on=day)


class Migration(migrations.Migration):
    dependencies = [("networks", "0017_records_models")]

    operations = [migrations.RunPython(date_application_diagnoses, migrations.RunPython.noop)]
