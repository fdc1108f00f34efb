from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import BaseModel


class SigningCredential(BaseModel):
    """Where a person's (or an agency seal's) signing key is: a PKCS#12 file or a PKCS#11
    token. Secrets are never stored here: `secret_env` names the environment variable that
    holds the passphrase or PIN; demo credentials read the demo PKI's passphrase file."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    agency = models.OneToOneField(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("agency"),
    )
    kind = models.CharField(
        max_length=8, choices=[("pkcs12", "PKCS#12"), ("pkcs11", "PKCS#11")], verbose_name=_("kind")
    )
    pkcs12_path = models.CharField(max_length=500, blank=True, verbose_name=_("PKCS#12 file"))
    pkcs11_module = models.CharField(max_length=500, blank=True, verbose_name=_("PKCS#11 module"))
    token_label = models.CharField(max_length=100, blank=True, verbose_name=_("token label"))
    key_label = models.CharField(max_length=100, blank=True, verbose_name=_("key label"))
    secret_env = models.CharField(
        _("environment variable with the passphrase or PIN"), max_length=100, blank=True
    )
    demo = models.BooleanField(default=False, verbose_name=_("demo credential"))

    class Meta:
        verbose_name = _("signing credential")
        verbose_name_plural = _("signing credentials")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(agency__isnull=True))
                | (Q(user__isnull=True) & Q(agency__isnull=False)),
                name="credential_owner_one",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id or ''}{self.agency_id or ''}"
