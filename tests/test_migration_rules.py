"""Zero-downtime migration rules (issue 16; docs/deploy.md "Upgrades", docs/adr/0047).

A rolling upgrade migrates the database while the app servers and workers of the previous
release still run. A migration must therefore leave a schema the OLD code can still use, and
must not lock a table that grows with the dossiers for longer than a moment. Every migration
under motcua/*/migrations is checked here; an operation that breaks a rule fails the test:

- `RemoveField`, `DeleteModel`, `RenameField`, `RenameModel`, `AlterModelTable`: the old code
  still reads and writes the old column or table. Do it in two releases: first stop using it
  (keep the column, nullable or with a database default), then remove it in the next release.
- `AddField` of a NOT NULL column without `db_default` on a table that already exists: the old
  code inserts rows without the column. A Python-side `default=` is not enough: Django drops
  the column's default right after adding it. Add it nullable or with `db_default=`.
- `AlterField` that makes a nullable column NOT NULL (without `db_default`): the old code may
  still write NULL, and checking the rows locks the table.
- `RunPython` without a reverse function, `RunSQL` without reverse SQL: the release cannot be
  rolled back (`migrations.RunPython.noop` / `migrations.RunSQL.noop` when nothing is to undo).
- `AddIndex`, `AddConstraint`, `AlterUniqueTogether`, `AlterIndexTogether` on a big table
  (BIG_TABLES): building the index or checking the rows blocks writes on the whole table.
  Use `AddIndexConcurrently` (with `atomic = False`), or write the reason down.

A migration may break a rule only when it says why, in a module-level string:

    ZERO_DOWNTIME_EXCEPTION = "why this is safe, or how the upgrade must be run (maintenance window)"

Migrations written before these rules (all applied by installations before their first
rolling upgrade) are listed in GRANDFATHERED with what they do; the list never grows.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

MARKER = "ZERO_DOWNTIME_EXCEPTION"
ROOT = Path(__file__).resolve().parents[1]

#: Tables that grow with the dossiers (app_label, model_name): an index or a constraint added to
#: one of them is built while writes wait.
BIG_TABLES = frozenset(
    {
        ("core", "auditentry"),
        ("dossiers", "dossier"),
        ("dossiers", "dossierstep"),
        ("dossiers", "dossierevent"),
        ("dossiers", "dossierdocument"),
        ("dossiers", "notice"),
        ("notifications", "notification"),
        ("payments", "payment"),
        ("payments", "paymentcallback"),
        ("feedback", "rating"),
        ("feedback", "ratingreceipt"),
        ("pakn", "feedback"),
        ("pakn", "feedbackevent"),
        ("reports", "dailyflow"),
        ("reports", "flowrollup"),
        ("surveys", "surveyinvitation"),
        ("surveys", "surveyresponse"),
        ("surveys", "surveyanswer"),
        ("privacy", "personaldataview"),
    }
)

_REASON = (
    "before the zero-downtime rules (issue 16): applied by every installation as part of a "
    "full install or a stopped upgrade, never during a rolling upgrade"
)
#: Migrations older than the rules that break one, with what they do. Never add to this list:
#: a new migration that must break a rule says why in ZERO_DOWNTIME_EXCEPTION.
GRANDFATHERED: dict[tuple[str, str], str] = {
    ("accounts", "0004_two_factor_sign_in"): "NOT NULL user column with a Python default; "
    + _REASON,
    ("catalog", "0003_version_form_fields"): "NOT NULL version column with a Python default; "
    + _REASON,
    ("core", "0003_audit_chain"): "NOT NULL chain columns and a unique constraint on the audit "
    "trail; " + _REASON,
    ("dossiers", "0002_documents_and_pin"): "NOT NULL dossier and document columns with Python "
    "defaults, a document index; " + _REASON,
    ("dossiers", "0003_worklist_indexes"): "three indexes on the step table; " + _REASON,
    ("dossiers", "0004_online_drafts_and_form_data"): "NOT NULL dossier columns with Python "
    "defaults; " + _REASON,
    ("dossiers", "0005_near_due_at"): "NOT NULL step column with a Python default, dossier and "
    "step indexes; " + _REASON,
    ("dossiers", "0006_deadline_counts_index"): "an index on the dossier table; " + _REASON,
    ("dossiers", "0007_apology_reminder"): "an index on the dossier table; " + _REASON,
    ("dossiers", "0009_audit_chain"): "NOT NULL chain columns on dossiers and events; " + _REASON,
    ("notifications", "0003_messages_without_dossier"): "NOT NULL notification columns with "
    "Python defaults, an index and constraints; " + _REASON,
    ("reports", "0002_indicators_exports_service_figures"): "NOT NULL fact-table columns with "
    "Python defaults; " + _REASON,
}


def _marker(migration: Any) -> str:
    module = sys.modules.get(type(migration).__module__)
    value = getattr(module, MARKER, "") if module else ""
    return value.strip() if isinstance(value, str) else ""


def _database_operations(operations: Iterable[Operation]) -> Iterable[Operation]:
    for op in operations:
        if isinstance(op, migrations.SeparateDatabaseAndState):
            yield from _database_operations(op.database_operations)
        else:
            yield op


def _model_key(app_label: str, name: str) -> tuple[str, str]:
    return (app_label, name.lower())


def operation_problems(
    app_label: str, operation: Operation, state: ProjectState, created_here: set[tuple[str, str]]
) -> list[str]:
    """What `operation` does that the old release could not live with (given the state
    before it, and the models created earlier in the same migration)."""
    op = operation
    name = type(op).__name__
    if isinstance(
        op,
        migrations.RemoveField
        | migrations.DeleteModel
        | migrations.RenameField
        | migrations.RenameModel
        | migrations.AlterModelTable,
    ):
        return [f"{name}: the old code still uses the column/table (do it in two releases)"]
    if isinstance(op, migrations.AddField):
        key = _model_key(app_label, op.model_name)
        field = op.field
        not_null = not field.null and not field.many_to_many
        has_db_default = getattr(field, "db_default", models.NOT_PROVIDED) is not (
            models.NOT_PROVIDED
        )
        if not_null and not has_db_default and key not in created_here:
            return [
                f"AddField {op.model_name}.{op.name}: NOT NULL without db_default on an "
                "existing table (old code inserts rows without it)"
            ]
        return []
    if isinstance(op, migrations.AlterField):
        key = _model_key(app_label, op.model_name)
        before = state.models.get(key)
        old = before.fields.get(op.name) if before else None
        has_db_default = getattr(op.field, "db_default", models.NOT_PROVIDED) is not (
            models.NOT_PROVIDED
        )
        if old is not None and old.null and not op.field.null and not has_db_default:
            return [f"AlterField {op.model_name}.{op.name}: nullable to NOT NULL"]
        return []
    if isinstance(op, migrations.RunPython) and op.reverse_code is None:
        return ["RunPython without a reverse function (use migrations.RunPython.noop)"]
    if isinstance(op, migrations.RunSQL) and op.reverse_sql is None:
        return ["RunSQL without reverse SQL (use migrations.RunSQL.noop)"]
    if isinstance(op, _concurrent_types()):
        return []
    if isinstance(op, _LOCKING):
        model = getattr(op, "model_name", None) or op.name
        key = _model_key(app_label, model)
        if key in BIG_TABLES and key not in created_here:
            return [f"{name} on the big table {key[0]}.{key[1]} blocks its writes"]
    return []


_LOCKING = tuple(
    t
    for t in (
        migrations.AddIndex,
        migrations.AddConstraint,
        migrations.AlterUniqueTogether,
        getattr(migrations, "AlterIndexTogether", None),
    )
    if t is not None
)


def _concurrent_types() -> tuple[type, ...]:
    from django.contrib.postgres.operations import AddIndexConcurrently

    return (AddIndexConcurrently,)


def migration_problems(migration: Any, state: ProjectState) -> list[str]:
    """Every rule `migration` breaks, walking its operations from `state` (which it mutates as
    the migration would). Empty when it carries ZERO_DOWNTIME_EXCEPTION."""
    problems: list[str] = []
    created_here: set[tuple[str, str]] = set()
    app_label = migration.app_label
    for op in migration.operations:
        for db_op in _database_operations([op]):
            if isinstance(db_op, migrations.CreateModel):
                created_here.add(_model_key(app_label, db_op.name))
            problems += operation_problems(app_label, db_op, state, created_here)
        op.state_forwards(app_label, state)
    return [] if _marker(migration) else problems


def _motcua_labels() -> set[str]:
    from django.apps import apps

    return {c.label for c in apps.get_app_configs() if c.name.startswith("motcua.")}


def walk(loader: MigrationLoader) -> dict[tuple[str, str], list[str]]:
    """Every motcua migration's problems, in the order `migrate` applies them."""
    graph = loader.graph
    plan: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for leaf in sorted(graph.leaf_nodes()):
        for node in graph.forwards_plan(leaf):
            if node not in seen:
                seen.add(node)
                plan.append(node)
    state = ProjectState(real_apps=loader.unmigrated_apps)
    labels = _motcua_labels()
    found: dict[tuple[str, str], list[str]] = {}
    for key in plan:
        problems = migration_problems(graph.nodes[key], state)
        if key[0] in labels:
            found[key] = problems
    return found


def broken(found: dict[tuple[str, str], list[str]]) -> dict[str, list[str]]:
    """The migrations that break a rule and are not grandfathered."""
    return {
        f"{app}.{name}": problems
        for (app, name), problems in found.items()
        if problems and (app, name) not in GRANDFATHERED
    }


@pytest.fixture(scope="module")
def project() -> dict[tuple[str, str], list[str]]:
    return walk(MigrationLoader(None, ignore_no_migrations=True))


def test_every_motcua_migration_is_checked(project):
    from django.apps import apps

    on_disk = {
        (config.label, p.stem)
        for config in apps.get_app_configs()
        if config.name.startswith("motcua.")
        for p in Path(config.path).glob("migrations/[0-9]*.py")
    }
    assert on_disk
    assert set(project) == on_disk


def test_new_migrations_keep_the_old_release_running(project):
    assert broken(project) == {}, (
        "These migrations would break the running release during a rolling upgrade "
        "(docs/deploy.md, 'Upgrades'). Split the change over two releases, or add "
        f"{MARKER} = '<why it is safe>' to the migration module."
    )


def test_the_big_tables_are_models(db):
    """A renamed model must not silently drop out of the big-table rule."""
    from django.apps import apps

    for app_label, model_name in BIG_TABLES:
        apps.get_model(app_label, model_name)


def test_the_grandfathered_list_holds_only_migrations_that_need_it(project):
    """An entry for a migration that no longer exists or breaks nothing is removed."""
    needless = [key for key in GRANDFATHERED if not project.get(key)]
    assert needless == []


# --- The checker itself, on migrations written for the test --------------------------------------

_BAD = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = []
    operations = [
        migrations.AddField("dossier", "region", models.CharField(max_length=10, default="")),
        migrations.RemoveField("dossier", "decision_note"),
        migrations.RenameField("dossier", "representative", "agent"),
        migrations.AlterField("dossier", "appointment_at", models.DateTimeField()),
        migrations.RunPython(lambda apps, schema_editor: None),
        migrations.RunSQL("UPDATE dossiers_dossier SET code = code"),
        migrations.AddIndex("dossier", models.Index(fields=["received_at"], name="d_recv")),
        migrations.AddConstraint(
            "dossierstep",
            models.CheckConstraint(condition=models.Q(id__gt=0), name="step_id_positive"),
        ),
        migrations.DeleteModel("notice"),
    ]
"""

_GOOD = """
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False
    dependencies = []
    operations = [
        migrations.AddField("dossier", "region", models.CharField(max_length=10, null=True)),
        migrations.AddField(
            "dossier", "flag", models.BooleanField(default=False, db_default=False)
        ),
        migrations.AlterField("dossier", "appointment_at", models.DateTimeField(null=True)),
        migrations.RunPython(lambda apps, schema_editor: None, migrations.RunPython.noop),
        migrations.RunSQL("SELECT 1", migrations.RunSQL.noop),
        AddIndexConcurrently("dossier", models.Index(fields=["received_at"], name="d_recv")),
        migrations.CreateModel(
            "Tally", [("id", models.BigAutoField(primary_key=True)), ("n", models.IntegerField())]
        ),
        migrations.AddField("tally", "m", models.IntegerField(default=0)),
        migrations.AddIndex("tally", models.Index(fields=["n"], name="tally_n")),
    ]
"""


def _load(tmp_path: Path, name: str, source: str) -> Any:
    """A migration module written to a file and imported, as the loader imports them."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(f"motcua_test_migrations_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.Migration(name, "dossiers")


@pytest.fixture(scope="module")
def state_now() -> Any:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = loader.graph.leaf_nodes()
    return lambda: loader.project_state(leaves)


def test_the_checker_flags_each_unsafe_operation(tmp_path, state_now):
    problems = migration_problems(_load(tmp_path, "0999_bad", _BAD), state_now())
    text = "\n".join(problems)
    assert len(problems) == 9, text
    for expected in (
        "AddField dossier.region: NOT NULL without db_default",
        "RemoveField",
        "RenameField",
        "AlterField dossier.appointment_at: nullable to NOT NULL",
        "RunPython without a reverse",
        "RunSQL without reverse",
        "AddIndex on the big table dossiers.dossier",
        "AddConstraint on the big table dossiers.dossierstep",
        "DeleteModel",
    ):
        assert expected in text


def test_the_checker_accepts_the_safe_forms(tmp_path, state_now):
    assert migration_problems(_load(tmp_path, "0998_good", _GOOD), state_now()) == []


def test_the_marker_lets_a_migration_say_why(tmp_path, state_now):
    marked = _BAD + '\nZERO_DOWNTIME_EXCEPTION = "run in a maintenance window (ticket 42)"\n'
    assert migration_problems(_load(tmp_path, "0997_marked", marked), state_now()) == []
    empty = _BAD + '\nZERO_DOWNTIME_EXCEPTION = "  "\n'
    assert len(migration_problems(_load(tmp_path, "0996_empty", empty), state_now())) == 9


def test_a_bad_migration_in_the_tree_fails_the_project_check(tmp_path):
    """The project-wide walk, with the synthetic migration added to the real graph on top of
    the dossiers' leaf, reports it (and only it)."""
    before = broken(walk(MigrationLoader(None, ignore_no_migrations=True)))
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaf = next(n for n in loader.graph.leaf_nodes() if n[0] == "dossiers")
    migration = _load(tmp_path, "0995_bad", _BAD)
    migration.dependencies = [leaf]
    key = ("dossiers", "0995_bad")
    loader.graph.add_node(key, migration)
    loader.graph.add_dependency(migration, key, leaf)
    found = broken(walk(loader))
    assert set(found) - set(before) == {"dossiers.0995_bad"}
    assert len(found["dossiers.0995_bad"]) == 9
