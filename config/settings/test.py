"""Settings for the test suite (SQLite by default, PostgreSQL when DATABASE_URL is set)."""

import secrets

from config.settings.base import *  # noqa: F403

MOTCUA_ENVIRONMENT = "test"
SECRET_KEY = secrets.token_urlsafe(50)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
