from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ourplan.notifications"
    label = "notifications"
    verbose_name = "Messages and reminders"
    default_auto_field = "django.db.models.BigAutoField"
