from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ourplan.portal"
    label = "portal"
    verbose_name = "The person's own plan"
    default_auto_field = "django.db.models.BigAutoField"
