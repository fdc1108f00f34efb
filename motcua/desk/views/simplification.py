"""Compliance cost and simplification plans on the desk (issue 15; ADR 0039): the cost
breakdown of a procedure, the plans (list, build, edit, submit, approve or send back, apply),
their Excel export and, once applied, planned against actual. Catalog editors build plans;
the province admin approves. The views parse and render; `simplification.api` decides."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.api import roles_required
from motcua.core.errors import ApplicationError, ValidationFailed
from motcua.simplification.api import (
    PLAN_APPROVER_ROLES,
    PLAN_EDITOR_ROLES,
    cost_inputs_get,
    cost_inputs_save,
    may_approve_plans,
    may_edit_plans,
    percent_text,
    plan_apply,
    plan_approve,
    plan_create,
    plan_figures,
    plan_follow_up,
    plan_get,
    plan_list,
    plan_return,
    plan_submit,
    plan_update,
    plan_xlsx,
    procedure_compliance_cost,
    totals_sentence,
)
from motcua.simplification.data import ItemInput

from ..forms.simplification import CostForm, CostInputsForm, ItemFormSet, PlanForm
from .common import officer, render_desk

#: Who may open the pages: catalog editors and the province admin.
planners = roles_required(*(PLAN_EDITOR_ROLES | PLAN_APPROVER_ROLES))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ITEM_KEY = re.compile(r"^items\[(\d+)\]\.(\w+)$")


def _load(plan_id: int) -> Any:
    plan = plan_get(pk=plan_id)
    if plan is None:
        raise Http404(_("No such simplification plan."))
    return plan


def _rows(plan: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows, total = plan_figures(plan)
    return (
        [{"item": item, "f": f, "percent": percent_text(f)} for item, f in rows],
        {"f": total, "percent": percent_text(total), "sentence": totals_sentence(total)},
    )


@planners
def plan_list_view(request: HttpRequest) -> HttpResponse:
    plans = []
    for plan in plan_list()[:200]:
        _rows_, total = _rows(plan)
        plans.append({"plan": plan, "total": total})
    return render_desk(
        request,
        "desk/simplification/plans.html",
        {"plans": plans, "may_edit": may_edit_plans(officer(request))},
    )


def _inputs_form(request: HttpRequest, cost: Any, code: str) -> CostInputsForm:
    documents = [
        (c.position, c.label) for c in cost.components if c.kind == "document" and c.position
    ]
    if request.method == "POST":
        return CostInputsForm(request.POST, documents=documents)
    inputs = cost_inputs_get(code=code)
    initial: dict[str, Any] = {
        "visits": 1,
        "hours_per_visit": 1,
        "travel_hours_per_visit": 1,
        "out_of_pocket_vnd": 0,
        "default_document_hours": 2,
        "estimated": True,
    }
    if inputs is not None:
        initial = {
            "visits": inputs.visits,
            "hours_per_visit": inputs.hours_per_visit,
            "travel_hours_per_visit": inputs.travel_hours_per_visit,
            "out_of_pocket_vnd": inputs.out_of_pocket_vnd,
            "default_document_hours": inputs.default_document_hours,
            "dossiers_per_year": inputs.dossiers_per_year,
            "estimated": inputs.estimated,
            "note": inputs.note,
            **{f"doc_{k}": v for k, v in (inputs.document_hours or {}).items()},
        }
    return CostInputsForm(initial=initial, documents=documents)


@planners
def cost_view(request: HttpRequest) -> HttpResponse:
    """The compliance cost of one procedure, each component with its formula; catalog editors
    change its cost inputs below (POST, audited)."""
    user = officer(request)
    form = CostForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST" and not may_edit_plans(user):
        raise PermissionDenied
    if request.GET and form.is_valid():
        code = form.cleaned_data["code"].strip()
        try:
            cost = procedure_compliance_cost(code=code, today=timezone.localdate())
        except ValidationFailed as exc:
            context["problem"] = exc.message
            status = 400
        else:
            if cost is None:
                form.add_error(
                    "code", _("No published procedure with code %(code)s.") % {"code": code}
                )
                status = 404
            else:
                context["cost"] = cost
                if may_edit_plans(user):
                    inputs = _inputs_form(request, cost, code)
                    context["inputs_form"] = inputs
                    if request.method == "POST":
                        if inputs.is_valid():
                            data = inputs.cleaned_data
                            try:
                                cost_inputs_save(
                                    code=code,
                                    visits=data["visits"],
                                    hours_per_visit=data["hours_per_visit"],
                                    travel_hours_per_visit=data["travel_hours_per_visit"],
                                    out_of_pocket_vnd=data["out_of_pocket_vnd"],
                                    default_document_hours=data["default_document_hours"],
                                    document_hours=inputs.document_hours(),
                                    dossiers_per_year=data.get("dossiers_per_year"),
                                    estimated=data["estimated"],
                                    note=data.get("note", ""),
                                    actor=user,
                                )
                            except ApplicationError as exc:
                                for key, msgs in exc.field_errors.items():
                                    field = key if key in inputs.fields else None
                                    for msg in msgs:
                                        inputs.add_error(field, msg)
                            else:
                                messages.success(request, _("The cost inputs were saved."))
                                return HttpResponseRedirect(request.get_full_path())
                        status = 400
    elif request.GET:
        status = 400
    return render_desk(request, "desk/simplification/cost.html", context, status=status)


def _edit(request: HttpRequest, plan: Any | None) -> HttpResponse:
    user = officer(request)
    if not may_edit_plans(user):
        raise PermissionDenied
    if request.method == "POST":
        form = PlanForm(request.POST)
        items = ItemFormSet(request.POST, prefix="items")
        if form.is_valid() and items.is_valid():
            specs: list[ItemInput] = []
            row_of: dict[int, int] = {}
            for row, item_form in enumerate(items.forms):
                spec = item_form.item()
                if spec is not None:
                    row_of[len(specs)] = row
                    specs.append(spec)
            try:
                if plan is None:
                    plan = plan_create(name=form.cleaned_data["name"], items=specs, actor=user)
                else:
                    plan = plan_update(
                        plan=plan, name=form.cleaned_data["name"], items=specs, actor=user
                    )
            except ApplicationError as exc:
                for key, msgs in exc.field_errors.items():
                    match = _ITEM_KEY.match(key)
                    if match and int(match.group(1)) in row_of:
                        target = items.forms[row_of[int(match.group(1))]]
                        field = match.group(2) if match.group(2) in target.fields else None
                        for msg in msgs:
                            target.add_error(field, msg)
                    elif key == "name":
                        for msg in msgs:
                            form.add_error("name", msg)
                    else:
                        for msg in msgs:
                            form.add_error(None, msg)
                if not exc.field_errors:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("The plan was saved and costed."))
                return HttpResponseRedirect(reverse("desk:simplification_plan", args=[plan.pk]))
        status = 400
    else:
        status = 200
        if plan is None:
            form = PlanForm()
            items = ItemFormSet(prefix="items")
        else:
            form = PlanForm(initial={"name": plan.name})
            items = ItemFormSet(
                prefix="items",
                initial=[
                    {
                        "procedure": i.procedure_code,
                        "change": i.change,
                        "processing_working_days": i.processing_working_days,
                        "documents": ", ".join(str(p) for p in i.documents),
                        "fee_vnd": i.fee_vnd,
                        "dossiers_per_year": i.dossiers_per_year_entered,
                    }
                    for i in plan.items.all()
                ],
            )
    item_errors = [
        (row + 1, field_errors)
        for row, field_errors in enumerate(items.errors if items.is_bound else [])
        if field_errors
    ]
    return render_desk(
        request,
        "desk/simplification/plan_form.html",
        {"form": form, "items": items, "plan": plan, "item_errors": item_errors},
        status=status,
    )


@planners
def plan_create_view(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@planners
def plan_edit_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _load(plan_id)
    if plan.state != "draft":
        messages.error(request, _("Only a draft plan can be changed."))
        return HttpResponseRedirect(reverse("desk:simplification_plan", args=[plan.pk]))
    return _edit(request, plan)


@planners
def plan_detail_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _load(plan_id)
    user = officer(request)
    rows, total = _rows(plan)
    editor, approver = may_edit_plans(user), may_approve_plans(user)
    actions = []
    if plan.state == "draft" and editor:
        actions.append(("submit", _("Submit for approval")))
    if plan.state == "submitted" and approver:
        actions += [("approve", _("Approve")), ("return", _("Send back for changes"))]
    if plan.state == "approved" and editor:
        actions.append(("apply", _("Apply: draft the new procedure versions")))
    return render_desk(
        request,
        "desk/simplification/plan.html",
        {
            "plan": plan,
            "rows": rows,
            "total": total,
            "actions": actions,
            "may_change": plan.state == "draft" and editor,
            "follow_up": plan_follow_up(plan=plan, today=timezone.localdate()),
        },
    )


@planners
@require_POST
def plan_action_view(request: HttpRequest, plan_id: int, action: str) -> HttpResponse:
    plan = _load(plan_id)
    user = officer(request)
    services = {
        "submit": lambda: plan_submit(plan=plan, actor=user),
        "approve": lambda: plan_approve(
            plan=plan, actor=user, decision=request.POST.get("decision", "")[:255]
        ),
        "return": lambda: plan_return(plan=plan, actor=user, reason=request.POST.get("reason", "")),
        "apply": lambda: plan_apply(plan=plan, actor=user),
    }
    if action not in services:
        raise Http404
    try:
        services[action]()
    except ApplicationError as exc:
        details = [m for msgs in exc.field_errors.values() for m in msgs]
        messages.error(request, " ".join([exc.message, *details]))
    else:
        done = {
            "submit": _("The plan was submitted for approval."),
            "approve": _("The plan was approved."),
            "return": _("The plan was sent back for changes."),
            "apply": _("The plan was applied: the new versions are drafts in the catalog."),
        }
        messages.success(request, done[action])
    return HttpResponseRedirect(reverse("desk:simplification_plan", args=[plan.pk]))


@planners
def plan_export_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _load(plan_id)
    response = HttpResponse(plan_xlsx(plan), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="phuong-an-{plan.pk}.xlsx"'
    return response
