"""Named places where the fault rehearsal (deploy/faults.py) can hold a job, to kill its
worker exactly there (ADR 0045).

    faultpoint("notifications.before_send")

sleeps when the environment variable MOTCUA_FAULTPOINTS names the point with a number of
seconds (`notifications.after_send=30,dossiers.sign.before_store=30`), and only when the
setting MOTCUA_ALLOW_FAULTPOINTS is True (the rehearsal settings; False everywhere else, so
an environment variable alone can never slow a production process down). The points:

- `notifications.before_send`: the notification is claimed (status "sending", committed), the
  e-mail or SMS not sent yet.
- `notifications.after_send`: the gateway accepted the message, the row is not marked sent;
  `notifications.after_send.sms` / `.email`: the same, for one channel only.
- `dossiers.sign.before_store`: the result is signed in memory, nothing stored yet.
- `dossiers.render.before_store`: the form is rendered in memory, nothing stored yet.
- `jobs.before_publish`: a job about to be published to the broker (after-commit or relay).
"""

from __future__ import annotations

import logging
import os
import time

from django.conf import settings

logger = logging.getLogger(__name__)

ENV = "MOTCUA_FAULTPOINTS"


def faultpoint_seconds(name: str, spec: str) -> float:
    """Seconds to wait at `name` according to `spec` ("a=1,b=2.5"); 0 when not named or not
    a number."""
    for item in spec.split(","):
        point, _sep, value = item.strip().partition("=")
        if point.strip() == name:
            try:
                return max(0.0, float(value))
            except ValueError:
                return 0.0
    return 0.0


def faultpoint(name: str) -> None:
    """Wait here when the rehearsal asks for it (see the module's docstring); nothing else."""
    if not getattr(settings, "MOTCUA_ALLOW_FAULTPOINTS", False):
        return
    spec = os.environ.get(ENV, "")
    if not spec:
        return
    seconds = faultpoint_seconds(name, spec)
    if seconds > 0:
        logger.warning("fault point %s: waiting %.1f s (pid %s)", name, seconds, os.getpid())
        time.sleep(seconds)
