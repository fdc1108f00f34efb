"""Rehearsal of the production topology on one machine (deploy/prodctl, docs/adr/0048).

Everything of production.py (imported, not copied: other changes to production follow), with
what a loopback rehearsal needs and a province must never run: the demo province may be loaded
(accounts with a known password), the demo signing PKI, plain HTTP (no TLS on 127.0.0.1: no
HTTPS redirect, no HSTS, no Secure cookies) and no malware scanner unless one is configured.
The check core.E001 (motcua/core/checks.py) refuses these settings when ALLOWED_HOSTS names a
host that is not the loopback: a real installation uses config.settings.production behind TLS.
"""

from config.env import env
from config.settings.production import *  # noqa: F403

#: Read by the check core.E001: these settings are only for a rehearsal on the loopback.
MOTCUA_REHEARSAL = True
# The demo province (catalog, accounts desk/chuyenvien/… with the demo password) may be loaded.
MOTCUA_ALLOW_DEMO_DATA = True
USE_DEMO_PKI = env.bool("USE_DEMO_PKI", True)

# Plain HTTP on the loopback (nginx listens on 127.0.0.1 without TLS). Production needs TLS and
# keeps production.py's defaults (redirect, HSTS a year, Secure cookies).
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", False)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", False)

# No clamd on the rehearsal machine unless one is configured (production defaults to clamd).
MOTCUA_MALWARE_SCANNER = env.str("MOTCUA_MALWARE_SCANNER", "none")

# Nothing leaves the machine: SMS and e-mail are written to files under MOTCUA_VAR_DIR, where
# the fault rehearsal (deploy/faults.py) counts them.
MOTCUA_SMS_BACKEND = env.str("MOTCUA_SMS_BACKEND", "file")
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"  # noqa: F405

# deploy/faults.py may hold a job at a named place to kill its worker there
# (motcua/core/faultpoints.py; only when MOTCUA_FAULTPOINTS names one).
MOTCUA_ALLOW_FAULTPOINTS = True

# gunicorn runs no system checks: the app servers refuse these settings on a public host at
# import. core.E001 (`manage.py check`, `migrate`) also catches a module that imports this one
# and changes ALLOWED_HOSTS afterwards.
_public_hosts = [
    h for h in ALLOWED_HOSTS if h.lower() not in {"127.0.0.1", "localhost", "::1", "[::1]"}
]  # noqa: F405
if _public_hosts:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "config.settings.rehearsal (demo accounts, plain HTTP) only serves the loopback; "
        f"DJANGO_ALLOWED_HOSTS names {', '.join(_public_hosts)}. Use config.settings.production."
    )
