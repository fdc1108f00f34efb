"""Base settings, driven by the environment. Every other settings module imports this one."""

from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from config.env import env

# Lets admin classes and querysets be subscripted at run time (ModelAdmin[Model]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.str("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env.str("DJANGO_SECRET_KEY", "")
DEBUG = env.bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Environment name: "local" (embedded demo), "test", "production".
MOTCUA_ENVIRONMENT = "base"
# Whether `loaddemo` may run. Production sets this to False and the command refuses.
MOTCUA_ALLOW_DEMO_DATA = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # The API's documentation page (/api/v1/docs) then serves Swagger UI from our static files
    # with no inline script, not from a CDN (docs/adr/0037).
    "ninja",
    "motcua.core",
    "motcua.integrations",
    "motcua.accounts",
    "motcua.calendar",
    "motcua.catalog",
    "motcua.documents",
    "motcua.dossiers",
    "motcua.payments",
    "motcua.notifications",
    "motcua.feedback",
    "motcua.pakn",
    "motcua.surveys",
    "motcua.qa",
    "motcua.reports",
    "motcua.simplification",
    "motcua.privacy",
    "motcua.portal",
    "motcua.desk",
    "motcua.rest",
    "motcua.demo",
]

MIDDLEWARE = [
    # Outermost: the request's latency for /metrics, everything below included; then the
    # request id (X-Request-ID) that every log line of the request carries (docs/adr/0047).
    "motcua.core.metrics.MetricsMiddleware",
    "motcua.core.logging.RequestIdMiddleware",
    # Behind a reverse proxy listed in MOTCUA_TRUSTED_PROXIES, REMOTE_ADDR becomes the client's
    # address before anything keyed by it (throttles, rate limits) reads it (motcua/core/proxies.py).
    "motcua.core.proxies.TrustedProxyMiddleware",
    # Content-Security-Policy on every response, the error answers of the next one
    # included; it only adds a header and raises nothing (docs/adr/0037).
    "motcua.core.csp.ContentSecurityPolicyMiddleware",
    # First of the rest: 503 for a database too busy, JSON for every /api/ error (ADR 0021).
    "motcua.core.http_errors.ErrorResponsesMiddleware",
    # Replica reads (docs/adr/0044): the request's method and user for read_alias(), the pin
    # after a write, a safe request served again on the primary when the replica drops.
    "motcua.core.replica.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    # Control characters and over-long query values never reach a view (docs/adr/0033).
    "motcua.core.hostile.HostileInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Two-factor sign-in: a session owing a code or an authenticator reaches nothing else.
    "motcua.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "motcua" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.portal.context.site",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", _default_sqlite),
        conn_max_age=env.int("DB_CONN_MAX_AGE", 60),
        # A persistent connection broken by a server restart is replaced at the start of the
        # next request instead of failing it (docs/adr/0044).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # Seconds a writer waits for the write lock; then "database is locked", answered 503
        # with Retry-After (docs/adr/0021).
        "timeout": env.float("MOTCUA_SQLITE_BUSY_TIMEOUT", 20.0),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# A database too busy to take a write in time (SQLite's lock, PostgreSQL's lock_timeout,
# serialization failures, deadlocks) is answered 503 with this Retry-After (docs/adr/0021).
MOTCUA_BUSY_RETRY_AFTER_SECONDS = env.int("MOTCUA_BUSY_RETRY_AFTER_SECONDS", 5)
# PostgreSQL: psycopg prepares a statement on the server once it has run this many times on a
# connection. Django's own cursor binds values on the client and never prepares, so this only
# concerns the precompiled statements of the intake path (core/fastinsert.py, docs/adr/0015).
# DB_PREPARE_THRESHOLD empty: never prepare (a pooler in transaction mode that does not keep
# prepared statements, e.g. PgBouncer before 1.21 or with max_prepared_statements = 0).
_prepare_threshold = env.str("DB_PREPARE_THRESHOLD", "5").strip()
# A read-only streaming replica (docs/adr/0044): empty, no replica — every read on the primary,
# as before. Set, the lists and reports that may lag (motcua/core/replica.py) read from it,
# fall back to the primary when it cannot be reached, and the router (config/routers.py)
# keeps every write and migration on the primary. TEST MIRROR: the test runner creates no
# database on it (a hot standby refuses CREATE DATABASE); in tests it is the default's.
_replica_url = env.str("DATABASE_REPLICA_URL", "").strip()
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=env.int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _options = _database.setdefault("OPTIONS", {})
        _options["prepare_threshold"] = int(_prepare_threshold) if _prepare_threshold else None
        # A server that is down or unreachable fails the connection within this many seconds
        # (answered 503 database_unavailable, docs/adr/0044) instead of hanging the request.
        _options.setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", 3))
        # A server gone silent (host down, network cut) is noticed on an open connection.
        _options.setdefault("keepalives", 1)
        _options.setdefault("keepalives_idle", env.int("DB_KEEPALIVES_IDLE", 30))
        _options.setdefault("keepalives_interval", 10)
        _options.setdefault("keepalives_count", 3)
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
# Read-your-writes (docs/adr/0044): a signed-in user who wrote (any POST, PUT, PATCH or
# DELETE) reads everything from the primary for this many seconds — longer than the
# replica's lag under normal load.
MOTCUA_REPLICA_PIN_SECONDS = env.int("MOTCUA_REPLICA_PIN_SECONDS", 15)
# A replica that failed to connect (or lags more than MAX_LAG seconds) is left alone for this
# many seconds: its reads go to the primary meanwhile.
MOTCUA_REPLICA_RETRY_SECONDS = env.int("MOTCUA_REPLICA_RETRY_SECONDS", 5)
MOTCUA_REPLICA_MAX_LAG_SECONDS = env.float("MOTCUA_REPLICA_MAX_LAG_SECONDS", 30.0)
# A database that cannot be reached is answered 503 with this Retry-After (docs/adr/0044).
MOTCUA_DB_UNAVAILABLE_RETRY_AFTER_SECONDS = env.int("MOTCUA_DB_UNAVAILABLE_RETRY_AFTER_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English msgids, Vietnamese by default.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["motcua.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "motcua" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MOTCUA_MEDIA_ROOT", str(VAR_DIR / "media")))
# Files (scans, forms, results). Filesystem by default; in production an S3-compatible store:
# DJANGO_STORAGE_BACKEND=storages.backends.s3.S3Storage with django-storages[s3] installed and
# DJANGO_STORAGE_OPTIONS='{"bucket_name": "...", "endpoint_url": "..."}' (keys from the env:
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). An S3 store gets the safe defaults below unless
# the options say otherwise (docs/adr/0046): private objects, no public or signed URLs handed
# out (documents are streamed by the app's checked views), never an overwrite (two dossiers'
# identical files stay two objects, so deleting one never loses the other), and short
# timeouts with few retries so a dead store answers 503 in seconds instead of hanging a worker.
MOTCUA_S3_CONNECT_TIMEOUT = env.float("MOTCUA_S3_CONNECT_TIMEOUT", 2.0)
MOTCUA_S3_READ_TIMEOUT = env.float("MOTCUA_S3_READ_TIMEOUT", 10.0)
MOTCUA_S3_MAX_ATTEMPTS = env.int("MOTCUA_S3_MAX_ATTEMPTS", 2)
#: Retry-After (seconds) of the 503 answered while the object store is unreachable.
MOTCUA_STORAGE_RETRY_AFTER_SECONDS = env.int("MOTCUA_STORAGE_RETRY_AFTER_SECONDS", 30)


def _storage_options(backend: str, options: Any) -> dict[str, Any]:
    """The options of a storage, with the S3 defaults of docs/adr/0046 for an S3 backend."""
    if not isinstance(options, dict):
        raise ValueError(f"the options of {backend} must be a JSON object, not {options!r}")
    if not backend.endswith("S3Storage"):
        return options
    from botocore.config import Config

    return {
        "default_acl": "private",
        "querystring_auth": True,  # a URL, if anything asked for one, is signed and expires
        "querystring_expire": 300,
        "file_overwrite": False,
        "custom_domain": None,
        "client_config": Config(
            connect_timeout=MOTCUA_S3_CONNECT_TIMEOUT,
            read_timeout=MOTCUA_S3_READ_TIMEOUT,
            retries={"max_attempts": MOTCUA_S3_MAX_ATTEMPTS, "mode": "standard"},
            s3={"addressing_style": "path"},
            signature_version="s3v4",
        ),
        **options,
    }


_STORAGE_BACKEND = env.str("DJANGO_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
_EXPORTS_BACKEND = env.str(
    "DJANGO_EXPORTS_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
STORAGES = {
    "default": {
        "BACKEND": _STORAGE_BACKEND,
        "OPTIONS": _storage_options(_STORAGE_BACKEND, env.json("DJANGO_STORAGE_OPTIONS", {})),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Report exports (reports/export_jobs.py): private, outside MEDIA_ROOT, never served by URL
    # (downloaded through the desk's checked view); an S3-compatible store in production by
    # DJANGO_EXPORTS_STORAGE_BACKEND / DJANGO_EXPORTS_STORAGE_OPTIONS (a private bucket).
    "exports": {
        "BACKEND": _EXPORTS_BACKEND,
        "OPTIONS": _storage_options(
            _EXPORTS_BACKEND,
            env.json(
                "DJANGO_EXPORTS_STORAGE_OPTIONS",
                {"location": str(VAR_DIR / "exports"), "base_url": None},
            ),
        ),
    },
}
# Report exports (docs/adr/0031): a PDF of more rows than this (an Excel file of 20 times as
# many) is made by a background job; files and jobs are deleted after KEEP_DAYS days.
MOTCUA_REPORT_EXPORT_INLINE_ROWS = env.int("MOTCUA_REPORT_EXPORT_INLINE_ROWS", 60)
MOTCUA_REPORT_EXPORT_KEEP_DAYS = env.int("MOTCUA_REPORT_EXPORT_KEEP_DAYS", 7)
# Upload limits (docs/adr/0037), checked by the dossier services: bytes a user who uploads as
# an applicant (portal, "my dossiers") may hold in unsubmitted drafts plus what they uploaded
# in the last 24 hours; files per dossier (a draft, a desk intake, the files of a dossier that
# the applicant or the desk added — results and generated forms are not counted).
MOTCUA_UPLOAD_QUOTA_BYTES_PER_USER = env.int(
    "MOTCUA_UPLOAD_QUOTA_BYTES_PER_USER", 200 * 1024 * 1024
)
MOTCUA_MAX_FILES_PER_DOSSIER = env.int("MOTCUA_MAX_FILES_PER_DOSSIER", 50)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Background jobs (Celery). Without a broker the embedded default runs jobs eagerly.
# With one (docs/adr/0045): jobs go through the outbox table (core.jobs), are acknowledged
# only once done, and a worker that dies leaves its jobs to be delivered again.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker process killed mid-job (SIGKILL, out of memory) puts the job back on its queue.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One job reserved per worker process: a slow job never holds others back, a dead worker
# holds at most its running jobs.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Seconds after which a job delivered to a worker that vanished (the whole worker killed) is
# delivered again. Longer than the longest job and than any retry countdown (core.jobs clamps
# countdowns to half of it). Celery's default is one hour; the rehearsal sets it low.
MOTCUA_CELERY_VISIBILITY_TIMEOUT = env.int("MOTCUA_CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": MOTCUA_CELERY_VISIBILITY_TIMEOUT,
    # Workers look for abandoned jobs every few seconds (kombu's default: every 100 s).
    "unacked_restore_interval": max(1, min(10, MOTCUA_CELERY_VISIBILITY_TIMEOUT // 6)),
    "unacked_restore_throttle": 1,
    # A broker that is down or hung never holds a web request for long (the outbox keeps
    # the job): 2 s to connect, 3 s per command (above the 1 s BRPOP of idle workers), one quick retry.
    "socket_connect_timeout": 2,
    "socket_timeout": 3,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No publish retry: against a hung Redis each retry costs another socket timeout (measured: 9 s
# with one retry, 3 s without); the outbox and its relay are the retry (docs/adr/0045).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Queues (core.jobs.QUEUES, routed by task name by core.jobs.queue_for).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = ("motcua.core.jobs.route_task",)
CELERY_WORKER_SEND_TASK_EVENTS = False
# Fault points (core/faultpoints.py): honoured only when True (config/settings/rehearsal.py).
MOTCUA_ALLOW_FAULTPOINTS = False
# Seconds a notification claimed by a job ("sending") is left to it: longer than the slowest
# e-mail or SMS call; after it the attempt counts as dead and the next sends again (ADR 0045).
MOTCUA_NOTIFICATION_SEND_LEASE_SECONDS = env.int("MOTCUA_NOTIFICATION_SEND_LEASE_SECONDS", 120)
# The SMTP connection's timeout (Django's default: none, a hung server holds the job for ever
# and outlives the lease above).
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", 30)

# Working-day calendar (see docs/adr/0004-working-day-calendar.md).
# Office sessions, "HH:MM-HH:MM" comma-separated. UNCONFIRMED: provinces set their own hours.
MOTCUA_OFFICE_SESSIONS = env.str("MOTCUA_OFFICE_SESSIONS", "07:30-11:30,13:30-17:30")
# Received after this time, the clock starts at the next working day's opening (domain.md §9.4).
MOTCUA_CUTOFF_TIME = env.str("MOTCUA_CUTOFF_TIME", "15:00")
# Weekdays that are not working days (Monday = 0).
MOTCUA_WEEKEND_DAYS = env.list("MOTCUA_WEEKEND_DAYS", [5, 6], subcast=int)
# Calendar-day deadlines ("ngày") falling on a non-working day move to the next working day.
# UNCONFIRMED for TTHC (domain.md §9.4): configurable.
MOTCUA_CALENDAR_DAYS_ROLL_FORWARD = env.bool("MOTCUA_CALENDAR_DAYS_ROLL_FORWARD", True)
# The years the calendar answers for (API: 400 outside them). Years not seeded get the
# statutory holidays of the `holidays` package, marked provisional until the government's
# yearly day-off decision is loaded (motcua/calendar/README.md).
MOTCUA_CALENDAR_MIN_YEAR = env.int("MOTCUA_CALENDAR_MIN_YEAR", 2000)
MOTCUA_CALENDAR_MAX_YEAR = env.int("MOTCUA_CALENDAR_MAX_YEAR", 2100)

# The province this installation serves (shown in page headers).
MOTCUA_PROVINCE_NAME = env.str("MOTCUA_PROVINCE_NAME", "Điện Biên")
# Its national code (vietnam-provinces), for the commune lists of address forms.
MOTCUA_PROVINCE_CODE = env.int("MOTCUA_PROVINCE_CODE", 11)

# Dossiers (domain.md §1.4; UNCONFIRMED values are settings).
# The apology (form 04) must be sent at least this many working days before the appointment
# ("01 ngày" in local texts; whether a working day is meant is UNCONFIRMED). 0 disables.
MOTCUA_APOLOGY_LEAD_WORKING_DAYS = env.int("MOTCUA_APOLOGY_LEAD_WORKING_DAYS", 1)
# Working days the applicant has to answer a supplement request (UNCONFIRMED, domain.md §14:
# 15 in the 09/06/2025 interconnection decree); shown to the applicant, nothing closes itself.
MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS = env.int("MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS", 15)
# Feedback and recommendations (motcua.pakn, ADR 0040; domain.md §4, §7): working days on the
# province calendar from the feedback's receipt. FORWARD (5) is Decree 20/2008 Art 9 [C];
# REFUSE (2), HANDLE (15) and PUBLISH (2, after the answer's approval) are the national portal's
# timeliness rules for indicator 5.2 of Decision 766, seen only in a secondary source:
# UNCONFIRMED. DUE_SOON: a step is "due soon" with at most this many working days left.
MOTCUA_PAKN_REFUSE_DAYS = env.int("MOTCUA_PAKN_REFUSE_DAYS", 2)
MOTCUA_PAKN_FORWARD_DAYS = env.int("MOTCUA_PAKN_FORWARD_DAYS", 5)
MOTCUA_PAKN_HANDLE_DAYS = env.int("MOTCUA_PAKN_HANDLE_DAYS", 15)
MOTCUA_PAKN_PUBLISH_DAYS = env.int("MOTCUA_PAKN_PUBLISH_DAYS", 2)
MOTCUA_PAKN_DUE_SOON_DAYS = env.int("MOTCUA_PAKN_DUE_SOON_DAYS", 2)
# Near due: at most this many working hours left, or this fraction of the total time.
MOTCUA_NEAR_DUE_WORKING_HOURS = env.float("MOTCUA_NEAR_DUE_WORKING_HOURS", 8)
MOTCUA_NEAR_DUE_FRACTION = env.float("MOTCUA_NEAR_DUE_FRACTION", 0.2)

# Documents and signatures (docs/adr/0009-signatures.md).
# The address citizens reach the portal at: printed in the receipt's QR code.
MOTCUA_PUBLIC_URL = env.str("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000")
USE_DEMO_PKI = env.bool("USE_DEMO_PKI", False)
MOTCUA_DEMO_PKI_DIR = Path(env.str("MOTCUA_DEMO_PKI_DIR", str(VAR_DIR / "pki")))
MOTCUA_DEMO_PKI_PASSPHRASE = env.str("MOTCUA_DEMO_PKI_PASSPHRASE", "")
# Trusted root certificates (PEM/DER files or directories), comma-separated. UNCONFIRMED which
# Vietnamese roots (NEAC, Ban Cơ yếu Chính phủ) a province trusts: configure them here.
MOTCUA_SIGNATURE_TRUST_ROOTS: list[str] = env.list("MOTCUA_SIGNATURE_TRUST_ROOTS", [])
USE_TSA = env.bool("USE_TSA", False)
MOTCUA_TSA_URL = env.str("MOTCUA_TSA_URL", "")
MOTCUA_TSA_TIMEOUT = env.float("MOTCUA_TSA_TIMEOUT", 10.0)
# The TSA of the audit chains' daily anchor (ADR 0035); empty: MOTCUA_TSA_URL when USE_TSA.
MOTCUA_AUDIT_TSA_URL = env.str("MOTCUA_AUDIT_TSA_URL", "")

# Bearer tokens for the REST API (hours until expiry).
MOTCUA_API_TOKEN_TTL_HOURS = env.int("MOTCUA_API_TOKEN_TTL_HOURS", 24 * 30)

# --- Logs and metrics (motcua/core/logging.py, motcua/core/metrics.py, docs/adr/0047) ----------
# Log lines: "json" (one JSON object per line: time, level, logger, message, request_id,
# user_id, exc) or "plain"; empty: JSON except in the local demo and the tests.
MOTCUA_LOG_FORMAT = env.str("MOTCUA_LOG_FORMAT", "")
# GET /metrics (Prometheus): answered to a direct request (not through the reverse proxy) from
# these networks, or to anyone sending "Authorization: Bearer <MOTCUA_METRICS_TOKEN>";
# anything else gets a 404.
MOTCUA_METRICS_TOKEN = env.str("MOTCUA_METRICS_TOKEN", "")
MOTCUA_METRICS_NETWORKS: list[str] = env.list(
    "MOTCUA_METRICS_NETWORKS", ["127.0.0.1/32", "::1/128"]
)
# Seconds a gauge computed with a query (overdue dossiers) is kept in the shared cache.
MOTCUA_METRICS_CACHE_SECONDS = env.float("MOTCUA_METRICS_CACHE_SECONDS", 15.0)
# Gauges computed at scrape time: name → (help text, dotted path of a callable without
# arguments returning a number or a queryset to count). Named here, in the composition root,
# because core (which serves /metrics) imports no domain app.
MOTCUA_METRICS_GAUGES = {
    "motcua_dossiers_overdue": (
        "Dossiers in progress past their appointment.",
        "motcua.dossiers.api.dossiers_overdue",
    ),
}
# Celery workers and beat keep this LOGGING (core.logging.celery_logging_keep).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"default": {"()": "motcua.core.logging.formatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # pyHanko logs a traceback for every tampered file it is asked to verify.
        "pyhanko.sign.diff_analysis": {"level": "ERROR"},
    },
}
# --- end logs and metrics ---

# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For / X-Real-IP
# name the client (motcua/core/proxies.py). Empty: the socket's address is the client's. Set it
# to the load balancer's address(es) in production (deploy/env.example), never to a range that
# clients can connect from.
MOTCUA_TRUSTED_PROXIES: list[str] = env.list("MOTCUA_TRUSTED_PROXIES", [])

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (motcua/core/csp.py, docs/adr/0037): scripts, styles, images, forms
# from this site only; no inline script or style. REPORT_ONLY: the browser reports but does not
# block (to try a change of policy); REPORT_URI: where reports go (empty: none are sent).
MOTCUA_CSP_REPORT_ONLY = env.bool("MOTCUA_CSP_REPORT_ONLY", False)
MOTCUA_CSP_REPORT_URI = env.str("MOTCUA_CSP_REPORT_URI", "/csp-report/")

# Outgoing SMS: console | file | locmem | dotted path of a vendor backend (integrations/sms.py).
MOTCUA_SMS_BACKEND = env.str("MOTCUA_SMS_BACKEND", "console")
MOTCUA_SMS_FILE_PATH = Path(env.str("MOTCUA_SMS_FILE_PATH", str(VAR_DIR / "sms" / "outbox.jsonl")))
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", "motcua <no-reply@motcua.local>")

# --- Malware scan of uploads (motcua/integrations/scanning.py, docs/adr/0013) -----------------
# none | clamd. "none" (nothing is scanned) only so the embedded demo needs no daemon;
# production MUST use "clamd" (production.py defaults to it). Scans fail closed: a configured
# scanner that cannot be reached makes the upload be refused.
MOTCUA_MALWARE_SCANNER = env.str("MOTCUA_MALWARE_SCANNER", "none")
# clamd's unix socket (Debian: /run/clamav/clamd.ctl); when empty, TCP to HOST:PORT.
MOTCUA_CLAMD_SOCKET = env.str("MOTCUA_CLAMD_SOCKET", "")
MOTCUA_CLAMD_HOST = env.str("MOTCUA_CLAMD_HOST", "127.0.0.1")
MOTCUA_CLAMD_PORT = env.int("MOTCUA_CLAMD_PORT", 3310)
# Seconds for connecting and for each read or write on the socket.
MOTCUA_CLAMD_TIMEOUT = env.float("MOTCUA_CLAMD_TIMEOUT", 30.0)
# Largest file sent to clamd; must not exceed clamd.conf's StreamMaxLength (Debian: 25M) and
# must be at least the largest upload accepted (10 MB), else those uploads are refused.
MOTCUA_CLAMD_STREAM_MAX_BYTES = env.int("MOTCUA_CLAMD_STREAM_MAX_BYTES", 25 * 1024 * 1024)
# --- end malware scan ---------------------------------------------------------------------------

# --- Citizen accounts and national e-ID sign-in (accounts; docs/adr/0010) -------------------
# Verification codes (6 digits) sent by e-mail or SMS.
MOTCUA_VERIFICATION_CODE_TTL_MINUTES = env.int("MOTCUA_VERIFICATION_CODE_TTL_MINUTES", 15)
MOTCUA_VERIFICATION_MAX_ATTEMPTS = env.int("MOTCUA_VERIFICATION_MAX_ATTEMPTS", 5)
# A new code at most every N seconds, and at most M an hour, per account and channel.
MOTCUA_VERIFICATION_RESEND_SECONDS = env.int("MOTCUA_VERIFICATION_RESEND_SECONDS", 60)
MOTCUA_VERIFICATION_MAX_PER_HOUR = env.int("MOTCUA_VERIFICATION_MAX_PER_HOUR", 5)
# Password guessing, one throttle for every door (portal form, admin, API token): after N
# failures for one account from one address, or M for one account from any address, or K from
# one address for any accounts within the window, sign-in is refused until the window has
# passed (accounts/services/signin.py).
MOTCUA_LOGIN_MAX_FAILURES = env.int("MOTCUA_LOGIN_MAX_FAILURES", 5)
MOTCUA_LOGIN_MAX_FAILURES_PER_ACCOUNT = env.int("MOTCUA_LOGIN_MAX_FAILURES_PER_ACCOUNT", 20)
MOTCUA_LOGIN_MAX_FAILURES_PER_ADDRESS = env.int("MOTCUA_LOGIN_MAX_FAILURES_PER_ADDRESS", 30)
MOTCUA_LOGIN_FAILURE_WINDOW_MINUTES = env.int("MOTCUA_LOGIN_FAILURE_WINDOW_MINUTES", 15)
# Password-reset links expire after this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_TIMEOUT", 60 * 60)
# OpenID Connect sign-in with the national e-ID (VNeID-style). Empty issuer: the button is
# hidden. The issuer's /.well-known/openid-configuration is read on first use.
MOTCUA_OIDC_ISSUER = env.str("MOTCUA_OIDC_ISSUER", "")
MOTCUA_OIDC_CLIENT_ID = env.str("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_CLIENT_SECRET = env.str("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_SCOPES = env.str("MOTCUA_OIDC_SCOPES", "openid profile phone email")
# client_secret_basic | client_secret_post
MOTCUA_OIDC_TOKEN_AUTH_METHOD = env.str("MOTCUA_OIDC_TOKEN_AUTH_METHOD", "client_secret_basic")
MOTCUA_OIDC_ID_TOKEN_ALGORITHMS = env.list("MOTCUA_OIDC_ID_TOKEN_ALGORITHMS", ["RS256"])
# Also read the userinfo endpoint (claims there fill what the id_token lacks).
MOTCUA_OIDC_USE_USERINFO = env.bool("MOTCUA_OIDC_USE_USERINFO", True)
MOTCUA_OIDC_TIMEOUT = env.float("MOTCUA_OIDC_TIMEOUT", 10.0)
MOTCUA_OIDC_PROVIDER_NAME = env.str("MOTCUA_OIDC_PROVIDER_NAME", "VNeID")
# Which claim holds what (JSON). The VNeID claim names are UNCONFIRMED: set them from the
# provider's integration documents. "address" may name an object with a "formatted" member.
MOTCUA_OIDC_CLAIMS = env.json(
    "MOTCUA_OIDC_CLAIMS",
    {
        "full_name": "name",
        "id_number": "id_number",
        "date_of_birth": "birthdate",
        "phone": "phone_number",
        "email": "email",
        "address": "address",
    },
)
# --- end citizen accounts -------------------------------------------------------------------

# --- Payments (motcua/payments, docs/adr/0011-payments.md) -----------------------------------
# The gateway used for online fee payment ("sandbox" is the only one shipped: it speaks the
# VNPay 2.1.0-style protocol). Merchant code, HMAC secret and payment page URL come from the
# environment; production has no defaults (the gateway refuses to work without a secret).
MOTCUA_PAYMENT_GATEWAY = env.str("MOTCUA_PAYMENT_GATEWAY", "sandbox")
MOTCUA_PAYMENT_TMN_CODE = env.str("MOTCUA_PAYMENT_TMN_CODE", "")
MOTCUA_PAYMENT_HASH_SECRET = env.str("MOTCUA_PAYMENT_HASH_SECRET", "")
# Where the payer's browser is sent. The default is the built-in sandbox "bank" pages.
MOTCUA_PAYMENT_GATEWAY_URL = env.str("MOTCUA_PAYMENT_GATEWAY_URL", "/sandbox-gateway/pay/")
# Minutes an initiated payment stays payable (vnp_ExpireDate).
MOTCUA_PAYMENT_EXPIRE_MINUTES = env.int("MOTCUA_PAYMENT_EXPIRE_MINUTES", 15)
# The sandbox gateway's own pages at /sandbox-gateway/ (off unless a settings file turns it on).
MOTCUA_PAYMENT_SANDBOX = env.bool("MOTCUA_PAYMENT_SANDBOX", False)
# How the sandbox delivers its server-to-server IPN: "inprocess" (calls the IPN handler
# directly: works under any server, including one gunicorn worker) or "http" (a real HTTP GET
# to MOTCUA_PUBLIC_URL + the IPN path, like the vendor does).
MOTCUA_PAYMENT_SANDBOX_IPN = env.str("MOTCUA_PAYMENT_SANDBOX_IPN", "inprocess")
# --- end payments ---

# --- Notifications and satisfaction ratings (motcua/notifications, motcua/feedback, ADR 0012) --
# Language of e-mail/SMS/portal notifications (Vietnamese by default).
MOTCUA_NOTIFICATION_LANGUAGE = env.str("MOTCUA_NOTIFICATION_LANGUAGE", "vi")
# SMS without diacritics: Vietnamese gateways bill 160-character messages only for plain ASCII.
MOTCUA_SMS_UNACCENTED = env.bool("MOTCUA_SMS_UNACCENTED", True)
# Public tracking: the last N digits of the applicant's phone work as second factor (0 = off).
MOTCUA_TRACK_PHONE_DIGITS = env.int("MOTCUA_TRACK_PHONE_DIGITS", 4)
# Satisfaction: the answer scale (value, label) and the lowest answer counted as satisfied are
# UNCONFIRMED for the online form (domain.md §8): None = 1 "Rất không hài lòng" … 5 "Rất hài
# lòng", satisfied = 4 or 5. An agency's month is shown to officers only from N ratings.
MOTCUA_RATING_SCALE = None
MOTCUA_RATING_SATISFIED_MIN = env.int("MOTCUA_RATING_SATISFIED_MIN", 4)
MOTCUA_RATING_MIN_COUNT = env.int("MOTCUA_RATING_MIN_COUNT", 5)
# --- end notifications and ratings ---

# Per-process caches of reference data (procedure versions, the working calendar) ask the
# database whether they are still fresh at most this often (core/recheck.py, ADR 0014).
MOTCUA_REFERENCE_RECHECK_SECONDS = env.float("MOTCUA_REFERENCE_RECHECK_SECONDS", 2.0)

# --- Shared cache: the rate-limit counters (core/ratelimit.py, docs/adr/0016) ---------------
# Every web process must use the same cache, or each counts sign-in failures and lookups on its
# own. MOTCUA_CACHE_URL: redis://host:6379/1 | file:///absolute/dir | empty (LocMemCache, one
# per process). local.py defaults to a file cache in var/cache, production.py to
# redis://127.0.0.1:6379/1; test.py always uses LocMemCache (config/caches.py).
from config.caches import cache_from_url  # noqa: E402

CACHES = {"default": cache_from_url(env.str("MOTCUA_CACHE_URL", ""))}
# Personal data (docs/adr/0036, Decree 13/2023/ND-CP): years a closed dossier keeps its
# applicant's personal data before the anonymisation job (a procedure may set its own,
# catalog Procedure.retention_years). The legal period is UNCONFIRMED: configure it.
MOTCUA_DOSSIER_RETENTION_YEARS = env.int("MOTCUA_DOSSIER_RETENTION_YEARS", 10)
# Dossiers anonymised per transaction (one audit entry per batch), and batches per run.
MOTCUA_ANONYMISE_BATCH = env.int("MOTCUA_ANONYMISE_BATCH", 200)
MOTCUA_ANONYMISE_MAX_BATCHES = env.int("MOTCUA_ANONYMISE_MAX_BATCHES", 50)
# Minutes a supervisor's "show personal data" (with a reason) lasts on one dossier.
MOTCUA_PERSONAL_DATA_REVEAL_MINUTES = env.int("MOTCUA_PERSONAL_DATA_REVEAL_MINUTES", 15)
# A citizen's own-data exports: at most N per window of hours.
MOTCUA_OWN_DATA_EXPORTS = env.int("MOTCUA_OWN_DATA_EXPORTS", 3)
MOTCUA_OWN_DATA_EXPORT_WINDOW_HOURS = env.int("MOTCUA_OWN_DATA_EXPORT_WINDOW_HOURS", 24)

# --- Two-factor sign-in of officers (ADR 0034) ---
# Leaders, province admins, holders of a signing credential, staff and superusers must set up
# an authenticator app (TOTP) and give its code after the password (web and API token).
MOTCUA_TWO_FACTOR_REQUIRED = env.bool("MOTCUA_TWO_FACTOR_REQUIRED", True)
# Wrong codes in a row allowed before each next try waits (1 min, doubling, at most a day).
MOTCUA_TWO_FACTOR_FREE_FAILURES = env.int("MOTCUA_TWO_FACTOR_FREE_FAILURES", 5)
# The name the authenticator app shows ("" = "Một cửa <province>").
MOTCUA_TWO_FACTOR_ISSUER = env.str("MOTCUA_TWO_FACTOR_ISSUER", "")
# Minutes a password stays good for the second step of signing in.
MOTCUA_TWO_FACTOR_PENDING_MINUTES = env.int("MOTCUA_TWO_FACTOR_PENDING_MINUTES", 5)
