from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("System")  # the admin's heading above the audit trail

    def ready(self) -> None:
        from motcua.core import (
            checks,  # noqa: F401  (registers the system checks)
            signins,  # noqa: F401  (sign-ins and admin changes, audited)
        )
        from motcua.core.chain import ChainSource, chain_source_add
        from motcua.core.models import AuditEntry

        # The audit trail's streams, for verify_audit and the daily anchor (ADR 0035).
        chain_source_add(ChainSource.streams(AuditEntry, name="audit"))

        # Job failures counted for /metrics; Celery workers keep Django's LOGGING (ADR 0047).
        from celery.signals import setup_logging

        from motcua.core import metrics
        from motcua.core.logging import celery_logging_keep

        metrics.signals_connect()
        setup_logging.connect(celery_logging_keep, weak=False, dispatch_uid="motcua.logging")
