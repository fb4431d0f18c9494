"""Claim dossiers move to the documents package: the table stays, only Django's state moves."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("incident_app", "0010_evidence_withdrawn_by_label"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="claimdossier", name="dossier_version"),
                migrations.DeleteModel(name="ClaimDossier"),
            ],
            database_operations=[],
        ),
    ]
