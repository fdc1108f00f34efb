from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _published_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A published feedback was written: the procedure page (kept whole for anonymous visitors
    with its blocks, ADR 0042) lists published answers, so the catalog's pages start a new
    generation. Saves of feedback not published change nothing public."""
    from motcua.pakn.data import Status

    if instance.status == Status.PUBLISHED:
        from motcua.catalog.api import catalog_changed

        catalog_changed()


class PaknConfig(AppConfig):
    name = "motcua.pakn"
    label = "pakn"
    verbose_name = _("Feedback and recommendations")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.core.chain import ChainSource, chain_source_add
        from motcua.pakn.models import Feedback, FeedbackEvent

        # The feedback timelines' streams, for verify_audit and the daily anchor (ADR 0035).
        chain_source_add(ChainSource.streams(FeedbackEvent, name="pakn"))
        post_save.connect(_published_changed, sender=Feedback, dispatch_uid="pakn-published")
        post_delete.connect(_published_changed, sender=Feedback, dispatch_uid="pakn-published-d")
