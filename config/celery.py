"""The Celery app and the one place where periodic schedules are declared."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# Every job retries on an outage of the database, the file store or Redis (core/jobs.py).
app = Celery("motcua", task_cls="motcua.core.jobs:JobTask")
# The app of every thread (web threads, the live-server thread of the tests), not only of the
# one that imported this module: motcua code reaches it as `celery.current_app` and never
# imports config (motcua/core/jobs.py, tests/test_import_graph.py).
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs (Celery beat) are declared here and only here.
# The embedded default has no beat process: `manage.py run_periodic` (started by `make run`)
# runs the same schedule eagerly.
app.conf.beat_schedule = {
    "dossiers.deadline_sweep": {"task": "dossiers.deadline_sweep", "schedule": 15 * 60.0},
    # Reminders for the feedback (phản ánh, kiến nghị) due soon or overdue (ADR 0040).
    "pakn.deadline_sweep": {"task": "pakn.deadline_sweep", "schedule": 60 * 60.0},
    "payments.expire_stale": {"task": "payments.expire_stale", "schedule": 5 * 60.0},
    "notifications.resend_stale": {"task": "notifications.resend_stale", "schedule": 10 * 60.0},
    # Results whose signature failed (key store or time-stamping authority down), again.
    "dossiers.sign_pending": {"task": "dossiers.sign_pending", "schedule": 10 * 60.0},
    # Report exports (jobs and files) past MOTCUA_REPORT_EXPORT_KEEP_DAYS.
    "reports.exports_clean": {"task": "reports.exports_clean", "schedule": 60 * 60.0},
    # The month and year rollups' pending rows merged (ADR 0028; reads are exact either way).
    "reports.rollups_compact": {"task": "reports.rollups_compact", "schedule": 15 * 60.0},
    # Closed dossiers past their retention period lose their personal data (ADR 0036).
    "privacy.anonymise_due": {"task": "privacy.anonymise_due", "schedule": 6 * 60 * 60.0},
    # Each finished day of the audit chains fixed, time-stamped when a TSA is set (ADR 0035).
    "core.audit_anchor": {"task": "core.audit_anchor", "schedule": 60 * 60.0},
}
