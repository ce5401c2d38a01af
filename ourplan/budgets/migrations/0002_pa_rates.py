"""The PA employment rates for 2025-26 and 2026-27 (ourplan/budgets/rates.py)."""

from django.db import migrations

from ourplan.budgets.rates import ensure_starting_rates


def add_rates(apps, schema_editor):
    ensure_starting_rates(apps.get_model("budgets", "PARates"))


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]
    operations = [migrations.RunPython(add_rates, migrations.RunPython.noop)]
