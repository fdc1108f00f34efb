"""The embedded default: SQLite, eager jobs, demo data allowed."""

from config.caches import cache_from_url
from config.env import env
from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

MOTCUA_ENVIRONMENT = "local"
DEBUG = env.bool("DJANGO_DEBUG", False)
# A development-only key, written once into var/ so no secret literal lives in the code.
_key_file = VAR_DIR / "secret_key"
if not env.str("DJANGO_SECRET_KEY", ""):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()

# The embedded demo signs results with the demo PKI (never in production).
USE_DEMO_PKI = env.bool("USE_DEMO_PKI", True)

# The demo writes SMS and e-mail to files under var/ so they can be read.
MOTCUA_SMS_BACKEND = "file"
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Payments: the sandbox gateway, with a merchant secret derived from SECRET_KEY (no literal
# secret; set MOTCUA_PAYMENT_HASH_SECRET to use a vendor's sandbox instead) ---
MOTCUA_PAYMENT_SANDBOX = env.bool("MOTCUA_PAYMENT_SANDBOX", True)
MOTCUA_PAYMENT_TMN_CODE = env.str("MOTCUA_PAYMENT_TMN_CODE", "") or "MOTCUA01"
MOTCUA_PAYMENT_HASH_SECRET = (
    env.str("MOTCUA_PAYMENT_HASH_SECRET", "")
    or __import__("hashlib").sha256(("motcua-payment-sandbox:" + SECRET_KEY).encode()).hexdigest()
)
# --- end payments ---

# Shared cache (docs/adr/0016): a file cache under var/cache, so the gunicorn workers of
# `make run` count rate limits together without a Redis server; MOTCUA_CACHE_URL overrides.
CACHES = {
    "default": cache_from_url(env.str("MOTCUA_CACHE_URL", (VAR_DIR / "cache").resolve().as_uri()))
}
