from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ourplan.portal"
    label = "portal"
    verbose_name = "The person's own plan"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from ourplan.portal.middleware import session_clock_start

        # However someone signs in (password, code, NHS login), their session's clock starts
        # then, in the session Django is about to save anyway.
        user_logged_in.connect(session_clock_start, dispatch_uid="portal.session_clock_start")
