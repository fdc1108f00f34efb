"""Precompiled statements for the hottest write paths only: INSERTs of model instances, and
our own fixed SQL (the dossier code counter).

`Model.save()` and `bulk_create()` compile the SQL, walk the fields and run signals for every
call; on the dossier intake path that Python work cost more than the round trips to the
database (bench/dossier_intake.py). `insert(...)` keeps the model's semantics that matter —
`pre_save` (auto_now, auto_now_add), defaults already set on the instance, the database's
value conversion (`get_db_prep_save`) — and sets the new primary keys on the instances, but it
sends no `pre_save`/`post_save` signals and runs no `save()` overrides (ADR 0014). Use it only
for models without either.

On PostgreSQL the statements go through a psycopg `RawCursor` (ADR 0015) instead of Django's
client-side-binding cursor: the SQL is written once with PostgreSQL's own `$1, $2…`
placeholders, the values travel apart from the SQL (no quoting in Python), and psycopg
prepares the statement on the server once it has run `prepare_threshold` times on a
connection (the database OPTIONS; None never prepares — for a connection pooler that does not
keep prepared statements, see docs/adr/0015). Database errors are Django's, and the
statements show in `connection.queries`, `CaptureQueriesContext` and execute wrappers (with
`$n` placeholders). Every other query of the app keeps Django's default cursor.

`execute(sql, params)` runs one of our own fixed statements the same way (the dossier code
counter).

`new(Model, **values)` builds the same instance as `Model(**values)` without Django's
per-field keyword constructor, which was a tenth of an intake's Python time (ADR 0050)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from psycopg import RawCursor

M = TypeVar("M", bound=models.Model)

_SQL: dict[tuple[str, type[models.Model], int, str], str] = {}
_NUMBERED: dict[str, str] = {}
# Per field: attname, field, pre_save needed, Django's own field, the kind of value that goes
# to the database as it is (`_plan`).
_FieldPlan = tuple[str, models.Field[Any, Any], bool, bool, str]
_PLANS: dict[type[models.Model], list[_FieldPlan]] = {}
# Django's own text fields: a str value goes to the database as it is (get_prep_value is
# str(), get_db_prep_value adds nothing). Subclasses are not assumed to behave the same.
_TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.SlugField)
# Fields whose pre_save is the plain attribute read unless auto_now / auto_now_add is set.
_DATE_FIELDS = (models.DateField, models.DateTimeField)


class _NewPlan:
    """What `new` needs of a model, worked out once."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = model._meta.concrete_fields
        self.attnames = tuple(f.attname for f in fields)
        #: attname → its default: the value itself (a constant, shared as Django shares it)
        self.constants: dict[str, Any] = {}
        #: (attname, callable) for a callable default or a DatabaseDefault (new each time)
        self.calls: list[tuple[str, Any]] = []
        #: field name → (field, relation) of each foreign key (given by its object)
        self.by_object: dict[str, tuple[models.Field[Any, Any], ForeignObjectRel]] = {}
        for f in fields:
            if (f.has_default() and callable(f.default)) or (
                not f.has_default() and f.db_default is not models.NOT_PROVIDED
            ):
                self.calls.append((f.attname, f.get_default))
            else:
                self.constants[f.attname] = f.get_default()
            if isinstance(f.remote_field, ForeignObjectRel) and f.name != f.attname:
                self.by_object[f.name] = (f, f.remote_field)
        # Django's own constructor adds nothing to the values (the instance's state and
        # __dict__ can be set directly) when the model keeps it, has no generated field, and
        # sets no field attribute through a descriptor but a foreign key's id (whose __set__
        # only forgets a related object that a new instance has not cached).
        self.plain = model.__init__ is models.Model.__init__ and all(
            not getattr(f, "generated", False)
            and type(model.__dict__.get(f.attname))
            in (DeferredAttribute, ForeignKeyDeferredAttribute)
            for f in fields
        )


_NEW_PLANS: dict[type[models.Model], _NewPlan] = {}


def new(model: type[M], /, **values: Any) -> M:
    """`model(**values)` at a fraction of the cost: the values set by attname over the
    defaults, with no per-field work but for the values given (and the defaults that are
    called). The same instance: every concrete field set, to its default when not given; a
    related object given by the field's name is cached on the instance and decides its
    database as the keyword constructor's descriptor does. Only field names and attnames
    (no properties). A model with its own `__init__`, pre/post-init listeners or other field
    descriptors is built by its constructor (from the values by position)."""
    plan = _NEW_PLANS.get(model)
    if plan is None:
        plan = _NEW_PLANS[model] = _NewPlan(model)
    attrs = dict(plan.constants)
    for attname, default in plan.calls:
        attrs[attname] = default()
    related: list[tuple[models.Field[Any, Any], ForeignObjectRel, Any]] = []
    for name, value in values.items():
        fk = plan.by_object.get(name)
        if fk is not None:
            f, rel = fk
            concrete = rel.model._meta.concrete_model
            if value is not None and not isinstance(value, concrete):  # type: ignore[arg-type]
                raise ValueError(f"{model.__name__}.{f.name} must be a {rel.model.__name__}.")
            target = f.target_field.attname  # type: ignore[attr-defined]
            attrs[f.attname] = None if value is None else getattr(value, target)
            related.append((f, rel, value))
        elif name in attrs:
            attrs[name] = value
        else:
            raise TypeError(f"{model.__name__}() got an unexpected keyword argument {name!r}")
    if plan.plain and not (pre_init.has_listeners(model) or post_init.has_listeners(model)):
        instance = model.__new__(model)
        instance._state = ModelState()
        instance.__dict__.update(attrs)
    else:
        instance = model(*(attrs[a] for a in plan.attnames))
    for f, rel, obj in related:
        if obj is not None:
            # What ForwardManyToOneDescriptor.__set__ does besides setting the id.
            if instance._state.db is None:
                instance._state.db = router.db_for_write(model, instance=obj)
            if obj._state.db is None:
                obj._state.db = router.db_for_write(type(obj), instance=instance)
            if not router.allow_relation(obj, instance):
                raise ValueError(f"{model.__name__}.{f.name}: the objects are in other databases.")
        f.set_cached_value(instance, obj)  # type: ignore[attr-defined]
        if obj is not None and not rel.multiple:  # one-to-one: the reverse too
            rel.set_cached_value(obj, instance)
    return instance


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    pk = model._meta.pk
    return [
        f for f in model._meta.concrete_fields if f is not pk or not isinstance(f, models.AutoField)
    ]


def _plan(model: type[models.Model]) -> list[_FieldPlan]:
    """Per field: its attname, the field, whether `pre_save` must run (anything but the plain
    attribute read), whether it is one of Django's own fields (None stays None — SQL NULL),
    and for those what goes to the database as it is: "str" (a str in a text field), "bool"
    (a bool in a BooleanField), "datetime" / "date" (an aware datetime in a DateTimeField, a
    date in a DateField, on PostgreSQL, whose `adapt_date*field_value` return them), or "".
    Everything else goes through `pre_save` and `get_db_prep_save` like `Model.save()` does."""
    plan = _PLANS.get(model)
    if plan is None:
        plan = []
        for f in _fields(model):
            cls = type(f)
            plain_read = cls.pre_save is models.Field.pre_save or (
                cls in _DATE_FIELDS and not (f.auto_now or f.auto_now_add)  # type: ignore[attr-defined]
            )
            builtin = cls.__module__.startswith("django.db.models.")
            as_is = ""
            if builtin:
                if cls in _TEXT_FIELDS:
                    as_is = "str"
                elif cls is models.BooleanField:
                    as_is = "bool"
                elif cls is models.DateTimeField:
                    as_is = "datetime"
                elif cls is models.DateField:
                    as_is = "date"
            plan.append((f.attname, f, not plain_read, builtin, as_is))
        _PLANS[model] = plan
    return plan


def _db_values(
    obj: models.Model,
    plan: list[_FieldPlan],
    connection: BaseDatabaseWrapper,
) -> list[Any]:
    """The row of `obj` as database parameters, the values `Model.save()` would send."""
    row: list[Any] = []
    dates_as_is = _server_binding(connection) and settings.USE_TZ
    for attname, f, pre_save, builtin, as_is in plan:
        value = f.pre_save(obj, True) if pre_save else getattr(obj, attname)
        kind = type(value)
        if value is None and builtin:
            row.append(None)
        elif (
            (as_is == "str" and kind is str)
            or (as_is == "bool" and kind is bool)
            or (
                dates_as_is
                and (
                    (as_is == "datetime" and kind is dt.datetime and value.tzinfo is not None)
                    or (as_is == "date" and kind is dt.date)
                )
            )
        ):
            row.append(value)
        else:
            row.append(f.get_db_prep_save(value, connection))
    return row


def _server_binding(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


def _numbered(sql: str) -> str:
    """`sql` with its `%s` placeholders numbered `$1, $2…` (our own SQL: no literal `%`)."""
    done = _NUMBERED.get(sql)
    if done is None:
        parts = sql.split("%s")
        done = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))
        _NUMBERED[sql] = done
    return done


class _HotCursor(RawCursor[Any]):
    """psycopg's RawCursor (`$n` placeholders, values bound on the server), told whether it
    may prepare: None lets the connection's `prepare_threshold` decide, False never."""

    prepare: bool | None = None

    def execute(
        self,
        query: Any,
        params: Any = None,
        *,
        prepare: bool | None = None,
        binary: bool | None = None,
    ) -> _HotCursor:
        return super().execute(
            query, params, prepare=self.prepare if prepare is None else prepare, binary=binary
        )


def _rows(connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any]) -> list[Any]:
    """Run `sql` (placeholders already in the connection's style) and fetch its rows.

    On PostgreSQL over a psycopg RawCursor: values bound on the server, the statement
    prepared after `prepare_threshold` runs. While someone listens — queries logged (DEBUG,
    `CaptureQueriesContext`, `assertNumQueries`) or an execute wrapper installed — through
    Django's cursor wrapper on a new cursor, and nothing is prepared while queries are
    logged (psycopg does not keep the text of a prepared statement's run where Django reads
    it for the log). Otherwise what Django's wrapper would do (the broken-transaction check,
    Django's database errors) without its layers, on one cursor kept per connection: on the
    intake path the layers and a new cursor per statement cost a tenth of a millisecond per
    statement (ADR 0015)."""
    if not _server_binding(connection):
        with connection.cursor() as cur:
            cur.execute(sql, params)
            found: list[Any] = cur.fetchall()
            return found
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    if not connection.queries_logged and not connection.execute_wrappers:
        connection.validate_no_broken_transaction()
        with connection.wrap_database_errors:
            raw = _kept_cursor(connection)
            raw.execute(sql, params)
            rows: list[Any] = raw.fetchall()
            return rows
    with connection.wrap_database_errors:
        fresh: Any = _HotCursor(connection.connection)
    wrapper: CursorWrapper
    if connection.queries_logged:
        fresh.prepare = False
        wrapper = connection.make_debug_cursor(fresh)
    else:
        wrapper = connection.make_cursor(fresh)
    with wrapper:
        wrapper.execute(sql, params)
        logged: list[Any] = wrapper.fetchall()
        return logged


def _kept_cursor(connection: BaseDatabaseWrapper) -> _HotCursor:
    """The cursor kept for this Django connection's current psycopg connection (a psycopg
    cursor holds nothing on the server; a new one is made after a reconnection)."""
    pg = connection.connection
    kept: tuple[Any, _HotCursor] | None = connection.__dict__.get("_motcua_hot_cursor")
    if kept is None or kept[0] is not pg or kept[1].closed:
        kept = (pg, _HotCursor(pg))
        connection.__dict__["_motcua_hot_cursor"] = kept
    return kept[1]


def execute(sql: str, params: Sequence[Any], *, using: str = "default") -> list[tuple[Any, ...]]:
    """Run one of our own fixed statements that return rows (a SELECT, or a write with
    RETURNING), written with `%s` placeholders, on the hot path; return its rows."""
    connection = connections[using]
    return _rows(connection, _numbered(sql) if _server_binding(connection) else sql, params)


def insert(objs: Sequence[M], *, using: str | None = None) -> Sequence[M]:
    """Insert `objs` (all of one model, not yet saved) in one statement; set their pks."""
    if not objs:
        return objs
    model = type(objs[0])
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover - old SQLite
        return model._default_manager.using(alias).bulk_create(objs)
    rows = _rows(
        connection, _insert_sql(connection, alias, model, len(objs), ""), _params(objs, connection)
    )
    # PostgreSQL and SQLite return the rows of a multi-row INSERT … RETURNING in VALUES order.
    for obj, (value,) in zip(objs, rows, strict=True):
        _saved(obj, value, alias)
    return objs


def insert_skipping_conflicts(
    objs: Sequence[M], *, tell_by: str, using: str | None = None
) -> list[M]:
    """Insert those of `objs` that break no unique constraint, in one statement (`INSERT …
    ON CONFLICT DO NOTHING RETURNING`: no savepoint needed, and a row being written by
    another transaction at the same time is waited for, then skipped). Returns the objects
    written, with their pks set. `tell_by` names a field whose value differs between the
    objects (the rows returned are matched to them by it)."""
    if not objs:
        return []
    model = type(objs[0])
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    field = model._meta.get_field(tell_by)
    assert isinstance(field, models.Field)
    by_value = {getattr(obj, field.attname): obj for obj in objs}
    assert len(by_value) == len(objs), f"{tell_by} must differ between the objects"
    qn = connection.ops.quote_name
    sql = _insert_sql(connection, alias, model, len(objs), qn(str(field.column)))
    written = []
    for value, told in _rows(connection, sql, _params(objs, connection)):
        obj = by_value[told]
        _saved(obj, value, alias)
        written.append(obj)
    return written


def _insert_sql(
    connection: BaseDatabaseWrapper, alias: str, model: type[models.Model], n: int, also: str
) -> str:
    """INSERT of `n` rows of `model` RETURNING the pk; with `also` (a column), ON CONFLICT
    DO NOTHING and that column returned too."""
    key = (alias, model, n, also)
    sql = _SQL.get(key)
    if sql is None:
        pk = model._meta.pk
        assert pk is not None
        fields = _fields(model)
        qn = connection.ops.quote_name
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {qn(model._meta.db_table)} "  # noqa: S608 - our own model's names
            f"({', '.join(qn(f.column) for f in fields)}) VALUES "
            + ", ".join([one] * n)
            + (" ON CONFLICT DO NOTHING" if also else "")
            + f" RETURNING {qn(pk.column)}"
            + (f", {also}" if also else "")
        )
        if _server_binding(connection):
            sql = _numbered(sql)
        _SQL[key] = sql
    return sql


def _params(objs: Sequence[models.Model], connection: BaseDatabaseWrapper) -> list[Any]:
    plan = _plan(type(objs[0]))
    params: list[Any] = []
    for obj in objs:
        params += _db_values(obj, plan, connection)
    return params


def _saved(obj: models.Model, pk_value: Any, alias: str) -> None:
    pk = obj._meta.pk
    assert pk is not None
    setattr(obj, pk.attname, pk_value)
    obj._state.adding = False
    obj._state.db = alias
