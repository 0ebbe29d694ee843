"""ARCH-004: no import cycles between modules."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.model import Category, Hit, Location, NotApplicable, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.architecture.layers import resolve_import


def _unit(rel: str) -> str:
    """`src/modules/orders` for every file of that feature module; the file itself elsewhere."""
    parts = rel.split("/")
    for index in range(len(parts) - 2):
        if parts[index] == "modules":
            return "/".join(parts[: index + 2])
    return rel


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (a large tree must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def _cycle_path(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    members = set(component)
    start = component[0]
    path = [start]
    seen = {start}
    while True:
        nxt = sorted(n for n in graph.get(path[-1], ()) if n in members)
        back = [n for n in nxt if n == start]
        if back and len(path) > 1:
            return path + [start]
        fresh = [n for n in nxt if n not in seen]
        if not fresh:
            return path + [start]
        path.append(fresh[0])
        seen.add(fresh[0])


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    project.require_node()
    sources = project.source_facts()
    if not sources:
        raise NotApplicable("no server source code")
    graph: dict[str, set[str]] = {}
    first_edge: dict[tuple[str, str], tuple[str, int]] = {}
    for rel in sorted(sources):
        source_unit = _unit(rel)
        for imp in sources[rel].imports:
            if imp.type_only or imp.dynamic:
                continue
            target = resolve_import(sources, rel, imp.spec)
            if target is None:
                continue
            target_unit = _unit(target)
            if target_unit == source_unit:
                continue
            graph.setdefault(source_unit, set()).add(target_unit)
            first_edge.setdefault((source_unit, target_unit), (rel, imp.line))
    for component in _strongly_connected(graph):
        cycle = _cycle_path(graph, component)
        rel, line = first_edge[(cycle[0], cycle[1])]
        shown = " → ".join(
            c.rsplit("/", 1)[-1] if c.startswith("src/") and "/modules/" not in c else c for c in cycle
        )
        yield Hit(
            Location(rel, line, f"cycle {' '.join(cycle)}"),
            f"Import cycle: {shown}: move the shared code into its own module or use an event",
        )


RULE = Rule(
    id="ARCH-004",
    name="architecture-no-import-cycles",
    category=Category.ARCHITECTURE,
    severity=Severity.NOTE,  # a layering heuristic: under 0.9 precision on the labelled corpus
    title="No import cycles between modules",
    rationale="""Modules that import each other cannot be understood, tested or extracted alone, and with
        ES modules a cycle can hand one side an uninitialised binding at start-up. Feature modules
        (`src/modules/<name>/`) are compared as wholes; elsewhere files are. Type-only imports do not
        count.""",
    fix="""Break the cycle: move the shared piece into a third module (or `shared/`), or have one side
        publish an event the other consumes.""",
    check=check,
)
