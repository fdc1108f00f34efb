from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    label = "reports"

    def ready(self) -> None:
        # The fact tables change in the same transaction as every dossier transition and
        # creation (ADR 0025's hook point; ADR 0027).
        from motcua.dossiers.api import transition_hook_add
        from motcua.reports.services import facts_record_transition

        transition_hook_add(facts_record_transition)
