from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "ourplan.governance"
    label = "governance"
    verbose_name = "Agreement, sign-off and appeals"
    default_auto_field = "django.db.models.BigAutoField"
