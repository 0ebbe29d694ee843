"""PERF-004: bound list endpoints with a limit or cursor."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import FUNCTION_TYPES, JsFile, RouteCall
from scalefold.audit.js.visitors import on_route
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule

_BOUNDS = frozenset(
    {"limit", "cursor", "page", "pageSize", "page_size", "perPage", "per_page", "take", "first", "after"}
    | {"before", "offset", "top"}
)
# Route paths are text: health, metrics and documentation routes are not lists.
_NOT_LISTS = re.compile(
    r"(^|/)(health|healthz|livez|readyz|ready|live|metrics|docs|openapi|swagger|me|status|version|ping)(/|$|\.json)"
)
_NAMES = frozenset(
    {
        "identifier",
        "property_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
    }
)
_FOLLOW_DEPTH = 2  # the route call, the constants it names, and the constants those name


def _is_listing(name: str) -> bool:
    """`list…`, `findAll`, `findMany`, `getAll…`, `search…`: a method that returns many rows."""
    return name.startswith(("list", "getAll", "search")) or name in {"findAll", "findMany"}


def _lists_in(file: JsFile, handler: ts.Node) -> bool:
    for node in file.walk(handler):
        if node.type != "call_expression":
            continue
        callee = file.unwrap(node.child_by_field_name("function"))
        if (
            callee is not None
            and callee.type == "member_expression"
            and _is_listing(file.text(callee.child_by_field_name("property")))
        ):
            return True
    return False


def _words(file: JsFile, node: ts.Node, depth: int = 0) -> Iterator[str]:
    """Names and string words under ``node``, following same-file constants it names."""
    for child in file.walk(node):
        if child.type in _NAMES:
            name = file.text(child)
            yield name
            target = file.declaration(name, at=child) if child.type == "identifier" else None
            if target is not None and depth < _FOLLOW_DEPTH and target.start_byte != node.start_byte:
                yield from _words(file, target, depth + 1)
        elif child.type in {"string_fragment", "template_string"}:
            yield from re.findall(r"\w+", file.text(child))  # a string's words are text


@on_route
def _unbounded_list(file: JsFile, route: RouteCall) -> Iterator[Hit]:
    if route.method not in {"GET", "ALL"} or route.handler is None:
        return
    path = route.path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last.startswith(":") or "{" in last or _NOT_LISTS.search(path or "/"):
        return
    handler = file.resolve(route.handler)
    if handler is None or handler.type not in FUNCTION_TYPES or not _lists_in(file, handler):
        return
    if any(word in _BOUNDS for word in _words(file, route.call.node)):
        return
    yield file.hit(
        route.call.node, f"GET {route.path} returns a list without a `limit`/`cursor`: paginate it"
    )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    project.require_services()
    yield from project.source_hits(rule)


RULE = Rule(
    id="PERF-004",
    name="performance-bounded-lists",
    category=Category.PERFORMANCE,
    severity=Severity.WARNING,
    title="Bound list endpoints with a limit or cursor",
    rationale="""A list route that returns every row is fast in development and a timeout in production:
        memory, serialisation time and response size grow with the table.""",
    fix="""Accept `limit` (with a maximum, e.g. 100) and a `cursor` in the query-string schema and pass
        them to the repository (`WHERE id > $cursor ORDER BY id LIMIT $limit`).""",
    check=check,
    visitors=(_unbounded_list,),
)
