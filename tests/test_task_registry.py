"""Every job a service enqueues is a registered Celery task; every scheduled job exists."""

import re
from pathlib import Path

from config.celery import app
from motcua.core.jobs import tasks_load

ROOT = Path(__file__).resolve().parent.parent / "motcua"


def test_every_enqueued_name_is_a_registered_task():
    tasks_load()
    names = set()
    for path in ROOT.rglob("*.py"):
        # Directly, or through a dossier transition's `t.after_commit(name, ...)`.
        names |= set(
            re.findall(r'(?:enqueue_on_commit|after_commit)\(\s*"([\w.]+)"', path.read_text())
        )
    assert names >= {"dossiers.render_form", "dossiers.sign_result"}
    assert sorted(n for n in names if n not in app.tasks) == []


def test_every_scheduled_job_is_a_registered_task():
    tasks_load()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks


def test_motcua_reaches_the_config_app_as_current_app_in_every_thread():
    """motcua code never imports config: it uses `celery.current_app`, which must be config's
    app in every thread (web threads, the live server's), not Celery's fallback app."""
    import threading

    from celery import current_app

    seen = []
    thread = threading.Thread(target=lambda: seen.append(current_app._get_current_object()))
    thread.start()
    thread.join()
    assert seen == [app]
    assert current_app._get_current_object() is app
