"""Read-only admin of the feedback (the desk pages change it; the events are chained)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.pakn.models import Feedback, FeedbackEvent, FeedbackNotice


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(_ReadOnly):
    list_display = ["code", "title", "status", "about", "channel", "submitted_at", "due_at"]
    list_filter = ["status", "about", "channel"]
    search_fields = ["code", "title", "register_no"]
    date_hierarchy = "submitted_at"


@admin.register(FeedbackEvent)
class FeedbackEventAdmin(_ReadOnly):
    list_display = ["at", "feedback", "action", "from_status", "to_status", "actor_label"]
    list_filter = ["action"]
    search_fields = ["feedback__code"]
    date_hierarchy = "at"


@admin.register(FeedbackNotice)
class FeedbackNoticeAdmin(_ReadOnly):
    list_display = ["created_at", "feedback", "user", "step", "kind", "read_at"]
    list_filter = ["kind", "step"]
