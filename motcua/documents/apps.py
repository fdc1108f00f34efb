from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = pgettext_lazy("files", "Documents")

    def ready(self) -> None:
        # Holders of a signing credential must sign in with two factors (ADR 0034).
        from motcua.accounts.api import two_factor_requirement_register

        two_factor_requirement_register(_holds_signing_credential)


def _holds_signing_credential(user: object) -> bool:
    from motcua.documents.api import credential_exists

    return credential_exists(user=user)
