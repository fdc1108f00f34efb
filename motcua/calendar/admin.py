"""Admin for calendar overrides. Every save and delete goes through the services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from motcua.calendar.data import CalendarDaySource
from motcua.calendar.models import CalendarDay
from motcua.calendar.services import calendar_day_remove, calendar_day_set


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = (
            CalendarDay.objects.annotate(year=ExtractYear("date"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(y), str(y)) for y in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ("date", "weekday", "kind", "reason", "legal_reference", "source")
    list_filter = (YearListFilter, "kind", "source")
    search_fields = ("reason", "legal_reference")
    date_hierarchy = "date"
    ordering = ("-date",)
    fields = ("date", "kind", "reason", "legal_reference", "source")

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    def get_readonly_fields(
        self, request: HttpRequest, obj: CalendarDay | None = None
    ) -> tuple[str, ...]:
        # An edit made here always becomes an admin row (seeding then leaves it alone);
        # the date of an existing row is fixed: remove it and add another date instead.
        return ("date", "source") if obj is not None else ("source",)

    def save_model(
        self, request: HttpRequest, obj: CalendarDay, form: ModelForm[Any], change: bool
    ) -> None:
        if change and not form.has_changed():
            return
        row = calendar_day_set(
            date=obj.date,
            kind=obj.kind,
            reason=obj.reason,
            legal_reference=obj.legal_reference,
            source=CalendarDaySource.ADMIN,
            actor=request.user,
        )
        obj.pk = row.pk
        obj.source = row.source
        obj.created_at = row.created_at
        obj.updated_at = row.updated_at

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_remove(date=obj.date, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in list(queryset.values_list("date", flat=True)):
            calendar_day_remove(date=day, actor=request.user)
