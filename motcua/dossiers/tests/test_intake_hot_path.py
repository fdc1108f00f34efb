"""The intake's hot path (ADR 0015): the desk check folded into the code counter (roles read
on every intake, never cached; no number taken when the check fails), the precompiled
INSERTs sending the values Model.save() would, prepared statements on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from psycopg.types.json import Jsonb

from motcua.accounts.api import agency_where_desk_officer, role_grant
from motcua.accounts.data import Role
from motcua.accounts.models import RoleAssignment
from motcua.core import fastinsert
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent, DossierStep
from motcua.dossiers.services.codes import dossier_code_next_at_desk
from motcua.dossiers.tests.conftest import at

CENTER = "H11.01.01"
MONDAY = dt.date(2026, 3, 2)


def _counter(agency: Any, day: dt.date = MONDAY) -> int:
    row = DossierCodeCounter.objects.filter(agency=agency, day=day).first()
    return row.last if row else 0


def test_named_desk_and_only_desk_take_consecutive_codes(world: dict[str, Any], receive):
    first = receive(at(2026, 3, 2, 9), receiving_agency_code=CENTER)
    second = receive(at(2026, 3, 2, 10))  # no desk named: the officer's only desk
    assert first.receiving_agency.code == second.receiving_agency.code == CENTER
    assert (first.code, second.code) == ("H11.01.01-260302-0001", "H11.01.01-260302-0002")
    # The receiving agency is a whole row (the event and the notifications read it).
    center = world["agencies"]["center"]
    assert (first.receiving_agency.name, first.receiving_agency.kind) == (center.name, center.kind)


def test_a_revoked_desk_role_counts_at_once_and_takes_no_number(world: dict[str, Any], receive):
    desk, center = world["users"]["desk"], world["agencies"]["center"]
    receive(at(2026, 3, 2, 9), receiving_agency_code=CENTER)
    RoleAssignment.objects.filter(user=desk, role=Role.DESK_OFFICER.value).delete()
    with pytest.raises(PermissionDenied):
        receive(at(2026, 3, 2, 10), receiving_agency_code=CENTER)
    with pytest.raises(PermissionDenied):
        receive(at(2026, 3, 2, 10))
    with transaction.atomic():
        assert dossier_code_next_at_desk(user=desk, agency_code=CENTER, day=MONDAY) is None
        assert dossier_code_next_at_desk(user=desk, agency_code=None, day=MONDAY) is None
        assert _counter(center) == 1
    role_grant(user=desk, role=Role.DESK_OFFICER, agency=center)
    again = receive(at(2026, 3, 2, 11), receiving_agency_code=CENTER)
    assert again.code == "H11.01.01-260302-0002"  # no gap


def test_other_roles_unknown_agencies_and_several_desks(world: dict[str, Any], receive):
    cv = world["users"]["cv"]  # a specialist at Sở Công Thương, not a desk officer
    with pytest.raises(PermissionDenied):
        receive(at(2026, 3, 2, 9), actor=cv, receiving_agency_code="H11.05")
    with pytest.raises(PermissionDenied):
        receive(at(2026, 3, 2, 9), actor=cv)
    with pytest.raises(ValidationFailed) as unknown:
        receive(at(2026, 3, 2, 9), receiving_agency_code="H99.99")
    assert "receiving_agency" in unknown.value.field_errors
    desk = world["users"]["desk"]
    role_grant(user=desk, role=Role.DESK_OFFICER, agency=world["agencies"]["trade"])
    with pytest.raises(ValidationFailed) as several:
        receive(at(2026, 3, 2, 9))
    assert "receiving_agency" in several.value.field_errors
    named = receive(at(2026, 3, 2, 9), receiving_agency_code="H11.05")
    assert named.code == "H11.05-260302-0001"
    assert _counter(world["agencies"]["center"]) == 0


@pytest.mark.postgres
def test_the_folded_desk_check_agrees_with_accounts(postgres_only: None, world: dict[str, Any]):
    """One statement on PostgreSQL; the same answer as accounts' desk check, for every user
    and agency of the test world; a number taken only when the answer is a desk."""
    agencies = list(world["agencies"].values())
    for user in world["users"].values():
        for agency in agencies:
            expected = agency_where_desk_officer(user=user, code=agency.code)
            before = _counter(agency)
            with CaptureQueriesContext(connection) as ctx:
                got = dossier_code_next_at_desk(user=user, agency_code=agency.code, day=MONDAY)
            assert len(ctx.captured_queries) == 1
            if expected is None:
                assert got is None
                assert _counter(agency) == before
            else:
                assert got is not None
                desk, code = got
                assert [getattr(desk, f.attname) for f in desk._meta.concrete_fields] == [
                    getattr(expected, f.attname) for f in expected._meta.concrete_fields
                ]
                assert code == f"{agency.code}-260302-{before + 1:04d}"
                assert _counter(agency) == before + 1


def _comparable(value: Any) -> Any:
    if isinstance(value, Jsonb):
        return ("json", value.obj)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)  # psycopg's Int2/Int4/Int8 wrappers
    return value


def test_precompiled_insert_sends_what_model_save_would(world: dict[str, Any], receive):
    dossier = receive(at(2026, 3, 2, 9), receiving_agency_code=CENTER)
    rows: list[Any] = [
        Dossier.objects.get(pk=dossier.pk),
        *DossierStep.objects.filter(dossier=dossier),
        DossierEvent.objects.get(dossier=dossier),
    ]
    for obj in rows:
        plan = fastinsert._plan(type(obj))
        fast = fastinsert._db_values(obj, plan, connection)
        for (attname, field, pre_save, _builtin, _as_is), value in zip(plan, fast, strict=True):
            if pre_save:  # auto_now / auto_now_add: the time of the call
                assert getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                continue
            full = field.get_db_prep_save(field.pre_save(obj, True), connection)
            assert _comparable(value) == _comparable(full), attname
            assert type(value) is type(full), attname
    # The auto_now fields are the only ones whose pre_save runs.
    assert [a for a, _f, pre, _b, _i in fastinsert._plan(Dossier) if pre] == [
        "created_at",
        "updated_at",
    ]


def _state(obj: Any) -> dict[str, Any]:
    values = {k: v for k, v in obj.__dict__.items() if k != "_state"}
    return {
        **values,
        "_db": obj._state.db,
        "_adding": obj._state.adding,
        "_cache": dict(obj._state.fields_cache),
    }


def test_new_builds_what_the_keyword_constructor_builds(world: dict[str, Any], receive):
    """fastinsert.new(Model, **values) == Model(**values): the same values, defaults, cached
    related objects and database, for the models of the intake path."""
    dossier = receive(at(2026, 3, 2, 9), receiving_agency_code=CENTER)
    desk = world["users"]["desk"]
    center = world["agencies"]["center"]
    kinds: list[tuple[type[Any], dict[str, Any]]] = [
        (
            Dossier,
            {
                "procedure_version": dossier.procedure_version,
                "procedure_code": "2.000004",
                "receiving_agency": center,
                "deciding_agency_id": dossier.deciding_agency_id,
                "applicant_name": "Lò Văn Páo",
                "checklist": [{"position": 1}],
                "created_by": None,
            },
        ),
        (DossierStep, {"dossier": dossier, "position": 2, "agency_id": center.pk}),
        (DossierEvent, {"dossier": dossier, "actor": desk, "step": None, "action": "accept"}),
    ]
    for model, values in kinds:
        built, slow = fastinsert.new(model, **values), model(**values)
        mine, theirs = _state(built), _state(slow)
        for generated in ("reference", "lookup_pin"):  # random defaults differ by design
            if generated in mine:
                assert type(mine.pop(generated)) is type(theirs.pop(generated))
        assert mine == theirs, model.__name__
        for name, value in theirs["_cache"].items():
            assert mine["_cache"][name] is value
    with pytest.raises(TypeError, match="unexpected keyword"):
        fastinsert.new(DossierStep, dossier=dossier, nonsense=1)
    with pytest.raises(ValueError, match="must be a"):
        fastinsert.new(DossierStep, dossier=desk)


def test_new_goes_through_the_constructor_when_someone_listens(world: dict[str, Any], receive):
    """With a post_init listener (or a model of its own __init__), new() calls the model's
    constructor: the listener sees the instance, with the same values."""
    from django.db.models.signals import post_init

    dossier = receive(at(2026, 3, 2, 9), receiving_agency_code=CENTER)
    seen: list[Any] = []

    def listener(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance)

    post_init.connect(listener, sender=DossierStep)
    try:
        built = fastinsert.new(DossierStep, dossier=dossier, position=3, title="Thẩm định")
    finally:
        post_init.disconnect(listener, sender=DossierStep)
    assert seen == [built]
    slow = DossierStep(dossier=dossier, position=3, title="Thẩm định")
    assert _state(built) == _state(slow)


@pytest.mark.postgres
def test_intake_statements_on_postgresql(postgres_only: None, world: dict[str, Any], receive):
    """The desk check and the code are one statement; then the dossier, its steps and the
    event (plus BEGIN and COMMIT outside tests); after a few intakes on a connection the
    statements run prepared (DATABASES OPTIONS prepare_threshold)."""
    assert connection.settings_dict["OPTIONS"].get("prepare_threshold") == 5
    with CaptureQueriesContext(connection) as ctx:
        receive(at(2026, 3, 2, 9), receiving_agency_code=CENTER)
    # The dossier's own statements (the notification rows the signal writes are another app's;
    # the reports' fact row, whose digitised check reads dossiers_ tables, is counted in
    # reports/tests/test_statements.py).
    writes = [
        q["sql"].split("(")[0].strip()
        for q in ctx.captured_queries
        if ("dossiers_" in q["sql"] or "roleassignment" in q["sql"])
        and not q["sql"].startswith(("SAVEPOINT", "RELEASE", "INSERT INTO reports_"))
    ]
    assert writes == [
        "WITH desk AS",
        'INSERT INTO "dossiers_dossier"',
        'INSERT INTO "dossiers_dossierstep"',
        'INSERT INTO "dossiers_dossierevent"',
    ]
    for minute in range(6):
        receive(at(2026, 3, 2, 10, minute), receiving_agency_code=CENTER)
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cur.fetchall()]
    assert any(s.startswith("WITH desk AS") for s in prepared)
    assert any(s.startswith('INSERT INTO "dossiers_dossier" ') for s in prepared)
    assert any(s.startswith('INSERT INTO "dossiers_dossierstep" ') for s in prepared)


def test_a_failing_precompiled_insert_raises_djangos_error(world: dict[str, Any], receive):
    dossier = receive(at(2026, 3, 2, 9), receiving_agency_code=CENTER)
    again = Dossier.objects.get(pk=dossier.pk)
    again.pk, again.code = None, None  # the same reference: unique
    with pytest.raises(IntegrityError), transaction.atomic():
        fastinsert.insert([again])
    assert Dossier.objects.count() == 1  # the connection goes on after the rollback
    later = receive(at(2026, 3, 2, 10), receiving_agency_code=CENTER)
    assert later.code == "H11.01.01-260302-0002"
