from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "ourplan.panels"
    label = "panels"
    verbose_name = "Risk enablement panels"
    default_auto_field = "django.db.models.BigAutoField"
