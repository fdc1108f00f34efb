"""The API intake's Idempotency-Key on the dossier (docs/adr/0044).

Zero-downtime (tests/test_migration_rules.py): the column has a database default (the old
release inserts rows without it), and the partial unique index is built CONCURRENTLY on
PostgreSQL (writes to the dossiers go on meanwhile), hence a non-atomic migration; the model
state records it as the UniqueConstraint it is."""

from django.conf import settings
from django.db import migrations, models

INDEX = "dossier_intake_key_once"
TABLE = "dossiers_dossier"


def create_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f'CREATE UNIQUE INDEX {concurrently}IF NOT EXISTS "{INDEX}" ON "{TABLE}" '
        '("created_by_id", "intake_key") WHERE NOT ("intake_key" = \'\')'
    )


def drop_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f'DROP INDEX {concurrently}IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0005_feedback_officer_role"),
        ("catalog", "0006_procedure_retention_years"),
        ("dossiers", "0009_audit_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="intake_key",
            field=models.CharField(
                blank=True,
                default="",
                db_default="",
                editable=False,
                max_length=100,
                verbose_name="idempotency key",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name="dossier",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("intake_key", ""), _negated=True),
                        fields=("created_by", "intake_key"),
                        name=INDEX,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(create_index, drop_index)],
        ),
    ]
