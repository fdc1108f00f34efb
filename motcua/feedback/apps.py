from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = _("Feedback and satisfaction")
    default_auto_field = "django.db.models.BigAutoField"
