from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _public_changed(sender: Any, **kwargs: Any) -> None:
    """A FAQ or a question changed: the procedure page (kept whole for anonymous visitors with
    its blocks, ADR 0042) shows them, so the catalog's pages start a new generation."""
    from motcua.catalog.api import catalog_changed

    catalog_changed()


class QaConfig(AppConfig):
    name = "motcua.qa"
    label = "qa"
    verbose_name = _("Questions and answers")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.qa.models import Faq, Question

        for model in (Faq, Question):
            post_save.connect(_public_changed, sender=model, dispatch_uid=f"qa-public-{model}")
            post_delete.connect(_public_changed, sender=model, dispatch_uid=f"qa-public-d-{model}")
