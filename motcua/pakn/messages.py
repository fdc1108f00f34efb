"""What the sender is told at each step (through notifications.api.message_send): subject,
e-mail body and SMS, in MOTCUA_NOTIFICATION_LANGUAGE (Vietnamese by default). The PIN is in
the body of the first message only, never in a subject or a link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from motcua.core.links import public_url

#: The event actions the sender is told about.
KINDS = (
    "submit",
    "enter",
    "receive",
    "refuse",
    "forward",
    "request_more",
    "sender_reply",
    "approve",
    "publish",
)


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    body: str
    sms: str
    link: str
    language: str


def language() -> str:
    return str(getattr(settings, "MOTCUA_NOTIFICATION_LANGUAGE", "vi") or "vi")


def follow_link() -> str:
    try:
        return public_url(reverse("portal:pakn_follow"))
    except NoReverseMatch:  # pragma: no cover - portal not installed
        return public_url("/phan-anh-kien-nghi/tra-cuu/")


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "H:i d/m/Y")


def build(action: str, values: dict[str, Any]) -> Message | None:
    """The message for an event `action` on a feedback described by `values` (code, pin,
    title, due_at, note, answer, agency_name, reason, …), or None when the sender is not told."""
    if action not in KINDS:
        return None
    lang = language()
    with translation.override(lang):
        code = values["code"]
        texts = _texts(action, values)
        if texts is None:
            return None
        subject, lines, sms = texts
        province = str(getattr(settings, "MOTCUA_PROVINCE_NAME", ""))
        body = "\n\n".join(
            [
                _("Dear %(name)s,") % {"name": values.get("name") or _("Sir or Madam")},
                *[line for line in lines if line],
                _("Follow your feedback with its code %(code)s and its PIN on the portal:")
                % {"code": code},
            ]
        )
        if province:
            body += "\n\n" + _("Public administration service centre, %(province)s") % {
                "province": province
            }
    return Message(
        kind=f"pakn_{action}",
        subject=subject,
        body=body,
        sms=sms,
        link=follow_link(),
        language=lang,
    )


def _texts(action: str, v: dict[str, Any]) -> tuple[str, list[str], str] | None:
    code = v["code"]
    link = follow_link()
    if action in ("submit", "enter"):
        return (
            _("Your feedback %(code)s was received") % {"code": code},
            [
                _("We received your feedback “%(title)s” on %(at)s.")
                % {"title": v["title"], "at": _when(v.get("at"))},
                _("Its code is %(code)s and its PIN is %(pin)s: keep them to follow it.")
                % {"code": code, "pin": v["pin"]},
                _("It will be handled by %(due)s at the latest.") % {"due": _when(v["handle_due"])},
            ],
            _("Feedback %(code)s received. PIN: %(pin)s. Follow it: %(link)s")
            % {"code": code, "pin": v["pin"], "link": link},
        )
    if action == "receive":
        return (
            _("Feedback %(code)s was logged in the register") % {"code": code},
            [
                _("Your feedback was logged in the register under number %(no)s.")
                % {"no": v.get("register_no", "")}
            ],
            "",
        )
    if action == "refuse":
        return (
            _("Feedback %(code)s was not accepted") % {"code": code},
            [
                _("Your feedback does not meet the requirements and was not accepted."),
                _("Reason: %(reason)s") % {"reason": v.get("note", "")} if v.get("note") else "",
            ],
            "",
        )
    if action == "forward":
        if v.get("to_status") == "forwarded":
            line = _("Your feedback was forwarded to %(agency)s, which is competent to handle it.")
        else:
            line = _("Your feedback is being handled by %(agency)s.")
        return (
            _("Feedback %(code)s: forwarded") % {"code": code},
            [line % {"agency": v.get("agency_name", "")}],
            "",
        )
    if action == "request_more":
        return (
            _("Feedback %(code)s: more information is needed") % {"code": code},
            [
                _("To handle your feedback we need more information:"),
                v.get("note", ""),
                _("Answer with the code and PIN of your feedback on the portal."),
            ],
            _("Feedback %(code)s: more information is needed. See: %(link)s")
            % {"code": code, "link": link},
        )
    if action == "sender_reply":
        return (
            _("Feedback %(code)s: your reply was received") % {"code": code},
            [_("We received your reply; handling has resumed.")],
            "",
        )
    if action == "approve":
        return (
            _("Feedback %(code)s was answered") % {"code": code},
            [_("The answer to your feedback:"), v.get("answer", "")],
            _("Feedback %(code)s was answered. See: %(link)s") % {"code": code, "link": link},
        )
    if action == "publish":
        return (
            _("Feedback %(code)s: the answer was published") % {"code": code},
            [
                _(
                    "The answer to your feedback was published on the portal, "
                    "without your personal data."
                )
            ],
            "",
        )
    return None
