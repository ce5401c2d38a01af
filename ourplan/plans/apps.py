from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "ourplan.plans"
    label = "plans"
    verbose_name = "Personalised care and support plans"
