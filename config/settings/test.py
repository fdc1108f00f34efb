"""Settings for the test suite (SQLite by default, PostgreSQL when DATABASE_URL is set)."""

import secrets

from config.caches import cache_from_url
from config.env import env
from config.settings.base import *  # noqa: F403

MOTCUA_ENVIRONMENT = "test"
SECRET_KEY = secrets.token_urlsafe(50)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
MOTCUA_SMS_BACKEND = "locmem"
# Malware scan: off unless a test points it at its own clamd (integrations/tests/conftest.py).
MOTCUA_MALWARE_SCANNER = "none"

# --- Payments: the sandbox gateway, with a merchant secret derived from SECRET_KEY (no literal
# secret; set MOTCUA_PAYMENT_HASH_SECRET to use a vendor's sandbox instead) ---
MOTCUA_PAYMENT_SANDBOX = env.bool("MOTCUA_PAYMENT_SANDBOX", True)
MOTCUA_PAYMENT_TMN_CODE = env.str("MOTCUA_PAYMENT_TMN_CODE", "") or "MOTCUA01"
MOTCUA_PAYMENT_HASH_SECRET = (
    env.str("MOTCUA_PAYMENT_HASH_SECRET", "")
    or __import__("hashlib").sha256(("motcua-payment-sandbox:" + SECRET_KEY).encode()).hexdigest()
)
# --- end payments ---
MOTCUA_REFERENCE_RECHECK_SECONDS = 0.0
# Tests stay hermetic: a cache per process whatever MOTCUA_CACHE_URL says (docs/adr/0016).
CACHES = {"default": cache_from_url("")}
# Two-factor sign-in (ADR 0034): not forced in the test suite, whose many tests sign officers
# in with force_login; anyone with an authenticator is still asked for a code, and the tests of
# two-factor sign-in turn the requirement on (accounts/tests/test_two_factor*.py). The default
# (base.py, production) is on.
MOTCUA_TWO_FACTOR_REQUIRED = False
