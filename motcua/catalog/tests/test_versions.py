import pytest

from motcua.catalog.api import (
    procedure_draft_save,
    procedure_draft_start,
    procedure_get_current,
    procedure_publish,
)
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.specs import procedure_spec_parse
from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.models import AuditEntry

KNOWN = {"H11", "H11.05", "H11.01.01", "H11.07", "*communes"}


def _spec(raw):
    spec, errors = procedure_spec_parse(raw, agency_codes=KNOWN)
    assert errors == {}
    return spec


def test_publish_freezes_a_version(agencies, promotion_raw):
    draft = procedure_draft_save(spec=_spec(promotion_raw), actor=None)
    assert draft.status == "draft" and draft.number is None
    v1 = procedure_publish(version=draft, actor=None)
    assert (v1.status, v1.number, v1.is_current) == ("published", 1, True)
    assert "dang ky hoat dong khuyen mai" in v1.search_text
    assert AuditEntry.objects.filter(action="procedure.published", object_id=str(v1.pk)).exists()


def test_a_new_version_supersedes_the_old_one_which_stays_intact(agencies, promotion_raw):
    v1 = procedure_publish(
        version=procedure_draft_save(spec=_spec(promotion_raw), actor=None), actor=None
    )
    draft = procedure_draft_start(procedure=v1.procedure, actor=None)
    assert draft.pk != v1.pk
    assert [d.name for d in draft.documents.all()] == [d.name for d in v1.documents.all()]
    promotion_raw["processing_time"]["amount"] = "3"
    promotion_raw["steps"][1]["budget_hours"] = "12"
    procedure_draft_save(spec=_spec(promotion_raw), actor=None)
    v2 = procedure_publish(version=draft, actor=None)
    v1.refresh_from_db()
    assert (v1.status, v1.is_current, v1.processing_amount) == ("superseded", False, 5)
    assert (v2.number, v2.is_current, v2.processing_amount) == (2, True, 3)
    assert sum(s.budget_hours for s in v1.steps.all()) == 40
    assert procedure_get_current(code="2.000004").pk == v2.pk


def test_publishing_an_incomplete_draft_is_refused_and_changes_nothing(agencies, promotion_raw):
    draft = procedure_draft_save(spec=_spec(promotion_raw), actor=None)
    # An administrator edits the draft in the admin and breaks the budgets.
    step = draft.steps.get(position=2)
    step.budget_hours = 10
    step.save()
    draft.documents.all().delete()
    with pytest.raises(ValidationFailed) as exc:
        procedure_publish(version=draft, actor=None)
    assert set(exc.value.field_errors) == {"documents", "steps"}
    draft.refresh_from_db()
    assert (draft.status, draft.number, draft.is_current) == ("draft", None, False)
    assert not ProcedureVersion.objects.filter(is_current=True).exists()


def test_a_published_version_cannot_be_published_again(agencies, promotion_raw):
    v1 = procedure_publish(
        version=procedure_draft_save(spec=_spec(promotion_raw), actor=None), actor=None
    )
    with pytest.raises(Conflict):
        procedure_publish(version=v1, actor=None)


def test_draft_save_never_touches_the_published_version(agencies, promotion_raw):
    v1 = procedure_publish(
        version=procedure_draft_save(spec=_spec(promotion_raw), actor=None), actor=None
    )
    promotion_raw["name"] = "Tên mới"
    draft = procedure_draft_save(spec=_spec(promotion_raw), actor=None)
    v1.refresh_from_db()
    assert draft.pk != v1.pk
    assert v1.name.startswith("Đăng ký hoạt động khuyến mại")


def test_commune_procedures_apply_to_every_commune(agencies, birth_raw):
    v = procedure_publish(
        version=procedure_draft_save(spec=_spec(birth_raw), actor=None), actor=None
    )
    assert [a.code for a in v.agencies.all()] == ["H11.03325"]
