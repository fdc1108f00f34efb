"""The Celery app and the one place where periodic schedules are declared."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs (Celery beat) are declared here and only here.
app.conf.beat_schedule = {}
