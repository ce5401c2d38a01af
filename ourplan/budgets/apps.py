from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "ourplan.budgets"
    label = "budgets"
    verbose_name = "Personal health budgets"
    default_auto_field = "django.db.models.BigAutoField"
