"""The embedded default: SQLite, eager jobs, demo data allowed."""

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
