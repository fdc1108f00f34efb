"""Settings of the real Celery worker started by tests/test_worker_kill.py: the test settings, on
the test's PostgreSQL database (MOTCUA_WORKER_DB_NAME) and broker (MOTCUA_TEST_BROKER_URL),
with fault points allowed, short delays (visibility timeout, send lease) so that a killed
worker's jobs come back within seconds, and files the test can read (SMS file, storage)."""

import os
from pathlib import Path

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS, DATABASES, STORAGES

DATABASES["default"]["NAME"] = os.environ["MOTCUA_WORKER_DB_NAME"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
CELERY_BROKER_URL = os.environ["MOTCUA_TEST_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = False
MOTCUA_CELERY_VISIBILITY_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": MOTCUA_CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
MOTCUA_ALLOW_FAULTPOINTS = True
MOTCUA_NOTIFICATION_SEND_LEASE_SECONDS = 2
MOTCUA_SMS_BACKEND = "file"
MOTCUA_SMS_FILE_PATH = Path(os.environ["MOTCUA_TEST_SMS_FILE"])
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ["MOTCUA_TEST_MEDIA_ROOT"]},
    },
}
