"""The income per working hour from 2024 (motcua/simplification/seed.py, ADR 0039)."""

from django.db import migrations

from motcua.simplification.seed import income_rate_seed


def seed(apps, schema_editor):
    income_rate_seed(apps.get_model("simplification", "IncomeRate"))


class Migration(migrations.Migration):
    dependencies = [("simplification", "0001_plans_and_income_rates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
