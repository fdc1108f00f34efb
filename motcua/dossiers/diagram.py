"""The state diagram of TRANSITIONS as Mermaid text (kept in README.md; a test compares)."""

from __future__ import annotations

from motcua.dossiers.workflow import INITIAL, NATIONAL_STATUS, TRANSITIONS


def mermaid() -> str:
    lines = ["stateDiagram-v2"]
    for status in TRANSITIONS:
        lines.append(f"    {status.value}: {status.value} ({NATIONAL_STATUS[status]})")
    for status in TRANSITIONS:
        if status in INITIAL:
            lines.append(f"    [*] --> {status.value}")
    for status, targets in TRANSITIONS.items():
        for target in sorted(targets):
            lines.append(f"    {status.value} --> {target.value}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(mermaid())  # noqa: T201
