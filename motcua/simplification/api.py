"""Public Python API of the simplification app. Interface apps import only this module and
data.py."""

from motcua.simplification.costing import fmt_hours, fmt_vnd
from motcua.simplification.exports import percent_text, plan_xlsx, totals_sentence
from motcua.simplification.models import CHANGE_CHOICES, STATE_CHOICES
from motcua.simplification.selectors import (
    cost_inputs_get,
    income_rate_on,
    plan_figures,
    plan_follow_up,
    plan_get,
    plan_list,
    plans_public,
    procedure_compliance_cost,
)
from motcua.simplification.services import (
    PLAN_APPROVER_ROLES,
    PLAN_EDITOR_ROLES,
    cost_inputs_save,
    income_rate_set,
    may_approve_plans,
    may_edit_plans,
    plan_apply,
    plan_approve,
    plan_create,
    plan_return,
    plan_submit,
    plan_update,
)

__all__ = [
    "CHANGE_CHOICES",
    "PLAN_APPROVER_ROLES",
    "PLAN_EDITOR_ROLES",
    "STATE_CHOICES",
    "cost_inputs_get",
    "cost_inputs_save",
    "fmt_hours",
    "fmt_vnd",
    "income_rate_on",
    "income_rate_set",
    "may_approve_plans",
    "may_edit_plans",
    "percent_text",
    "plan_apply",
    "plan_approve",
    "plan_create",
    "plan_figures",
    "plan_follow_up",
    "plan_get",
    "plan_list",
    "plan_return",
    "plan_submit",
    "plan_update",
    "plan_xlsx",
    "plans_public",
    "procedure_compliance_cost",
    "totals_sentence",
]
