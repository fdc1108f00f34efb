"""Hỏi đáp on the desk (issue 14 item 5; ADR 0041): the questions from the public about
procedures that the officer's agencies implement, answered and published from here; the
frequently asked questions of a procedure, kept by the catalog's editors (agency admins of an
implementing agency, province admins). The views parse and render; `qa.api` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.api import agencies_by_id, roles_required
from motcua.catalog.api import procedure_get_current
from motcua.core.errors import ApplicationError
from motcua.qa.api import (
    ANSWER_ROLES,
    QuestionStatus,
    answering_agency_ids,
    faq_delete,
    faq_get,
    faq_save,
    faqs_for_editing,
    may_edit_faq,
    question_answer,
    question_get,
    question_hide,
    question_publish,
    questions_for_officer,
)

from ..forms.errors import apply_domain_errors
from .common import officer, render_desk

qa_officers = roles_required(*ANSWER_ROLES)
STATUS_TABS = [
    ("new", gettext_lazy("To answer")),
    ("answered", gettext_lazy("Answered, not published")),
    ("published", gettext_lazy("Published")),
    ("hidden", gettext_lazy("Hidden")),
]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        max_length=10000,
        error_messages={
            "required": gettext_lazy("Write the answer."),
            "max_length": gettext_lazy("Write at most 10.000 characters."),
        },
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    agency = forms.TypedChoiceField(
        label=gettext_lazy("Answering agency"),
        coerce=int,
        error_messages={"invalid_choice": gettext_lazy("Choose among the listed agencies.")},
    )
    publish = forms.BooleanField(
        label=gettext_lazy(
            "Publish on the procedure's page (without the asker's name, phone or email)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a.pk, a.name) for a in agencies]


class FaqForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("The question"),
        max_length=4000,
        error_messages={
            "required": gettext_lazy("Write the question."),
            "max_length": gettext_lazy("Write at most 4.000 characters."),
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        max_length=10000,
        error_messages={
            "required": gettext_lazy("Write the answer."),
            "max_length": gettext_lazy("Write at most 10.000 characters."),
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    order = forms.IntegerField(
        label=gettext_lazy("Display order"),
        min_value=0,
        max_value=999,
        initial=0,
        error_messages={
            "required": gettext_lazy("Enter a number from 0 to 999."),
            "invalid": gettext_lazy("Enter a number from 0 to 999."),
            "min_value": gettext_lazy("Enter a number from 0 to 999."),
            "max_value": gettext_lazy("Enter a number from 0 to 999."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    published = forms.BooleanField(
        label=gettext_lazy("Published on the procedure's page"), required=False, initial=True
    )


class ProcedureCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Procedure code"),
        max_length=40,
        error_messages={
            "required": gettext_lazy("Enter a procedure code."),
            "max_length": gettext_lazy("Enter a procedure code."),
        },
    )


@qa_officers
def questions_view(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    status = request.GET.get("trang-thai", "new")
    if status not in dict(STATUS_TABS):
        status = "new"
    code_form = ProcedureCodeForm(request.GET if "code" in request.GET else None)
    if code_form.is_bound and code_form.is_valid():
        code = code_form.cleaned_data["code"].strip()
        if procedure_get_current(code=code) is None:
            code_form.add_error("code", _("No published procedure has this code."))
        else:
            return HttpResponseRedirect(reverse("desk:qa_faq", args=[code]))
    return render_desk(
        request,
        "desk/qa/questions.html",
        {
            "questions": questions_for_officer(user=user, status=status),
            "status": status,
            "tabs": STATUS_TABS,
            "code_form": code_form,
            "form": code_form,
        },
        status=400 if code_form.errors else 200,
    )


def _question(user: Any, question_id: int) -> tuple[Any, list[Any]]:
    question = question_get(pk=question_id)
    if question is None:
        raise Http404(_("No such question."))
    allowed = answering_agency_ids(user=user, procedure_code=question.procedure_code)
    if not allowed:
        raise Http404(_("No such question."))  # never says whether it exists
    agencies = sorted(agencies_by_id(ids=allowed).values(), key=lambda a: a.code)
    return question, agencies


@qa_officers
def question_view(request: HttpRequest, question_id: int) -> HttpResponse:
    user = officer(request)
    question, agencies = _question(user, question_id)
    initial = {
        "answer": question.answer,
        "agency": question.agency_id or (agencies[0].pk if agencies else None),
        "publish": question.status == QuestionStatus.PUBLISHED,
    }
    form = AnswerForm(request.POST or None, agencies=agencies, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                question_answer(
                    actor=user,
                    question=question,
                    answer=form.cleaned_data["answer"],
                    agency_id=form.cleaned_data["agency"],
                    publish=form.cleaned_data["publish"],
                )
            except ApplicationError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The answer was published.")
                    if form.cleaned_data["publish"]
                    else _("The answer was saved."),
                )
                return HttpResponseRedirect(reverse("desk:qa_question", args=[question.pk]))
        status = 400
    procedure = procedure_get_current(code=question.procedure_code)
    return render_desk(
        request,
        "desk/qa/question.html",
        {"question": question, "form": form, "procedure": procedure},
        status=status,
    )


@require_POST
@qa_officers
def question_status_view(request: HttpRequest, question_id: int, action: str) -> HttpResponse:
    user = officer(request)
    question, _agencies = _question(user, question_id)
    try:
        if action == "cong-bo":
            question_publish(actor=user, question=question)
            messages.success(request, _("The answer was published."))
        elif action == "an":
            question_hide(actor=user, question=question)
            messages.success(request, _("The question was hidden from the public page."))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("desk:qa_question", args=[question.pk]))


@qa_officers
def faq_view(request: HttpRequest, code: str) -> HttpResponse:
    """The FAQ of one procedure: the list, a form to add one, each one's edit form (?sua=id)."""
    user = officer(request)
    procedure = procedure_get_current(code=code)
    if procedure is None:
        raise Http404(_("No published procedure has this code."))
    if not may_edit_faq(user=user, procedure_code=code):
        raise PermissionDenied
    editing = None
    if request.GET.get("sua", "").isdigit():
        editing = faq_get(pk=int(request.GET["sua"]))
        if editing is None or editing.procedure_code != code:
            raise Http404
    initial: dict[str, Any] = {"order": 0, "published": True}
    if editing is not None:
        initial = {
            "question": editing.question,
            "answer": editing.answer,
            "order": editing.order,
            "published": editing.published,
        }
    form = FaqForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                faq_save(
                    actor=user,
                    procedure_code=code,
                    question=data["question"],
                    answer=data["answer"],
                    order=data["order"],
                    published=data["published"],
                    faq=editing,
                )
            except ApplicationError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("The frequently asked question was saved."))
                return HttpResponseRedirect(reverse("desk:qa_faq", args=[code]))
        status = 400
    return render_desk(
        request,
        "desk/qa/faq.html",
        {
            "procedure": procedure,
            "code": code,
            "faqs": faqs_for_editing(procedure_code=code),
            "form": form,
            "editing": editing,
        },
        status=status,
    )


@require_POST
@qa_officers
def faq_delete_view(request: HttpRequest, code: str, faq_id: int) -> HttpResponse:
    user = officer(request)
    faq = faq_get(pk=faq_id)
    if faq is None or faq.procedure_code != code:
        raise Http404
    try:
        faq_delete(actor=user, faq=faq)
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("The frequently asked question was deleted."))
    return HttpResponseRedirect(reverse("desk:qa_faq", args=[code]))


urlpatterns = [
    path("hoi-dap/", questions_view, name="qa"),
    path("hoi-dap/cau-hoi/<int:question_id>/", question_view, name="qa_question"),
    path(
        "hoi-dap/cau-hoi/<int:question_id>/<str:action>/",
        question_status_view,
        name="qa_question_status",
    ),
    path("hoi-dap/thu-tuc/<str:code>/", faq_view, name="qa_faq"),
    path("hoi-dap/thu-tuc/<str:code>/xoa/<int:faq_id>/", faq_delete_view, name="qa_faq_delete"),
]
