"""The dated income setting and the cost inputs in the administration site. Saving goes
through the services (validated, audited); the figures are read-only history otherwise."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.simplification.models import CostInputs, IncomeRate
from motcua.simplification.services import cost_inputs_save, income_rate_set


@admin.register(IncomeRate)
class IncomeRateAdmin(admin.ModelAdmin[IncomeRate]):
    list_display = ("valid_from", "hourly_income_vnd", "hours_per_day", "confirmed")

    def save_model(self, request: HttpRequest, obj: IncomeRate, form: Any, change: bool) -> None:
        saved = income_rate_set(
            valid_from=obj.valid_from,
            hourly_income_vnd=obj.hourly_income_vnd,
            hours_per_day=obj.hours_per_day,
            source=obj.source,
            confirmed=obj.confirmed,
            actor=None if request.user.is_superuser else request.user,  # type: ignore[arg-type]
        )
        obj.pk = saved.pk


@admin.register(CostInputs)
class CostInputsAdmin(admin.ModelAdmin[CostInputs]):
    list_display = ("procedure_code", "visits", "hours_per_visit", "dossiers_per_year", "estimated")
    search_fields = ("procedure_code",)

    def save_model(self, request: HttpRequest, obj: CostInputs, form: Any, change: bool) -> None:
        from decimal import Decimal

        saved = cost_inputs_save(
            code=obj.procedure_code,
            visits=obj.visits,
            hours_per_visit=obj.hours_per_visit,
            travel_hours_per_visit=obj.travel_hours_per_visit,
            out_of_pocket_vnd=obj.out_of_pocket_vnd,
            default_document_hours=obj.default_document_hours,
            document_hours={int(k): Decimal(str(v)) for k, v in (obj.document_hours or {}).items()},
            dossiers_per_year=obj.dossiers_per_year,
            estimated=obj.estimated,
            note=obj.note,
            actor=None if request.user.is_superuser else request.user,  # type: ignore[arg-type]
        )
        obj.pk = saved.pk
