"""The citizen's notifications and the satisfaction rating of a dossier. Views parse, call
notifications.api / feedback.api, render; the rules live in those apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.accounts.api import signed_in
from motcua.core.access import public
from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.core.identifiers import dossier_code_normalize
from motcua.feedback.api import FACTORS, rating_scale, rating_state, rating_submit
from motcua.notifications.api import notifications_for_citizen, notifications_mark_read
from motcua.portal.public_dossiers import too_many_lookups, tracked_codes

if TYPE_CHECKING:
    from motcua.accounts.models import User

PAGE_SIZE = 20


@signed_in
def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in applicant's notifications about their dossiers, newest first. The ones on
    the page are marked read once shown (they stay highlighted as new this time)."""
    user = cast("User", request.user)
    page = Paginator(notifications_for_citizen(user=user), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    rows = [{"n": n, "new": n.read_at is None} for n in page.object_list]
    unread = [row["n"].pk for row in rows if row["new"]]
    if unread:
        notifications_mark_read(user=user, notification_ids=unread)
    return render(request, "portal/notify/list.html", {"page": page, "rows": rows})


def _user(request: HttpRequest) -> User | None:
    return request.user if request.user.is_authenticated else None


def _factor_rows(values: dict[str, str], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    scale = rating_scale()
    return [
        {
            "key": f.key,
            "label": f.label,
            "required": f.required,
            "value": values.get(f.key, ""),
            "errors": errors.get(f.key, []),
            "choices": [(str(v), label) for v, label in scale],
        }
        for f in FACTORS
    ]


@public
def rate_dossier(request: HttpRequest, code: str) -> HttpResponse:
    """Đánh giá sự hài lòng: the applicant (signed in, or proved the code + PIN on the tracking
    page in this session) rates the handling once its result is ready. Anonymous: officers
    only ever see aggregates.

    The code is read as typed (a GET with another spelling is sent to the printed one). A
    code that does not exist and one this visitor may not rate get the same answer (403),
    and the page is rate-limited per address like tracking, so it cannot be used to find
    which codes exist."""
    normalized = dossier_code_normalize(code)
    if normalized and normalized != code and request.method == "GET":
        return redirect("portal:rate_dossier", code=normalized)
    refused_context: dict[str, Any] = {
        "track_url": reverse("portal:track_code", args=[normalized])
        if normalized
        else reverse("portal:track")
    }
    if too_many_lookups(request, "rate"):
        refused_context["error"] = _("Too many lookups from your connection. Wait ten minutes.")
        return render(request, "portal/rating/not_allowed.html", refused_context, status=429)
    user = _user(request)
    proven = tracked_codes(request)
    try:
        state = rating_state(dossier_code=normalized, user=user, proven_codes=proven)
    except NotFound:
        state = None
    if state is None or not state.allowed:
        return render(request, "portal/rating/not_allowed.html", refused_context, status=403)
    context: dict[str, Any] = {
        "state": state,
        "track_url": reverse("portal:track_code", args=[state.code]),
    }
    if state.rated:
        return render(request, "portal/rating/already_rated.html", context)
    if not state.ready:
        return render(request, "portal/rating/not_ready.html", context, status=409)
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = {f.key: request.POST.get(f.key, "") for f in FACTORS}
        comment = request.POST.get("comment", "")
        values["comment"] = comment
        try:
            rating_submit(
                dossier_code=state.code,
                user=user,
                proven_codes=proven,
                scores={f.key: values[f.key] for f in FACTORS},
                comment=comment,
            )
        except ValidationFailed as exc:
            errors, status = exc.field_errors, 400
            context["error"] = exc.message
        except Conflict as exc:
            if exc.code == "already_rated":
                return render(request, "portal/rating/already_rated.html", context)
            return render(request, "portal/rating/not_ready.html", context, status=409)
        except PermissionDenied:
            return render(request, "portal/rating/not_allowed.html", context, status=403)
        else:
            return redirect("portal:rate_thanks", code=state.code)
    context["factors"] = _factor_rows(values, errors)
    context["comment"] = values.get("comment", "")
    context["comment_errors"] = errors.get("comment", [])
    context["error_fields"] = [
        (row["key"], row["label"], row["errors"][0]) for row in context["factors"] if row["errors"]
    ]
    if context["comment_errors"]:
        context["error_fields"].append(("comment", _("Comment"), context["comment_errors"][0]))
    return render(request, "portal/rating/form.html", context, status=status)


@public
def rate_thanks(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "portal/rating/thanks.html", {"code": code})
