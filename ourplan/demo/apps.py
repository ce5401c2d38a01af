from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ourplan.demo"
    label = "demo"
    verbose_name = "Demo data and personas"
