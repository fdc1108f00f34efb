"""The desk overview (/desk/tong-quan/): the start page of the people who watch and look up
dossiers without working on them — supervisors, agency and province admins. It lists the
desk pages their roles may open (and the administration site for staff); the statistics
will be added here later. Officers who work on dossiers start on their worklist instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.accounts.api import role_assignments_held

from ..permissions import nav_info, viewers
from .common import officer, render_desk


@dataclass(frozen=True)
class Tile:
    url: str
    title: str
    text: str


def tiles_for(request: HttpRequest) -> list[Tile]:
    """The pages this person may open, in the order of the desk menu."""
    user: Any = officer(request)
    nav = nav_info(user)
    tiles: list[Tile] = []
    if nav.is_worker:
        tiles.append(
            Tile(reverse("desk:worklist"), _("My work"), _("Your open steps, overdue first."))
        )
    if nav.is_desk_officer:
        tiles.append(
            Tile(
                reverse("desk:intake"),
                _("Receive a dossier"),
                _("Receive a dossier at the desk or by post."),
            )
        )
    tiles.append(
        Tile(
            reverse("desk:search"),
            _("Find dossiers"),
            _("By code, applicant name, ID number or tax code."),
        )
    )
    if nav.is_monitor:
        tiles.append(
            Tile(
                reverse("desk:deadlines"),
                _("Overdue and due soon"),
                _("The dossiers of your agencies that are late or close to their deadline."),
            )
        )
    if nav.sees_reports:
        tiles.append(
            Tile(
                reverse("desk:report"),
                _("Report on receiving and resolving dossiers"),
                _("The official report (form 06): received, resolved, in progress, by period."),
            )
        )
    if nav.sees_satisfaction:
        tiles.append(
            Tile(
                reverse("desk:satisfaction"),
                _("Satisfaction"),
                _("What applicants said about the service, on the five SIPAS factors."),
            )
        )
    if nav.sees_payments:
        tiles.append(
            Tile(
                reverse("desk:payments_report"),
                _("Payment reconciliation"),
                _("Fees paid online, by day and status, against the gateway."),
            )
        )
    if nav.is_worker:
        tiles.append(
            Tile(reverse("desk:notices"), _("Notices"), _("Messages about your dossiers."))
        )
    if user.is_staff:
        tiles.append(
            Tile(
                reverse("admin:index"),
                _("Administration"),
                _("The catalog of procedures, agencies, accounts and the working calendar."),
            )
        )
    return tiles


@viewers
def overview(request: HttpRequest) -> HttpResponse:
    held = role_assignments_held(user=officer(request))
    roles = [{"role": ra.get_role_display(), "agency": ra.agency} for ra in held]
    return render_desk(
        request,
        "desk/overview.html",
        {"tiles": tiles_for(request), "roles": roles},
    )
