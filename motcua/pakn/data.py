"""Public constants of the pakn app (phản ánh, kiến nghị: feedback and recommendations).
Importable by anyone (interface apps included): enums and their translatable labels only."""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class About(StrEnum):
    """What the feedback is about."""

    REGULATION = "regulation"  # a quy định hành chính (Decree 20/2008)
    PROCEDURE = "procedure"  # a thủ tục hành chính, by its code
    DOSSIER = "dossier"  # how one dossier was handled (its code + lookup PIN)


class Channel(StrEnum):
    """How the feedback reached us (Decree 20/2008 Art 6-7)."""

    PORTAL = "portal"
    API = "api"
    LETTER = "letter"
    PHONE = "phone"
    DIRECT = "direct"
    EMAIL = "email"


#: Channels an officer enters on the sender's behalf (received at once).
OFFICER_CHANNELS = frozenset({Channel.LETTER, Channel.PHONE, Channel.DIRECT, Channel.EMAIL})


class Status(StrEnum):
    SUBMITTED = "submitted"  # sent online, not yet logged in the register
    RECEIVED = "received"  # logged in the register (register_no), awaiting classification
    TO_FORWARD = "to_forward"  # conduct / outside competence, to be forwarded (<= 5 wd)
    FORWARDED = "forwarded"  # forwarded outside our handling (terminal for us)
    CLASSIFIED = "classified"  # within competence, to be assigned
    IN_PROGRESS = "in_progress"  # assigned to an agency (+ optionally a person)
    AWAITING_SENDER = "awaiting_sender"  # more asked from the sender (once); clock paused
    ANSWERED = "answered"  # answer drafted, awaiting the agency leader's approval
    APPROVED = "approved"  # answer approved and sent to the sender (= handled)
    PUBLISHED = "published"  # published on the portal
    REFUSED = "refused"  # rejected: requirements not met (terminal)


#: Statuses where the feedback is finished for us.
CLOSED_STATUSES = frozenset({Status.FORWARDED, Status.APPROVED, Status.PUBLISHED, Status.REFUSED})
#: Statuses where the answer has been given (handled, for timeliness).
HANDLED_STATUSES = frozenset({Status.APPROVED, Status.PUBLISHED})


class Classification(StrEnum):
    REJECTED = "rejected"  # requirements not met
    CONDUCT = "conduct"  # about an official's conduct: forwarded
    WITHIN = "within_competence"
    OUTSIDE = "outside_competence"  # forwarded to the competent agency


ACTIONS = (
    "receive",
    "classify",
    "forward",
    "assign",
    "request_more",
    "answer",
    "approve",
    "publish",
    "refuse",
)

#: Deadline steps (MOTCUA_PAKN_<STEP>_DAYS working days).
DEADLINE_STEPS = ("refuse", "forward", "handle", "publish")

STATUS_LABELS: dict[str, Promise] = {
    Status.SUBMITTED: _("Sent online"),
    Status.RECEIVED: _("Logged in the register"),
    Status.TO_FORWARD: _("To be forwarded"),
    Status.FORWARDED: _("Forwarded to the competent agency"),
    Status.CLASSIFIED: _("Classified, to be assigned"),
    Status.IN_PROGRESS: _("Being handled"),
    Status.AWAITING_SENDER: _("Awaiting the sender"),
    Status.ANSWERED: _("Answer awaiting approval"),
    Status.APPROVED: _("Answered"),
    Status.PUBLISHED: _("Published"),
    Status.REFUSED: _("Not accepted"),
}

ABOUT_LABELS: dict[str, Promise] = {
    About.REGULATION: _("An administrative regulation"),
    About.PROCEDURE: _("An administrative procedure"),
    About.DOSSIER: _("How a dossier was handled"),
}

CHANNEL_LABELS: dict[str, Promise] = {
    Channel.PORTAL: _("Portal"),
    Channel.API: _("API"),
    Channel.LETTER: _("Letter"),
    Channel.PHONE: _("Phone call"),
    Channel.DIRECT: _("In person"),
    Channel.EMAIL: _("E-mail"),
}

CLASSIFICATION_LABELS: dict[str, Promise] = {
    Classification.REJECTED: _("Rejected: requirements not met"),
    Classification.CONDUCT: _("About an official's conduct"),
    Classification.WITHIN: _("Within our competence"),
    Classification.OUTSIDE: _("Outside our competence"),
}

ACTION_LABELS: dict[str, Promise] = {
    "submit": _("Send feedback"),
    "receive": _("Log in the register"),
    "classify": _("Classify"),
    "forward": _("Forward to an agency"),
    "assign": _("Assign for handling"),
    "request_more": _("Ask the sender for more"),
    "sender_reply": _("Sender's reply"),
    "answer": _("Draft the answer"),
    "approve": _("Approve the answer"),
    "publish": _("Publish the answer"),
    "refuse": _("Refuse the feedback"),
    "rate": _("Sender's rating"),
}

DEADLINE_LABELS: dict[str, Promise] = {
    "refuse": _("Refuse by"),
    "forward": _("Forward by"),
    "handle": _("Handle by"),
    "publish": _("Publish by"),
}
