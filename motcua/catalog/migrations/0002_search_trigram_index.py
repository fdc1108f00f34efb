"""PostgreSQL only: a trigram GIN index so `search_text LIKE '%word%'` uses an index.

`search_text` is folded in Python (accents removed, đ → d, lower case), identically on every
engine (docs/adr/0006-accent-insensitive-search.md). On SQLite the operation does nothing."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS catalog_version_search_trgm "
        "ON catalog_procedureversion USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS catalog_version_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
