"""Signing credentials: register them, and turn them into a SignerConfig when signing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.errors import ValidationFailed
from motcua.documents.models import SigningCredential
from motcua.documents.signing import SignerConfig


def _demo_passphrase() -> str:
    explicit = getattr(settings, "MOTCUA_DEMO_PKI_PASSPHRASE", "")
    if explicit:
        return str(explicit)
    path = Path(getattr(settings, "MOTCUA_DEMO_PKI_DIR", "var/pki")) / "passphrase.txt"
    return path.read_text().strip() if path.exists() else ""


@transaction.atomic
def credential_set_pkcs12(
    *,
    user: Any = None,
    agency: Any = None,
    path: str,
    secret_env: str = "",
    demo: bool = False,
    actor: Any = None,
) -> SigningCredential:
    """Register (or replace) the PKCS#12 file of a person or of an agency's seal."""
    if (user is None) == (agency is None):
        raise ValidationFailed(_("A credential belongs to a person or to an agency."))
    lookup = {"user": user} if user is not None else {"agency": agency}
    credential, _created = SigningCredential.objects.update_or_create(
        **lookup,
        defaults={
            "kind": "pkcs12",
            "pkcs12_path": str(path),
            "secret_env": secret_env,
            "demo": demo,
        },
    )
    audit_record(actor=actor, action="signing_credential.set", obj=credential)
    return credential


def _secret(credential: SigningCredential) -> str:
    if credential.secret_env:
        value = os.environ.get(credential.secret_env)
        if value is None:
            raise ValidationFailed(
                _("The signing secret is not configured (environment variable %(name)s).")
                % {"name": credential.secret_env},
                code="secret_missing",
            )
        return value
    if credential.demo:
        return _demo_passphrase()
    raise ValidationFailed(_("The signing secret is not configured."), code="secret_missing")


def signer_config_for(*, user: Any = None, agency: Any = None) -> SignerConfig | None:
    """The SignerConfig of a person or of an agency seal, or None when none is registered."""
    lookup = {"user": user} if user is not None else {"agency": agency}
    credential = SigningCredential.objects.filter(**lookup).first()
    if credential is None:
        return None
    if credential.kind == "pkcs12":
        return SignerConfig.pkcs12(path=credential.pkcs12_path, passphrase=_secret(credential))
    return SignerConfig.pkcs11(
        module_path=credential.pkcs11_module,
        token_label=credential.token_label,
        key_label=credential.key_label,
        user_pin=_secret(credential),
    )


def credential_exists(*, user: Any = None, agency: Any = None) -> bool:
    """Whether a signing key is registered for this person or this agency's seal (without
    reading any secret): a result they approve must then be signed before it is returned."""
    if user is None and agency is None:
        return False
    lookup = {"user": user} if user is not None else {"agency": agency}
    return SigningCredential.objects.filter(**lookup).exists()
