"""The PA employment rates for 2025-26 and 2026-27, as an administrator would first enter them.

Statutory figures: National Living Wage (21 and over), employer's Class 1 National Insurance and
its secondary threshold, 5.6 weeks' statutory holiday, auto-enrolment qualifying earnings and
the 3% minimum employer's contribution. Training, payroll, insurance and emergency cover are the
ICB's local allowances and are changed on the rates page."""

from decimal import Decimal as D

from django.db import migrations

LOCAL = {"emergency_cover_rate": D("5.00"), "training_per_pa": D("250.00"),
         "payroll_per_pa": D("180.00"), "insurance_per_employer": D("150.00")}
STATUTORY = {"holiday_weeks": D("5.60"), "employer_ni_rate": D("15.00"),
             "ni_secondary_threshold": D("5000.00"), "pension_rate": D("3.00"),
             "pension_lower_limit": D("6240.00"), "pension_upper_limit": D("50270.00")}
YEARS = [
    ("2025-26", "2025-04-06", D("12.21")),
    ("2026-27", "2026-04-06", D("12.71")),
]


def add_rates(apps, schema_editor):
    PARates = apps.get_model("budgets", "PARates")
    for tax_year, starts_on, wage in YEARS:
        PARates.objects.get_or_create(
            tax_year=tax_year,
            defaults={"starts_on": starts_on, "national_living_wage": wage, **STATUTORY,
                      **LOCAL},
        )


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]
    operations = [migrations.RunPython(add_rates, migrations.RunPython.noop)]
