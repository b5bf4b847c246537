from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal.security import staff_sessions

        # SES-1: the absolute lifetime counts from the moment of sign-in, not the next page.
        user_logged_in.connect(staff_sessions.start, dispatch_uid="staff-session-start")
