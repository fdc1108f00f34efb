from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        # The dossiers' event chains, for verify_audit and the daily anchor (ADR 0035).
        from motcua.core.chain import ChainSource, chain_source_add
        from motcua.dossiers.chain import dossier_day_hashes, dossiers_backfill, dossiers_verify

        chain_source_add(
            ChainSource(
                name="dossiers",
                verify=dossiers_verify,
                day_hashes=dossier_day_hashes,
                backfill=lambda batch: dossiers_backfill(batch=batch),
            )
        )
