from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.dossiers.signals import dossier_event_recorded
        from motcua.notifications.receivers import on_dossier_event

        dossier_event_recorded.connect(
            on_dossier_event, dispatch_uid="notifications.on_dossier_event"
        )
