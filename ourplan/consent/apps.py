from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "ourplan.consent"
    label = "consent"
    verbose_name = "Consent to share"
    default_auto_field = "django.db.models.BigAutoField"
