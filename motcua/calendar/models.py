"""Dated overrides of the weekly working pattern (holidays, days off, make-up working days)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.calendar.data import CalendarDayKind, CalendarDaySource
from motcua.core.models import BaseModel

KIND_CHOICES = [
    (CalendarDayKind.DAY_OFF.value, _("Day off")),
    (CalendarDayKind.WORKING_DAY.value, _("Working day")),
]
SOURCE_CHOICES = [
    (CalendarDaySource.HOLIDAYS_PACKAGE.value, _("holidays package")),
    (CalendarDaySource.DECISION.value, _("Government decision")),
    (CalendarDaySource.ADMIN.value, _("Administrator")),
]


class CalendarDay(BaseModel):
    """One date whose status differs from (or explains) the weekday default.

    ``working_day`` on a Saturday is a make-up working day (ngày làm bù); ``day_off`` on a
    weekday is a holiday or a decreed day off. Rows are written only by the services in
    ``motcua.calendar.services`` (the admin goes through them too)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES)
    reason = models.CharField(_("reason"), max_length=255)
    legal_reference = models.CharField(_("legal reference"), max_length=255, blank=True)
    source = models.CharField(
        _("source"),
        max_length=32,
        choices=SOURCE_CHOICES,
        default=CalendarDaySource.ADMIN.value,
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in CalendarDayKind]),
                name="workcalendar_calendarday_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in CalendarDaySource]),
                name="workcalendar_calendarday_source_valid",
            ),
        ]

    def __str__(self) -> str:
        """The date as dd/mm/yyyy and the kind in the active language, as the admin's titles and
        messages show it: "01/01/2026: Ngày nghỉ (Tết Dương lịch)"."""
        text = f"{self.date:%d/%m/%Y}: {self.get_kind_display()}"
        return f"{text} ({self.reason})" if self.reason else text
