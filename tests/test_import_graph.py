"""The module import graph of motcua and config (grimp, which import-linter is built on):

1. no import cycles between modules: every strongly connected component of the graph is a
   single module. A cycle is reported as the modules of the component and one shortest
   round trip through them, with the line of each import;
2. config is the composition root, on top of everything: no module of motcua (motcua.core
   first of all) imports it. motcua reaches the Celery app as `celery.current_app` and the
   settings through `django.conf.settings`.

Every import statement counts, wherever it is: at module level, inside a function (a "lazy"
import still ties the two modules together; it only hides the cycle from the interpreter),
and under `if TYPE_CHECKING:`. Type-only imports are kept (`exclude_type_checking_imports`
is False here) for the same reason: a module that needs another one's types to be read
depends on it, and a cycle through such an import is the same knot in the design even though
it cannot fail at import time. (The import-linter contracts in pyproject.toml leave them out:
they judge which modules an app uses, and another app's model class is named in annotations
that way; ADR 0026.) Test modules are part of the graph like any other module.
"""

from __future__ import annotations

from collections.abc import Iterator

import grimp
import pytest

PACKAGES = ("motcua", "config")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False, cache_dir=None)


def _imports(module: str, graph: grimp.ImportGraph) -> Iterator[str]:
    return iter(sorted(graph.find_modules_directly_imported_by(module)))


def strongly_connected_components(graph: grimp.ImportGraph) -> Iterator[list[str]]:
    """Tarjan's algorithm, iterative (no recursion limit to think about as the graph grows).
    Modules and their imports are visited in sorted order, so the report is stable."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, _imports(root, graph))]
        index[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = lowlink[other] = counter
                    counter += 1
                    stack.append(other)
                    on_stack.add(other)
                    work.append((other, _imports(other, graph)))
                    break
                if other in on_stack:
                    lowlink[module] = min(lowlink[module], index[other])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    lowlink[parent] = min(lowlink[parent], lowlink[module])
                if lowlink[module] == index[module]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == module:
                            break
                    yield sorted(component)


def _where(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    if not details:
        return f"{importer} -> {imported}"
    first = min(details, key=lambda d: d["line_number"])
    return f"{importer} -> {imported} (line {first['line_number']}: {first['line_contents']})"


def describe_cycle(graph: grimp.ImportGraph, component: list[str]) -> str:
    """The component's modules and one shortest round trip from its first module."""
    start = component[0]
    members = set(component)
    best: tuple[str, ...] | None = None
    for first_step in sorted(graph.find_modules_directly_imported_by(start) & members):
        back = graph.find_shortest_chain(importer=first_step, imported=start)
        if back is not None and (best is None or len(back) + 1 < len(best)):
            best = (start, *back)
    assert best is not None  # a component of two or more modules has a round trip
    steps = [_where(graph, a, b) for a, b in zip(best, best[1:], strict=False)]
    return f"{', '.join(component)}:\n    " + "\n    ".join(steps)


def test_the_components_are_found():
    """Tarjan on a small graph: a → b → c → a is one component (d → a and c → e lie outside
    it), f ⇄ g another; the round trip is reported with every step."""
    small = grimp.ImportGraph()
    for importer, imported in [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("d", "a"),
        ("c", "e"),
        ("f", "g"),
        ("g", "f"),
    ]:
        small.add_import(importer=importer, imported=imported)
    assert sorted(strongly_connected_components(small)) == [
        ["a", "b", "c"],
        ["d"],
        ["e"],
        ["f", "g"],
    ]
    assert describe_cycle(small, ["a", "b", "c"]) == "a, b, c:\n    a -> b\n    b -> c\n    c -> a"


def test_the_graph_covers_both_packages(graph):
    assert {"motcua.core.jobs", "motcua.dossiers.api", "config.celery", "config.urls"} <= set(
        graph.modules
    )


def test_there_are_no_import_cycles_between_modules(graph):
    cycles = [c for c in strongly_connected_components(graph) if len(c) > 1]
    assert not cycles, "import cycles:\n" + "\n".join(describe_cycle(graph, c) for c in cycles)


def test_nothing_in_motcua_imports_config(graph):
    upward = sorted(
        _where(graph, module, imported)
        for module in graph.find_descendants("motcua") | {"motcua"}
        for imported in graph.find_modules_directly_imported_by(module)
        if imported == "config" or imported.startswith("config.")
    )
    assert upward == [], "config is the composition root; imported from below:\n" + "\n".join(
        upward
    )


def test_core_does_not_reach_config_even_indirectly(graph):
    chains = graph.find_shortest_chains(importer="motcua.core", imported="config")
    assert chains == set(), f"motcua.core reaches config: {sorted(chains)}"
