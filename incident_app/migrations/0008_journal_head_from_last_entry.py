"""The head of each existing journal is its last entry as it stands today."""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def set_journal_heads(apps, schema_editor):
    Incident = apps.get_model("incident_app", "Incident")
    JournalEntry = apps.get_model("incident_app", "JournalEntry")
    last = JournalEntry.objects.filter(incident=OuterRef("pk")).order_by("-seq")
    # One statement, whatever the number of incidents.
    Incident.objects.update(
        journal_head_seq=Coalesce(Subquery(last.values("seq")[:1]), Value(0)),
        journal_head_hash=Coalesce(Subquery(last.values("hash")[:1]), Value("")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("incident_app", "0007_incident_journal_head"),
    ]

    operations = [
        migrations.RunPython(set_journal_heads, migrations.RunPython.noop),
    ]
