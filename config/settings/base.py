"""Base settings, driven by the environment. Every other settings module imports this one."""

from pathlib import Path

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
    "motcua.core",
    "motcua.accounts",
    "motcua.calendar",
    "motcua.catalog",
    "motcua.documents",
    "motcua.dossiers",
    "motcua.portal",
    "motcua.desk",
    "motcua.rest",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
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
        env.str("DATABASE_URL", _default_sqlite), conn_max_age=env.int("DB_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
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
# DJANGO_STORAGE_OPTIONS='{"bucket_name": "...", "endpoint_url": "..."}' (keys from the env).
STORAGES = {
    "default": {
        "BACKEND": env.str("DJANGO_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("DJANGO_STORAGE_OPTIONS", {}),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Background jobs (Celery). Without a broker the embedded default runs jobs eagerly.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE

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

# The province this installation serves (shown in page headers).
MOTCUA_PROVINCE_NAME = env.str("MOTCUA_PROVINCE_NAME", "Điện Biên")
# Its national code (vietnam-provinces), for the commune lists of address forms.
MOTCUA_PROVINCE_CODE = env.int("MOTCUA_PROVINCE_CODE", 11)

# Dossiers (domain.md §1.4; UNCONFIRMED values are settings).
# The apology (form 04) must be sent at least this many working days before the appointment
# ("01 ngày" in local texts; whether a working day is meant is UNCONFIRMED). 0 disables.
MOTCUA_APOLOGY_LEAD_WORKING_DAYS = env.int("MOTCUA_APOLOGY_LEAD_WORKING_DAYS", 1)
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

# Bearer tokens for the REST API (hours until expiry).
MOTCUA_API_TOKEN_TTL_HOURS = env.int("MOTCUA_API_TOKEN_TTL_HOURS", 24 * 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # pyHanko logs a traceback for every tampered file it is asked to verify.
        "pyhanko.sign.diff_analysis": {"level": "ERROR"},
    },
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
