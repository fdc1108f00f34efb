"""Words for the desk: dossier references, deadline states, remaining working time, action
names, timeline lines.

Presentation only: every number shown here was computed by the dossiers app
(`deadline_view`, `step_deadline_view`, the events); this module only puts it into words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.calendar.api import WorkingCalendar, working_calendar_get
from motcua.dossiers.api import NATIONAL_STATUS, STATUS_LABELS, DeadlineView, DossierStatus

if TYPE_CHECKING:
    from motcua.dossiers.api import WorklistDossier
    from motcua.dossiers.models import Dossier, DossierEvent

# ---------------------------------------------------------------------------- deadline states

STATE_LABELS: Mapping[str, Any] = {
    "ok": gettext_lazy("In time"),
    "near_due": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
    "paused": gettext_lazy("Clock paused"),
    "done": gettext_lazy("Finished"),
    "": gettext_lazy("No deadline yet"),
}
#: Overdue first, then near due, then the rest (worklist order).
STATE_RANK = {"overdue": 0, "near_due": 1, "ok": 2, "paused": 3, "": 4, "done": 5}

OUTCOME_LABELS: Mapping[str, Any] = {
    "early": gettext_lazy("Early"),
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
}


def dossier_ref(dossier: Dossier | WorklistDossier) -> str:
    """What the desk URLs use for a dossier: its code, or "#<id>" before it has one."""
    return dossier.code or f"#{dossier.pk}"


def status_label(status: str) -> str:
    try:
        return str(STATUS_LABELS[DossierStatus(status)])
    except ValueError:
        return status


def national_status(status: str) -> int | None:
    try:
        return NATIONAL_STATUS[DossierStatus(status)]
    except ValueError:
        return None


def working_time_words(seconds: int, *, day_seconds: int | None = None) -> str:
    """An amount of working time in words: "2 days 3 hours", "6 hours", "45 minutes".

    A day is one working day of the calendar (8 hours by default)."""
    seconds = abs(int(seconds))
    day = day_seconds or working_calendar_get().working_day_seconds or 8 * 3600
    days, rest = divmod(seconds, day)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(counter)s day", "%(counter)s days", days) % {"counter": days})
    if hours:
        parts.append(ngettext("%(counter)s hour", "%(counter)s hours", hours) % {"counter": hours})
    if minutes and not days:
        parts.append(
            ngettext("%(counter)s minute", "%(counter)s minutes", minutes) % {"counter": minutes}
        )
    if not parts:
        parts.append(ngettext("%(counter)s minute", "%(counter)s minutes", 0) % {"counter": 0})
    return " ".join(parts)


def day_seconds() -> int:
    """The length of a working day (read once per page, passed to the functions below)."""
    return working_calendar_get().working_day_seconds


def remaining_words(view: DeadlineView, *, day_seconds: int | None = None) -> str:
    """ "6 hours of working time left" / "overdue by 2 hours of working time" / "clock paused"."""
    if view.state == "paused":
        return _("clock paused while waiting for the applicant")
    if view.remaining_seconds is None:
        return ""
    if view.state == "overdue" and view.remaining_seconds > -60:
        return _("the appointment time has passed")
    amount = working_time_words(view.remaining_seconds, day_seconds=day_seconds)
    if view.remaining_seconds < 0:
        return _("overdue by %(time)s of working time") % {"time": amount}
    return _("%(time)s of working time left") % {"time": amount}


def seconds_until(
    due: dt.datetime | None, now: dt.datetime, *, cal: WorkingCalendar | None = None
) -> int | None:
    """Working seconds from now to `due` on the working calendar (negative once past)."""
    if due is None:
        return None
    cal = cal or working_calendar_get()
    if now <= due:
        return cal.working_seconds_between(now, due)
    return -cal.working_seconds_between(due, now)


def local_datetime(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh (the current time zone)."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def long_datetime(value: dt.datetime | None) -> str:
    """The forms' wording: "9 h 05 min, 02/03/2026" (vi: "9 giờ 05 phút, ngày 02/03/2026")."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(hour)s h %(minute)s min, %(date)s") % {
        "hour": local.hour,
        "minute": f"{local.minute:02d}",
        "date": local.strftime("%d/%m/%Y"),
    }


def processing_time_text(version: Any) -> str:
    """The version's regulated processing time in words ("5 ngày làm việc")."""
    return render_to_string("components/processing_time.html", {"v": version}).strip()


# ---------------------------------------------------------------------------- actions

ACTION_LABELS: Mapping[str, Any] = {
    "accept": gettext_lazy("Accept the dossier"),
    "request_completion": gettext_lazy("Ask for completion"),
    "refuse": gettext_lazy("Refuse to receive"),
    "take": gettext_lazy("Take this step"),
    "forward": gettext_lazy("Forward to the next step"),
    "send_back": gettext_lazy("Send back to an earlier step"),
    "consult": gettext_lazy("Consult other agencies"),
    "answer_consultation": gettext_lazy("Answer the consultation"),
    "transfer": gettext_lazy("Transfer to another agency"),
    "request_supplement": gettext_lazy("Ask the applicant for supplements"),
    "receive_supplement": gettext_lazy("Receive the supplements"),
    "complete": gettext_lazy("Complete processing"),
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Refuse after review"),
    "apologize": gettext_lazy("Apologise and set a new date"),
    "return_result": gettext_lazy("Return the result"),
    "withdraw": gettext_lazy("Withdraw at the applicant's request"),
    "cancel": gettext_lazy("Stop processing"),
}

ACTION_DONE: Mapping[str, Any] = {
    "accept": gettext_lazy("The dossier was accepted."),
    "request_completion": gettext_lazy("The request for completion was recorded."),
    "refuse": gettext_lazy("The refusal was recorded."),
    "take": gettext_lazy("You took the step."),
    "forward": gettext_lazy("The dossier was forwarded."),
    "send_back": gettext_lazy("The dossier was sent back."),
    "consult": gettext_lazy("The agencies were asked for their opinion."),
    "answer_consultation": gettext_lazy("Your answer was recorded."),
    "transfer": gettext_lazy("The dossier was transferred."),
    "request_supplement": gettext_lazy("The request for supplements was recorded."),
    "receive_supplement": gettext_lazy("The supplements were received."),
    "complete": gettext_lazy("Processing is complete: the result is at the desk."),
    "approve": gettext_lazy("The dossier was approved."),
    "reject": gettext_lazy("The refusal was recorded."),
    "apologize": gettext_lazy("The new appointment was recorded."),
    "return_result": gettext_lazy("The result was returned."),
    "withdraw": gettext_lazy("The dossier was withdrawn."),
    "cancel": gettext_lazy("Processing was stopped."),
}

# ---------------------------------------------------------------------------- timeline

RETURN_METHOD_LABELS: Mapping[str, Any] = {
    "desk": gettext_lazy("at the desk"),
    "post": gettext_lazy("by post"),
    "online": gettext_lazy("online"),
}


def _who(event: DossierEvent) -> str:
    if event.to_user is not None:
        name = str(event.to_user)
        return f"{name} ({event.to_agency.name})" if event.to_agency else name
    return event.to_agency.name if event.to_agency else ""


def _date_from_iso(value: Any) -> str:
    if not value:
        return ""
    try:
        return local_datetime(dt.datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def describe_event(event: DossierEvent) -> str:
    """One line of the timeline, in plain language."""
    data: dict[str, Any] = event.data or {}
    action = event.action
    step = event.step.title if event.step is not None else ""
    if action == "submit":
        return _("Submitted online.")
    if action == "accept":
        return _("Received: the dossier got its code and appointment.")
    if action == "request_completion":
        return _("The applicant was asked to complete the dossier: %(items)s.") % {
            "items": "; ".join(str(m) for m in data.get("missing", []))
        }
    if action == "refuse":
        return _("Not received.")
    if action == "take":
        return _("Took the step “%(step)s”.") % {"step": step}
    if action == "forward":
        return _("Finished “%(step)s” and forwarded to “%(next)s”: %(to)s.") % {
            "step": step,
            "next": data.get("to_step", ""),
            "to": _who(event) or _("the role's queue"),
        }
    if action == "send_back":
        return _("Sent back from “%(step)s” to “%(next)s”: %(to)s.") % {
            "step": step,
            "next": data.get("to_step", ""),
            "to": _who(event) or _("the role's queue"),
        }
    if action == "consult":
        return _("Asked for the opinion of %(agencies)s (%(hours)s working hours).") % {
            "agencies": ", ".join(str(a) for a in data.get("agencies", [])),
            "hours": data.get("budget_hours", ""),
        }
    if action == "answer_consultation":
        return _("%(agency)s answered the consultation.") % {
            "agency": event.from_agency.name if event.from_agency else ""
        }
    if action == "transfer":
        return _("Transferred to %(agency)s (%(hours)s working hours).") % {
            "agency": event.to_agency.name if event.to_agency else "",
            "hours": data.get("budget_hours", ""),
        }
    if action == "request_supplement":
        return _("The applicant was asked for supplements: %(items)s. The clock is paused.") % {
            "items": "; ".join(str(i) for i in data.get("items", []))
        }
    if action == "receive_supplement":
        return _("Supplements received; the clock runs again. New appointment: %(date)s.") % {
            "date": _date_from_iso(data.get("appointment_at"))
        }
    if action == "complete":
        return _("Processing complete: the result is ready at the desk.")
    if action == "approve":
        if event.to_status == "result_ready":
            return _("Approved and signed: the result is ready at the desk.")
        return _("Approved.")
    if action == "reject":
        return _("Refused after review: the refusal is the result to return.")
    if action == "apologize":
        return _("Apology issued; new appointment %(date)s (was %(old)s).") % {
            "date": _date_from_iso(data.get("new_appointment_at")),
            "old": _date_from_iso(data.get("original_appointment_at")),
        }
    if action == "return_result":
        return _("Result returned (%(method)s) to %(receiver)s.") % {
            "method": RETURN_METHOD_LABELS.get(str(data.get("method", "")), data.get("method", "")),
            "receiver": data.get("receiver") or "—",
        }
    if action == "withdraw":
        return _("Withdrawn at the applicant's request.")
    if action == "cancel":
        return _("Processing stopped.")
    return str(ACTION_LABELS.get(action, action))
