"""Online submission (nộp hồ sơ trực tuyến): a draft filled step by step — applicant, the
procedure's own fields, documents, how to receive the result, review — then submitted.

Interface only: views parse the form, call dossiers.api, render. Every step works without
JavaScript (POST, then redirect); a step that fails is shown again with what was typed and a
message next to each field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts import api as accounts_api
from motcua.catalog.api import procedure_get_current
from motcua.core.access import mark
from motcua.core.errors import ApplicationError, NotFound, ValidationFailed
from motcua.core.hostile import ascii_int
from motcua.dossiers import api as dossiers_api
from motcua.dossiers.data import UploadedFile

# URL slug → the draft's step name, in order.
STEPS: list[tuple[str, str, Any]] = [
    ("nguoi-nop", "applicant", gettext_lazy("Applicant")),
    ("thong-tin", "fields", gettext_lazy("Details")),
    ("giay-to", "documents", gettext_lazy("Documents")),
    ("nhan-ket-qua", "delivery", gettext_lazy("Result")),
    ("xem-lai", "review", gettext_lazy("Review and submit")),
]
SLUG = {name: slug for slug, name, _label in STEPS}
NAME = {slug: name for slug, name, _label in STEPS}
DELIVERY_LABELS = {
    "desk": gettext_lazy("At the one-stop desk"),
    "post": gettext_lazy("By post, to an address I give"),
    "online": gettext_lazy("Online: download the signed electronic result here"),
}
MAX_UPLOAD_READ = 10 * 1024 * 1024 + 1  # one byte more than allowed, so "too large" is seen


def _is_verified(user: Any) -> bool:
    check = getattr(accounts_api, "citizen_is_verified", None)
    return True if check is None else bool(check(user))


def _prefill(user: Any) -> dict[str, str]:
    prefill = getattr(accounts_api, "applicant_prefill", None)
    if prefill is not None:
        return dict(prefill(user))
    return {
        "kind": "person",
        "full_name": getattr(user, "full_name", "") or "",
        "email": getattr(user, "email", "") or "",
        "phone": getattr(user, "phone", "") or "",
    }


def citizen(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A signed-in citizen whose account is verified; others are sent to verify it first
    (anonymous users are sent to sign in by LoginRequiredMiddleware)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _is_verified(request.user):
            try:
                url = reverse("portal:account_verify")
            except NoReverseMatch:  # pragma: no cover - accounts pages not installed
                raise Http404(_("Verify your account first.")) from None
            messages.info(request, _("Verify your account before you submit a dossier online."))
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return mark(wrapper, "citizen")


def _step_url(draft_id: int, step: str) -> str:
    return reverse("portal:draft_step", args=[draft_id, SLUG[step]])


def _error_list(errors: Mapping[str, list[str]], order: list[str]) -> list[dict[str, Any]]:
    """The error summary: each message with the id of its field, in the page's order."""
    rank = {key: i for i, key in enumerate(order)}
    items = sorted(errors.items(), key=lambda kv: rank.get(kv[0], len(rank)))
    return [{"id": "f-" + key.replace(".", "-"), "message": m} for key, ms in items for m in ms]


def _field(
    key: str,
    label: Any,
    value: Any,
    errors: Mapping[str, list[str]],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "key": key,
        "id": "f-" + key.replace(".", "-"),
        "name": key.split(".", 1)[-1],
        "label": label,
        "value": value,
        "errors": errors.get(key, []),
        **extra,
    }


def _applicant_fields(
    version: Any, values: Mapping[str, str], errors: Mapping[str, list[str]]
) -> dict[str, Any]:
    def f(name: str, label: Any, **extra: Any) -> dict[str, Any]:
        return _field(f"applicant.{name}", label, values.get(name, ""), errors, **extra)

    agencies = list(version.agencies.all())
    kinds = list(version.applicant_kinds or ["person", "organisation"])
    return {
        "kinds": kinds,
        "kind": f("kind", _("I apply as")),
        "person": [
            f("full_name", _("Full name"), autocomplete="name", maxlength=255),
            f(
                "id_number",
                _("Personal ID number (12 digits)"),
                inputmode="numeric",
                maxlength=12,
            ),
            f("date_of_birth", _("Date of birth"), input_type="date", autocomplete="bday"),
        ],
        "organisation": [
            f("name", _("Name of the organisation or business"), maxlength=255),
            f("tax_code", _("Tax code"), inputmode="numeric", maxlength=14),
            f("representative", _("Legal representative"), maxlength=255),
        ],
        "contact": [
            f("phone", _("Phone"), input_type="tel", autocomplete="tel", maxlength=20),
            f("email", _("Email"), input_type="email", autocomplete="email", maxlength=254),
            f("address", _("Address"), autocomplete="street-address", maxlength=500),
        ],
        "commune": f(
            "commune_code",
            _("Commune or ward (if your address is in the province)"),
            help=_(
                "Your commune or ward after the 2025 reorganisation. Procedures handled by "
                "every commune go to the one you choose."
            ),
        ),
        "communes": [
            (str(code), name)
            for code, name in accounts_api.commune_choices(
                province_code=int(settings.MOTCUA_PROVINCE_CODE)
            )
        ],
        "agency": f("agency", _("Agency that handles your dossier")) if len(agencies) > 1 else None,
        "agencies": sorted(agencies, key=lambda a: a.name) if len(agencies) > 1 else [],
    }


def _form_fields(
    version: Any, values: Mapping[str, Any], errors: Mapping[str, list[str]]
) -> list[dict[str, Any]]:
    rows = []
    for spec in version.form_fields or []:
        rows.append(
            _field(
                f"form.{spec['name']}",
                spec.get("label") or spec["name"],
                values.get(spec["name"], ""),
                errors,
                type=spec.get("type") or "text",
                required=bool(spec.get("required")),
                choices=spec.get("choices") or [],
                maxlength=spec.get("max_length"),
                help=spec.get("help") or "",
                input_type="date" if spec.get("type") == "date" else "text",
                inputmode=(
                    ("numeric" if spec.get("integer") else "decimal")
                    if spec.get("type") == "number"
                    else ""
                ),
            )
        )
    return rows


def _documents(version: Any, draft: Any, errors: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    files = list(draft.files.all())
    rows = []
    for doc in version.documents.all():
        rows.append(
            {
                "position": doc.position,
                "name": doc.name,
                "mandatory": doc.requirement == "mandatory",
                "condition": doc.condition,
                "files": [f for f in files if f.checklist_position == doc.position],
                "id": f"f-documents-{doc.position}",
                "errors": errors.get(f"documents.{doc.position}", []),
            }
        )
    if not rows:
        rows.append(
            {
                "position": None,
                "name": _("Documents for your dossier"),
                "mandatory": True,
                "condition": "",
                "files": [f for f in files if f.checklist_position is None],
                "id": "f-documents",
                "errors": errors.get("documents", []),
            }
        )
    return rows


def _context(
    request: HttpRequest,
    draft: Any,
    step: str,
    *,
    errors: Mapping[str, list[str]] | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    errors = errors or {}
    version = draft.procedure_version
    reached = dossiers_api.DRAFT_STEPS.index(draft.step or "applicant")
    ctx: dict[str, Any] = {
        "draft": draft,
        "version": version,
        "step": step,
        "steps": [
            {
                "slug": slug,
                "name": name,
                "label": label,
                "number": i,
                "current": name == step,
                "reachable": i - 1 <= reached,
            }
            for i, (slug, name, label) in enumerate(STEPS, start=1)
        ],
        "step_number": [name for _s, name, _l in STEPS].index(step) + 1,
        "step_count": len(STEPS),
        "errors": errors,
    }
    if step == "applicant":
        vals = values if values is not None else draft.applicant or {}
        if values is None and not vals.get("agency"):
            # Preselect the agency of the applicant's commune (procedures of every commune).
            vals = {
                **vals,
                "agency": dossiers_api.commune_agency_code(version, vals.get("commune_code")),
            }
        ctx["a"] = _applicant_fields(version, vals, errors)
        ctx["a_values"] = vals
        order = ["applicant." + k for k in dossiers_api.APPLICANT_FIELD_ORDER]
    elif step == "fields":
        vals = values if values is not None else draft.form_data or {}
        ctx["fields"] = _form_fields(version, vals, errors)
        order = [f["key"] for f in ctx["fields"]]
    elif step == "documents":
        ctx["documents"] = _documents(version, draft, errors)
        order = [d["id"][2:].replace("-", ".") for d in ctx["documents"]]
    elif step == "delivery":
        vals = (
            values
            if values is not None
            else {
                "delivery": draft.delivery,
                "delivery_address": draft.delivery_address,
            }
        )
        ctx["delivery"] = _field(
            "delivery",
            _("How do you want to receive the result?"),
            vals.get("delivery", ""),
            errors,
        )
        ctx["address"] = _field(
            "delivery_address",
            _("Postal address for the result"),
            vals.get("delivery_address", ""),
            errors,
        )
        ctx["methods"] = list(DELIVERY_LABELS.items())
        order = ["delivery", "delivery_address"]
    else:
        ctx.update(_review(draft, errors))
        order = []
    ctx["error_list"] = _error_list(errors, order)
    return ctx


def _review(draft: Any, errors: Mapping[str, list[str]]) -> dict[str, Any]:
    from motcua.catalog.api import form_data_display

    version = draft.procedure_version
    a = draft.applicant or {}
    problems = errors or dossiers_api.online_draft_problems(draft=draft)
    # Which step to go back to for each problem.
    where = []
    for key, msgs in problems.items():
        head = key.split(".", 1)[0]
        step = {"applicant": "applicant", "form": "fields", "documents": "documents"}.get(
            head, "delivery" if head.startswith("delivery") else "review"
        )
        for m in msgs:
            where.append(
                {
                    "message": m,
                    "url": _step_url(draft.pk, step) if step != "review" else "",
                    "step": step,
                }
            )
    return {
        "applicant": a,
        "date_of_birth": _date_text(a.get("date_of_birth", "")),
        "agency": _deciding_agency(version, a),
        "fees": _fees(version),
        "form_rows": form_data_display(fields=version.form_fields or [], values=draft.form_data)
        if version.form_fields
        else [],
        "documents": _documents(version, draft, {}),
        "delivery_label": DELIVERY_LABELS.get(draft.delivery, ""),
        "problems": where,
        "links": {name: _step_url(draft.pk, name) for _s, name, _l in STEPS},
    }


def _date_text(value: str) -> str:
    """A date as people read it (dd/mm/yyyy), whatever form it was kept in."""
    from motcua.catalog.api import parse_date

    day = parse_date(value) if value else None
    return day.strftime("%d/%m/%Y") if day else value


def _deciding_agency(version: Any, applicant: Mapping[str, str]) -> Any:
    """The agency that will decide: the one chosen, the procedure's only one, or (a draft
    saved before the choice was required) the agency of the applicant's commune."""
    agencies = list(version.agencies.all())
    if len(agencies) == 1:
        return agencies[0]
    code = applicant.get("agency") or dossiers_api.commune_agency_code(
        version, applicant.get("commune_code")
    )
    return next((x for x in agencies if x.code == code), None)


def _fees(version: Any) -> dict[str, Any]:
    """The procedure's fees as the review step shows them: published or not, and each line
    (name, amount in VND or the case it depends on)."""
    return {"known": bool(version.fees_known), "lines": list(version.fees.all())}


# --- views -----------------------------------------------------------------------------------


@citizen
def submit_start(request: HttpRequest, code: str) -> HttpResponse:
    """The start page of an online submission: what is needed; the button opens a draft."""
    version = procedure_get_current(code=code)
    if version is None:
        raise Http404(_("No published procedure has this code."))
    if request.method == "POST":
        try:
            draft = dossiers_api.online_draft_start(
                owner=request.user,  # type: ignore[arg-type]
                procedure_code=code,
                applicant=_prefill(request.user),
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
            return redirect("portal:procedure_detail", code=code)
        return redirect(_step_url(draft.pk, draft.step or "applicant"))
    online = version.online_level in ("full", "partial")
    return render(
        request,
        "portal/submit/start.html",
        {"v": version, "online": online},
        status=200 if online else 404,
    )


def _load(request: HttpRequest, draft_id: int) -> Any:
    draft = dossiers_api.access_draft_for_owner(user=request.user, draft_id=draft_id)  # type: ignore[arg-type]
    return draft


def _files_from(request: HttpRequest, field: str) -> list[UploadedFile]:
    files = []
    for upload in request.FILES.getlist(field):
        content = upload.read(MAX_UPLOAD_READ)
        files.append(UploadedFile(name=upload.name or "tep", content=content))
    return files


@citizen
def draft_step(request: HttpRequest, draft_id: int, slug: str) -> HttpResponse:
    step = NAME.get(slug)
    if step is None:
        raise Http404(_("No such step."))
    draft = _load(request, draft_id)
    if draft.dossier_id is not None:
        messages.info(request, _("This dossier was already submitted."))
        return redirect("portal:my_dossier", reference=draft.dossier.reference)
    template = f"portal/submit/{step}.html"
    if request.method != "POST":
        return render(request, template, _context(request, draft, step))
    user: Any = request.user
    post = request.POST
    try:
        if step == "applicant":
            values = {k: post.get(k, "") for k in dossiers_api.APPLICANT_FIELD_ORDER}
            dossiers_api.online_draft_save_applicant(draft_id=draft.pk, owner=user, data=values)
            return redirect(_step_url(draft.pk, "fields"))
        if step == "fields":
            values = {
                f["name"]: post.get(f["name"], "") for f in draft.procedure_version.form_fields
            }
            dossiers_api.online_draft_save_fields(draft_id=draft.pk, owner=user, values=values)
            return redirect(_step_url(draft.pk, "documents"))
        if step == "documents":
            return _documents_post(request, draft)
        if step == "delivery":
            values = {
                "delivery": post.get("delivery", ""),
                "delivery_address": post.get("delivery_address", ""),
            }
            dossiers_api.online_draft_save_delivery(
                draft_id=draft.pk,
                owner=user,
                delivery=values["delivery"],
                address=values["delivery_address"],
            )
            return redirect(_step_url(draft.pk, "review"))
        dossier = dossiers_api.online_draft_submit(draft_id=draft.pk, owner=user)
    except ValidationFailed as exc:
        draft = _load(request, draft_id)
        if exc.code == "submitted" and draft.dossier_id is not None:
            return redirect("portal:my_dossier", reference=draft.dossier.reference)
        ctx = _context(
            request, draft, step, errors=exc.field_errors, values=_posted(step, post, draft)
        )
        ctx["error_message"] = exc.message
        return render(request, template, ctx, status=400)
    messages.success(
        request,
        _("Your dossier was submitted. The desk will check it within one working day."),
    )
    return redirect("portal:my_dossier", reference=dossier.reference)


def _posted(step: str, post: Any, draft: Any) -> dict[str, Any] | None:
    if step == "applicant":
        return {k: post.get(k, "") for k in dossiers_api.APPLICANT_FIELD_ORDER}
    if step == "fields":
        return {f["name"]: post.get(f["name"], "") for f in draft.procedure_version.form_fields}
    if step == "delivery":
        return {
            "delivery": post.get("delivery", ""),
            "delivery_address": post.get("delivery_address", ""),
        }
    return None


def _documents_post(request: HttpRequest, draft: Any) -> HttpResponse:
    user: Any = request.user
    post = request.POST
    if "remove" in post:
        try:
            file_id = int(post["remove"])
        except ValueError:
            raise Http404(_("No such file.")) from None
        dossiers_api.online_draft_file_remove(draft_id=draft.pk, owner=user, file_id=file_id)
        messages.success(request, _("The file was removed."))
        return redirect(_step_url(draft.pk, "documents"))
    if "upload" in post:
        raw = post.get("upload", "")
        position = ascii_int(raw)
        field = f"file-{raw}" if raw else "file"
        files = _files_from(request, field)
        key = f"documents.{position}" if position else "documents"
        if not files:
            raise ValidationFailed(
                _("Choose a file to upload."), field_errors={key: [_("Choose a file to upload.")]}
            )
        for f in files:
            dossiers_api.online_draft_file_add(
                draft_id=draft.pk, owner=user, file=f, checklist_position=position
            )
        messages.success(request, _("The file was uploaded."))
        return redirect(_step_url(draft.pk, "documents") + (f"#f-documents-{raw}" if raw else ""))
    return redirect(_step_url(draft.pk, "delivery"))


@citizen
@require_POST
def draft_discard(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _load(request, draft_id)
    try:
        dossiers_api.online_draft_discard(draft_id=draft.pk, owner=request.user)  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The draft was deleted."))
    return redirect("portal:my_dossiers")
