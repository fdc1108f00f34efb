"""Production: everything from the environment; demo data refused."""

from config.caches import cache_from_url
from config.env import env
from config.settings.base import *  # noqa: F403

MOTCUA_ENVIRONMENT = "production"
MOTCUA_ALLOW_DEMO_DATA = False
DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # required
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", 0)

# Malware scan of uploads: production scans with clamd unless told otherwise (docs/adr/0013).
MOTCUA_MALWARE_SCANNER = env.str("MOTCUA_MALWARE_SCANNER", "clamd")

# Shared cache (docs/adr/0016): Redis unless MOTCUA_CACHE_URL says otherwise; a process-local
# cache here is reported by the check core.W001.
CACHES = {"default": cache_from_url(env.str("MOTCUA_CACHE_URL", "redis://127.0.0.1:6379/1"))}
