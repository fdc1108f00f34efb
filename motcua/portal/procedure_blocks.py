"""Blocks that other features add to the public procedure page (feedback published about the
procedure, its frequently asked questions and question form, ...).

The procedure page's own data (the version, documents, fees, steps) is cached until the next
publish; these blocks are not: each is rendered on every request from its own, cheap reader.
A block is a template and a function of (request, procedure code) giving its context; a
function that returns None leaves its block out. Register in the portal module that owns the
block (at import time of that module, which portal/urls.py imports)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

ContextFn = Callable[[HttpRequest, str], dict[str, Any] | None]


@dataclass(frozen=True)
class ProcedureBlock:
    name: str
    template: str
    context: ContextFn
    order: int = 100


_BLOCKS: dict[str, ProcedureBlock] = {}


def procedure_block_add(block: ProcedureBlock) -> None:
    """Add (or replace, by name) a block of the procedure page."""
    _BLOCKS[block.name] = block


def procedure_blocks_render_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The blocks to show for this procedure, in order: [{"template", "context"}]."""
    out: list[dict[str, Any]] = []
    for block in sorted(_BLOCKS.values(), key=lambda b: (b.order, b.name)):
        context = block.context(request, code)
        if context is not None:
            out.append({"name": block.name, "template": block.template, "context": context})
    return out
