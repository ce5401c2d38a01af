from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ourplan.core"
    label = "core"
    verbose_name = "Core: audit trail and shared building blocks"
