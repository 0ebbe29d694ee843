"""PERF-004: bound list endpoints with a limit or cursor."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import FUNCTION_TYPES, Call, JsFile, RouteCall
from scalefold.audit.js.visitors import on_call, on_pair, on_route
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


# ORM reads that return every row when called without a filter or options (`repository.find()`).
_READ_ALL = frozenset({"find", "findAll", "findMany"})
_SERVING_FILE = re.compile(r"controller|route|handler|resolver|api", re.IGNORECASE)
_LIMIT_KEYS = ("limit", "take", "pageSize", "page_size", "perPage", "per_page", "first")
# Validation chains whose number needs an explicit upper bound: Joi/yup/zod `.max(…)`, TypeBox `maximum`.
_SCHEMA_NUMBER = re.compile(r"^(Joi|joi|yup|z|Type|t)\.(number|integer|Integer|Number)\(")


@on_call(*sorted(_READ_ALL))
def _reads_every_row(file: JsFile, call: Call) -> Iterator[Hit]:
    """`userRepository.find()` / `User.findAll()` with no arguments, where requests are served."""
    if call.obj is None or call.args or file.text(call.obj) in {"this", "Array"}:
        return
    if file.in_request_handler(call.node) or _SERVING_FILE.search(file.rel):
        yield file.hit(
            call.node,
            f"`{file.text(call.obj)}.{call.name}()` reads every row: pass a `take`/`limit` and paginate",
        )


@on_pair(*_LIMIT_KEYS)
def _limit_without_maximum(file: JsFile, pair: ts.Node) -> Iterator[Hit]:
    """`limit: Joi.number().default(20)`: a client may ask for a million rows."""
    value = file.unwrap(pair.child_by_field_name("value"))
    text = file.text(value) if value is not None else ""
    if not _SCHEMA_NUMBER.match(text) or ".max(" in text or "maximum" in text:
        return
    yield file.hit(
        pair, f"`{file.text(pair.child_by_field_name('key'))}` has no maximum: cap it (e.g. `.max(100)`)"
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
    visitors=(_unbounded_list, _reads_every_row, _limit_without_maximum),
)
