from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    label = "catalog"
    verbose_name = _("Procedure catalog")

    def ready(self) -> None:
        # The public catalog's read cache is invalidated by model signals (cache.py, ADR 0042).
        from motcua.catalog.cache import connect_signals

        connect_signals()
