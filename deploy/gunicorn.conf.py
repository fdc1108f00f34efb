"""gunicorn's configuration for the app servers (docs/deploy.md, docs/adr/0047).

    gunicorn -c deploy/gunicorn.conf.py config.wsgi:application --bind 127.0.0.1:8101 \\
        --workers 2 --threads 4

Workers, threads, the address and timeouts stay on the command line (or in the systemd unit);
this file sets what every app server needs the same way:

- Logs: with MOTCUA_LOG_FORMAT=json — the default unless DJANGO_SETTINGS_MODULE is the local
  demo's or the tests' — the access log and gunicorn's own error log are JSON lines in the
  shape of the application's (motcua/core/logging.py), both on standard output/error unless
  --access-logfile / --error-logfile say otherwise.
- Metrics: each worker is a process, so the request counts for /metrics are kept in files of
  PROMETHEUS_MULTIPROC_DIR and added up when /metrics is scraped. Without the variable, a
  directory of this master's own is made under the temporary directory; with it, the
  directory is emptied when the master starts (give each app server on a host its own). When
  a worker exits (crash, --max-requests, reload) its counts are added into one archive file
  per metric type (`child_exit`): the totals keep them and the directory stays small.
- No control socket (gunicornc): its default path is shared by every master of the user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

# The project's root on the path, so that motcua.core.logging can be imported here.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from motcua.core.logging import gunicorn_json_logger, gunicorn_log_format  # noqa: E402

# --- Logs -------------------------------------------------------------------------------------
accesslog = "-"
errorlog = "-"
if gunicorn_log_format() == "json":
    logger_class = gunicorn_json_logger

# --- Control socket ---------------------------------------------------------------------------
# gunicorn's runtime control socket (gunicornc) defaults to one path per user: two app servers
# on a host would share it. They are driven by signals (systemd's reload is HUP), so none.
control_socket_disable = True

# --- Metrics (prometheus_client's multiprocess mode) --------------------------------------------
# Set before any worker imports prometheus_client (it reads the variable on import). A reload
# (HUP) runs this file again: the variable is then already set and kept.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="motcua-metrics-")
_MULTIPROC_OWNED = os.environ["PROMETHEUS_MULTIPROC_DIR"].startswith(
    os.path.join(tempfile.gettempdir(), "motcua-metrics-")
)


def on_starting(server: Any) -> None:
    """Empty the metrics directory: files of an earlier run would count twice."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*.db")):
        os.remove(path)


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended (crash, --max-requests, reload): its live gauges are dropped and its
    counts are added into one archive file per metric type, so the totals keep them while the
    directory does not grow by a few files for every worker ever started."""
    from prometheus_client import multiprocess

    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    multiprocess.mark_process_dead(worker.pid, directory)
    archive_dead_worker(directory, worker.pid)


def archive_dead_worker(directory: str, pid: int) -> None:
    """Add the counter and histogram values of process `pid` into `<type>_archive.db` and
    remove its files. Only the master calls this, one worker at a time; a scrape reading
    meanwhile sees the values in one file or the other (the sum is what matters)."""
    from prometheus_client.mmap_dict import MmapedDict

    for kind in ("counter", "histogram", "summary"):
        path = os.path.join(directory, f"{kind}_{pid}.db")
        if not os.path.exists(path):
            continue
        archive = MmapedDict(os.path.join(directory, f"{kind}_archive.db"))
        try:
            for key, value, _timestamp, _pos in MmapedDict.read_all_values_from_file(path):
                total, _ = archive.read_value(key)
                archive.write_value(key, total + value, 0.0)
        finally:
            archive.close()
        os.remove(path)


def on_exit(server: Any) -> None:
    """Remove the directory this file made (not one given by the environment)."""
    if _MULTIPROC_OWNED:
        directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
        for path in glob.glob(os.path.join(directory, "*.db")):
            os.remove(path)
        with contextlib.suppress(OSError):
            os.rmdir(directory)
