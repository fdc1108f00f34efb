"""A dossier changes status in one place: `motcua/dossiers/services/transition.py`
(`dossier_transition`, and `dossier_creation` for a new row; ADR 0025, issue 10). This scan of
the source (an AST walk of every module under motcua/, migrations and tests left out) fails,
naming file:line, on any other way:

- assigning `.status` (`x.status = …`, `setattr(x, "status", …)`): inside the dossiers app
  on anything, since a dossier cannot be told from another object there, except the step
  statuses written by `services/steps.py`; in the other apps on anything named like a
  dossier (`dossier.status`, `payment.dossier.status`);
- creating a dossier with a status (`Dossier(status=…)`, `Dossier.objects.create(status=…)`,
  `get_or_create` / `update_or_create`, with `status=` or in `defaults=`);
- updating statuses in bulk (`….update(status=…)`, `bulk_update(…, ["status"])`): inside
  the dossiers app except the steps' own in `services/steps.py`, elsewhere on a query named
  like a dossier;
- `.save()` without `update_fields` on a dossier: inside the dossiers app on anything but
  the new rows listed in SAVES_OF_NEW_ROWS, elsewhere on anything named like a dossier;
- writing a DossierEvent other than through the transition: `dossier_event_record(` called
  outside the transition module, `DossierEvent(` built outside the event writer.

"Named like a dossier": a name or attribute on the way to the call or assignment contains
"dossier" (call arguments are not looked at)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MOTCUA = ROOT / "motcua"

DOSSIERS_APP = "motcua/dossiers/"
TRANSITION = "motcua/dossiers/services/transition.py"
#: The one module that writes a step's status (never a dossier's).
STEPS = "motcua/dossiers/services/steps.py"
EVENT_WRITER = "motcua/dossiers/services/events.py"
#: `.save()` without update_fields inside the dossiers app: the INSERT of a new row of another
#: model (module, the name saved).
SAVES_OF_NEW_ROWS = {
    ("motcua/dossiers/services/intake.py", "doc"),  # a DossierDocument stored
    ("motcua/dossiers/services/paperwork.py", "doc"),  # a rendered form or signed result
    ("motcua/dossiers/services/online.py", "row"),  # a DraftFile uploaded
}
CREATES = {"create", "get_or_create", "update_or_create"}


def _path(node: ast.expr) -> list[str]:
    """The names on the way to an expression, outermost last: `self.dossier.steps.filter(
    x=1).update` → ["self", "dossier", "steps", "filter", "update"] (arguments left out)."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            break
        else:
            break
    return names[::-1]


def _dossier_like(names: Iterable[str]) -> bool:
    return any("dossier" in name.lower() for name in names)


def _keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg is not None}


def _has_status_key(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Dict) and any(
        isinstance(k, ast.Constant) and k.value == "status" for k in node.keys
    )


def _targets(node: ast.expr) -> Iterable[ast.expr]:
    if isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            yield from _targets(element)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)
    else:
        yield node


class _Scan(ast.NodeVisitor):
    def __init__(self, module: str) -> None:
        self.module = module
        self.in_app = module.startswith(DOSSIERS_APP)
        self.found: list[tuple[int, str]] = []

    def _report(self, node: ast.AST, what: str) -> None:
        self.found.append((getattr(node, "lineno", 0), what))

    def _status_assigned(self, node: ast.AST, receiver: ast.expr) -> None:
        """`receiver.status` is assigned at `node`."""
        if self.module == TRANSITION:
            return
        names = _path(receiver)
        if self.module == STEPS and not _dossier_like(names):
            return  # a step's status
        if self.in_app or _dossier_like(names):
            self._report(node, f"assigns {'.'.join(names) or '…'}.status")

    def _assigned(self, node: ast.AST, targets: Iterable[ast.expr]) -> None:
        for target in targets:
            for one in _targets(target):
                if isinstance(one, ast.Attribute) and one.attr == "status":
                    self._status_assigned(node, one.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assigned(node, node.targets)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._assigned(node, [node.target])
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._assigned(node, [node.target])
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        names = _path(func)
        name = names[-1] if names else ""
        kw = _keywords(node)
        if (
            name == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "status"
        ):
            self._status_assigned(node, node.args[0])
        creates = name == "Dossier" or (name in CREATES and names[:1] == ["Dossier"])
        if (
            creates
            and self.module != TRANSITION
            and ("status" in kw or _has_status_key(kw.get("defaults")))
        ):
            self._report(node, "creates a Dossier with a status")
        bulk_status = (name == "update" and "status" in kw) or (
            name == "bulk_update"
            and any(
                isinstance(e, ast.Constant) and e.value == "status"
                for arg in [*node.args[1:2], kw.get("fields")]
                if isinstance(arg, ast.List | ast.Tuple)
                for e in arg.elts
            )
        )
        if bulk_status and self.module != TRANSITION:
            receiver = names[:-1]
            steps_own = self.module == STEPS and receiver[:1] == ["DossierStep"]
            if not steps_own and (self.in_app or _dossier_like(receiver)):
                self._report(node, f"updates {'.'.join(receiver) or '…'} statuses in bulk")
        if (
            name == "save"
            and isinstance(func, ast.Attribute)
            and not node.args
            and "update_fields" not in kw
            and self.module != TRANSITION
        ):
            receiver = _path(func.value)
            new_row = (self.module, ".".join(receiver)) in SAVES_OF_NEW_ROWS
            if (self.in_app and not new_row) or _dossier_like(receiver):
                self._report(node, f"{'.'.join(receiver) or '…'}.save() without update_fields")
        if name == "dossier_event_record" and self.module != TRANSITION:
            self._report(node, "writes a DossierEvent outside the transition")
        if name == "DossierEvent" and self.module != EVENT_WRITER:
            self._report(node, "builds a DossierEvent outside the event writer")
        self.generic_visit(node)


def status_write_violations(sources: Iterable[tuple[str, str]]) -> list[str]:
    """`file:line: what` for every way around the transition in these (module path relative
    to the repository, source text) pairs."""
    found = []
    for module, text in sources:
        scan = _Scan(module)
        scan.visit(ast.parse(text, filename=module))
        found.extend(f"{module}:{line}: {what}" for line, what in sorted(scan.found))
    return found


def _sources() -> list[tuple[str, str]]:
    files = []
    for path in sorted(MOTCUA.rglob("*.py")):
        parts = path.relative_to(MOTCUA).parts
        if "tests" in parts or "migrations" in parts:
            continue
        files.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    return files


def test_only_the_transition_changes_a_dossier_status():
    sources = _sources()
    assert any(module == TRANSITION for module, _text in sources)
    assert status_write_violations(sources) == []


def test_the_scan_finds_each_way_around_the_transition():
    planted = {
        "motcua/dossiers/services/processing.py": (
            "dossier.status = DossierStatus.RETURNED\n"  # 1
            "d.status, d.note = 'x', ''\n"  # 2
            "setattr(dossier, 'status', 'x')\n"  # 3
            "dossier.save()\n"  # 4
            "dossier.save(update_fields=['note', 'updated_at'])\n"  # fine
            "doc.file.save(name, content, save=False)\n"  # fine: a file, not a row
            "step.save()\n"  # 7: not on the list of new rows
            "Dossier.objects.filter(pk=1).update(status='x')\n"  # 8
            "DossierStep.objects.filter(dossier=d).update(status='cancelled')\n"  # 9
            "dossier_event_record(dossier=d, actor=None, action='x', from_status='')\n"  # 10
            "Dossier(code='x', status='received')\n"  # 11
            "Dossier.objects.get_or_create(code='x', defaults={'status': 'received'})\n"  # 12
            "if dossier.status == 'received': pass\n"  # fine: a read
        ),
        "motcua/dossiers/services/steps.py": (
            "step.status = StepStatus.DONE\n"  # fine: the step module
            "DossierStep.objects.filter(dossier=d).update(status='cancelled')\n"  # fine
            "step.dossier.status = 'x'\n"  # 3
        ),
        "motcua/dossiers/services/intake.py": "doc.save()\nrow.save()\n",  # 2: row is not
        "motcua/payments/services.py": (
            "payment.status = 'paid'\n"  # fine: not a dossier
            "payment.dossier.status = 'x'\n"  # 2
            "Payment.objects.filter(dossier=d).update(status='expired')\n"  # fine
            "Dossier.objects.bulk_update(rows, ['status'])\n"  # 4
            "dossier.save()\n"  # 5
            "version.save()\n"  # fine
            "x = DossierEvent(action='take')\n"  # 7
        ),
        TRANSITION: (
            "dossier.status = target\n"
            "dossier.save(update_fields=changed)\n"
            "dossier_event_record(dossier=d)\n"
        ),
    }
    found = status_write_violations(planted.items())
    assert found == [
        "motcua/dossiers/services/processing.py:1: assigns dossier.status",
        "motcua/dossiers/services/processing.py:2: assigns d.status",
        "motcua/dossiers/services/processing.py:3: assigns dossier.status",
        "motcua/dossiers/services/processing.py:4: dossier.save() without update_fields",
        "motcua/dossiers/services/processing.py:7: step.save() without update_fields",
        "motcua/dossiers/services/processing.py:8: updates Dossier.objects.filter statuses in bulk",
        "motcua/dossiers/services/processing.py:9: updates DossierStep.objects.filter "
        "statuses in bulk",
        "motcua/dossiers/services/processing.py:10: writes a DossierEvent outside the transition",
        "motcua/dossiers/services/processing.py:11: creates a Dossier with a status",
        "motcua/dossiers/services/processing.py:12: creates a Dossier with a status",
        "motcua/dossiers/services/steps.py:3: assigns step.dossier.status",
        "motcua/dossiers/services/intake.py:2: row.save() without update_fields",
        "motcua/payments/services.py:2: assigns payment.dossier.status",
        "motcua/payments/services.py:4: updates Dossier.objects statuses in bulk",
        "motcua/payments/services.py:5: dossier.save() without update_fields",
        "motcua/payments/services.py:7: builds a DossierEvent outside the event writer",
    ]
