from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ourplan.accounts"
    label = "accounts"
    verbose_name = "Accounts: organisations, teams, staff and roles"
