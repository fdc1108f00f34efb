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
# HTTPS only (issue 13 item 9): HSTS for a year on this host and its subdomains, and plain HTTP
# redirected. Behind a reverse proxy that ends TLS, the proxy must send X-Forwarded-Proto and
# DJANGO_SECURE_PROXY_SSL_HEADER=true tells Django to trust it (set it only behind such a proxy,
# which must overwrite the header a client sends). README "Production".
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", True)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Malware scan of uploads: production scans with clamd unless told otherwise (docs/adr/0013).
MOTCUA_MALWARE_SCANNER = env.str("MOTCUA_MALWARE_SCANNER", "clamd")

# Shared cache (docs/adr/0016): Redis unless MOTCUA_CACHE_URL says otherwise; a process-local
# cache here is reported by the check core.W001.
CACHES = {"default": cache_from_url(env.str("MOTCUA_CACHE_URL", "redis://127.0.0.1:6379/1"))}
