"""The periodic jobs of the embedded default: `manage.py run_periodic`, started by `make run`.

The first test starts the runner as `make run` does: a fresh interpreter, the default settings
module (config.settings.local), a migrated SQLite file database, and reads what it logs."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[1]


def _copy_of_the_test_database(path: Path) -> None:
    """The (migrated) test database, with what the test wrote, into a SQLite file."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _make_run_env(tmp_path: Path, database: Path) -> dict[str, str]:
    """The environment of `make run` (settings config.settings.local), with its var/ and its
    database in the test's own folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        MOTCUA_CACHE_URL="",
        DJANGO_LOG_LEVEL="INFO",
    )
    return env


@pytest.fixture
def overdue_dossier(transactional_db, catalog, agencies, django_user_model):
    """A dossier received on Monday 3 March 2025 and left at the desk: long overdue."""
    from motcua.core import clock
    from motcua.dossiers.api import dossier_intake
    from motcua.dossiers.tests.conftest import ALL_DOCS, ORG, at, build_world

    world = build_world(agencies, django_user_model)
    with clock.at(at(2025, 3, 3, 9, 0)):
        return dossier_intake(
            actor=world["users"]["desk"],
            procedure_code="2.000004",
            channel="desk",
            applicant=ORG,
            decision="accept",
            checklist=ALL_DOCS,
        )


def test_make_run_starts_the_runner_and_every_scheduled_job_runs_once(overdue_dossier, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("`make run` runs on the embedded SQLite database")
    database = tmp_path / "motcua.sqlite3"
    _copy_of_the_test_database(database)
    # As the Makefile's run target: `python manage.py run_periodic > var/periodic.log 2>&1`
    # (with --once so that it ends; the loop is the same code).
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "run_periodic", "--once"],
        cwd=ROOT,
        env=_make_run_env(tmp_path, database),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=180,
    )
    log = done.stdout
    assert done.returncode == 0, log
    assert "Traceback" not in log
    assert "NotRegistered" not in log
    ran = re.findall(r"periodic job (\S+) done in \d+ ms: (.*)", log)
    assert sorted(name for name, _result in ran) == sorted(app.conf.beat_schedule)
    # Each job ran once, on that database: the sweep warned of the overdue intake step (its
    # desk officer; the service centre has no leader to escalate to).
    results = dict(ran)
    # The rollup compaction merged the intake's pending rollup rows: how many depends on the
    # day (its appointment in the same month and year as today, or not); none is left pending.
    assert results.pop("reports.rollups_compact").isdigit()
    assert results == {
        "dossiers.deadline_sweep": "{'near_due': 0, 'overdue': 1, 'escalated': 0, 'apology_due': 0}",
        "payments.expire_stale": "{'expired': 0}",
        "notifications.resend_stale": "0",
        "dossiers.sign_pending": "{'tried': 0, 'signed': 0}",
        "reports.exports_clean": "{'jobs': 0, 'files': 0}",
        "privacy.anonymise_due": "{'runs': 0, 'dossiers': 0, 'files': 0}",
        # The audit chains' daily anchor (ADR 0035): the chain started today, nothing to fix.
        "core.audit_anchor": "[]",
        # No feedback (phản ánh, kiến nghị) in this database: nothing to remind of (ADR 0040).
        "pakn.deadline_sweep": "{'due_soon': 0, 'overdue': 0, 'escalated': 0}",
    }
    with sqlite3.connect(database) as check:
        notices = check.execute(
            "SELECT kind, step_id IS NOT NULL FROM dossiers_notice WHERE dossier_id = ?",
            (overdue_dossier.pk,),
        ).fetchall()
    assert notices == [("overdue", 1)]
    with sqlite3.connect(database) as check:
        pending = check.execute("SELECT COUNT(*) FROM reports_flowrollup WHERE pending").fetchone()
    assert pending == (0,)


@pytest.fixture
def failing_job(monkeypatch: Any) -> str:
    """The first scheduled job raises (a busy database, a bug) when the runner calls it."""
    from motcua.core.jobs import tasks_load

    tasks_load()
    name = next(iter(app.conf.beat_schedule))
    task = app.tasks[app.conf.beat_schedule[name]["task"]]

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(task, "run", boom)
    return name


def test_a_failing_job_is_logged_and_the_others_still_run(db, failing_job, capsys, caplog):
    call_command("run_periodic", "--once")
    out = capsys.readouterr().out
    done = re.findall(r"periodic job (\S+) done in", out)
    assert sorted(done) == sorted(n for n in app.conf.beat_schedule if n != failing_job)
    failures = [r for r in caplog.records if r.name == "motcua.core.periodic"]
    assert [(r.levelname, r.getMessage()) for r in failures] == [
        ("ERROR", f"periodic job {failing_job} failed; next try in 60 s")
    ]
    assert failures[0].exc_info is not None
