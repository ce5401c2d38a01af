from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "ourplan.people"
    label = "people"
    verbose_name = "People, their circle and care team"
