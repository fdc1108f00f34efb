from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    label = "reports"

    def ready(self) -> None:
        # The fact table changes in the same transaction as every dossier transition and
        # creation (ADR 0025's hook point; ADR 0027), every confirmed payment, every signed
        # result and every rating (the service figures, ADR 0029).
        from motcua.dossiers.api import result_signed_hook_add, transition_hook_add
        from motcua.feedback.api import rating_hook_add
        from motcua.payments.api import payment_paid_hook_add
        from motcua.reports.services import (
            facts_record_payment,
            facts_record_rating,
            facts_record_signed_result,
            facts_record_transition,
        )

        transition_hook_add(facts_record_transition)
        payment_paid_hook_add(facts_record_payment)
        result_signed_hook_add(facts_record_signed_result)
        rating_hook_add(facts_record_rating)
