"""INSERT model instances with a precompiled statement: for the hottest write paths only.

`Model.save()` and `bulk_create()` compile the SQL, walk the fields and run signals for every
call; on the dossier intake path that Python work cost more than the round trips to the
database (bench/dossier_intake.py). `insert(...)` keeps the model's semantics that matter —
`pre_save` (auto_now, auto_now_add), defaults already set on the instance, the database's
value conversion (`get_db_prep_save`) — and sets the new primary keys on the instances, but it
sends no `pre_save`/`post_save` signals and runs no `save()` overrides (ADR 0014). Use it only
for models without either."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)

_SQL: dict[tuple[str, type[models.Model], int], str] = {}


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    pk = model._meta.pk
    return [
        f for f in model._meta.concrete_fields if f is not pk or not isinstance(f, models.AutoField)
    ]


def insert(objs: Sequence[M], *, using: str | None = None) -> Sequence[M]:
    """Insert `objs` (all of one model, not yet saved) in one statement; set their pks."""
    if not objs:
        return objs
    model = type(objs[0])
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover - old SQLite
        return model._default_manager.using(alias).bulk_create(objs)
    fields = _fields(model)
    key = (alias, model, len(objs))
    sql = _SQL.get(key)
    qn = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    if sql is None:
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {qn(model._meta.db_table)} "  # noqa: S608 - our own model's names
            f"({', '.join(qn(f.column) for f in fields)}) VALUES "
            + ", ".join([one] * len(objs))
            + f" RETURNING {qn(pk.column)}"
        )
        _SQL[key] = sql
    params: list[Any] = []
    for obj in objs:
        for f in fields:
            params.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # PostgreSQL and SQLite return the rows of a multi-row INSERT … RETURNING in VALUES order.
    for obj, (value,) in zip(objs, rows, strict=True):
        setattr(obj, pk.attname, value)
        obj._state.adding = False
        obj._state.db = alias
    return objs
