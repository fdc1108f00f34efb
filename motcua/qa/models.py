"""Hỏi đáp (the consultation booth's Q&A; ADR 0041): frequently asked questions per procedure,
kept by the catalog's editors, and questions from the public answered by an agency that
implements the procedure. The asker's name, phone and email are private: the public page
shows only the question and the answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Faq(models.Model):
    """Câu hỏi thường gặp of one procedure (by code: it survives new versions)."""

    procedure_code = models.CharField(_("procedure code"), max_length=40, db_index=True)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    published = models.BooleanField(_("published"), default=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("edited by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["procedure_code", "order", "pk"]

    def __str__(self) -> str:
        return self.question[:80]


class QuestionStatus(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden")


class Question(models.Model):
    """A question about a procedure from the public."""

    procedure_code = models.CharField(_("procedure code"), max_length=40, db_index=True)
    asker_name = models.CharField(_("name"), max_length=200)
    asker_phone = models.CharField(_("phone"), max_length=20, blank=True)
    asker_email = models.EmailField(_("email"), blank=True)
    text = models.TextField(_("question"))
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.NEW
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answering agency"),
    )
    asked_at = models.DateTimeField(_("asked at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-asked_at", "-pk"]
        indexes = [models.Index(fields=["procedure_code", "status"])]

    def __str__(self) -> str:
        return self.text[:80]
