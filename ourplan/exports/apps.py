from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "ourplan.exports"
    label = "exports"
    verbose_name = "Exports: the plan as HTML, PDF, large print and JSON"
