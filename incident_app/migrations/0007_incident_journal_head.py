from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incident_app", "0006_dossier_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="journal_head_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="incident",
            name="journal_head_seq",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
