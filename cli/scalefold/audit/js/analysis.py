"""Parse one source file and run the visitors of a run over it.

The file is parsed once and one tree-sitter query collects every node kind a visitor may want.
The query cursor returns each capture's nodes as a set (ordered by memory address, so differently
on each run): they are sorted back into document order here (by start, then end, byte), so "the
first declaration of a name" or "the first place a signal shows" is the same on every run.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from functools import cache
from operator import attrgetter

import tree_sitter as ts

from scalefold.audit.js.facts import Import, JsFacts, Mark, Route, VisitorError
from scalefold.audit.js.syntax import (
    ROUTE_NAMES,
    Call,
    JsFile,
    bare_module,
    call_arguments,
    normalise_module,
    route_of,
)
from scalefold.audit.js.visitors import Entry, Found, Kind, VisitorTable
from scalefold.audit.model import Hit

_QUERY_SOURCE = """
(import_statement) @import
(export_statement source: (_)) @export
(variable_declarator) @decl
(function_declaration) @fndecl
(call_expression) @call
(new_expression) @new
(regex) @regex
(assignment_expression) @assign
(pair key: (property_identifier)) @pair
"""


@cache
def _language(ext: str) -> tuple[ts.Parser, ts.Query]:
    if ext in {".ts", ".mts", ".cts", ".tsx"}:
        import tree_sitter_typescript

        grammar = (
            tree_sitter_typescript.language_tsx()
            if ext == ".tsx"
            else tree_sitter_typescript.language_typescript()
        )
    else:
        import tree_sitter_javascript

        grammar = tree_sitter_javascript.language()
    language = ts.Language(grammar)
    return ts.Parser(language), ts.Query(language, _QUERY_SOURCE)


_POSITION = attrgetter("start_byte", "end_byte")


def _in_document_order(nodes: list[ts.Node]) -> list[ts.Node]:
    return sorted(nodes, key=_POSITION)


class _Dispatch:
    """Calls visitors, files what they return under their owner, and keeps a visitor's crash to it."""

    def __init__(self, file: JsFile, facts: JsFacts) -> None:
        self.file = file
        self.facts = facts
        self.failed: set[str] = set()

    def run(self, entries: Iterable[Entry], *args: object) -> None:
        for owner, visit in entries:
            if owner in self.failed:
                continue
            try:
                found = visit(self.file, *args)
                if found is not None:
                    self._keep(owner, found)
            except Exception:  # noqa: BLE001 - a bug in one rule's visitor must not hide the others
                self.failed.add(owner)
                self.facts.errors.append(VisitorError(owner, traceback.format_exc()))

    def _keep(self, owner: str, found: Found) -> None:
        for item in found or ():
            if isinstance(item, Hit):
                self.facts.add_hit(owner, item)
            elif isinstance(item, Mark):
                self.facts.add_mark(owner, item)
            else:
                raise TypeError(f"a visitor returned {type(item).__name__}, not a Hit or a Mark")


def _parse(rel: str, source: bytes) -> tuple[JsFile, dict[str, list[ts.Node]]]:
    ext = "." + rel.rsplit(".", 1)[-1] if "." in rel else ".js"
    parser, query = _language(ext)
    file = JsFile(rel, source, parser.parse(source))
    captures = {
        name: _in_document_order(nodes)
        for name, nodes in ts.QueryCursor(query).captures(file.tree.root_node).items()
    }
    _collect_imports(file, captures.get("import", []), captures.get("export", []))
    _collect_declarations(file, captures.get("decl", []), captures.get("fndecl", []))
    return file, captures


def parse(rel: str, source: bytes) -> JsFile:
    """One file's syntax tree with its imports and declarations, for a rule that follows a call into it."""
    return _parse(rel, source)[0]


def analyse(rel: str, source: bytes, table: VisitorTable) -> JsFacts:
    """Parse one file and run every visitor of ``table`` over it."""
    file, captures = _parse(rel, source)
    facts = JsFacts(path=rel)
    dispatch = _Dispatch(file, facts)
    every_import = table.all(Kind.IMPORT)
    for imp in file.imports:
        module = imp.spec.removeprefix("node:")
        package = bare_module(module)
        named = table.named(Kind.IMPORT, module)
        if package != module:
            named = named + [entry for entry in table.named(Kind.IMPORT, package) if entry not in named]
        dispatch.run(named, imp)
        dispatch.run(every_import, imp)
    _visit_calls(file, captures.get("call", []), table, dispatch, facts)
    if table.wants(Kind.NEW):
        for node in captures.get("new", []):
            constructor = file.unwrap(node.child_by_field_name("constructor"))
            if constructor is None:
                continue
            name = file.text(
                constructor.child_by_field_name("property")
                if constructor.type == "member_expression"
                else constructor
            )
            dispatch.run(table.named(Kind.NEW, name), node, call_arguments(node))
    for node in captures.get("regex", []):
        dispatch.run(table.all(Kind.REGEX), node)
    for node in captures.get("assign", []):
        dispatch.run(table.all(Kind.ASSIGNMENT), node)
    if table.wants(Kind.PAIR):
        for node in captures.get("pair", []):
            key = file.text(node.child_by_field_name("key"))
            dispatch.run(table.named(Kind.PAIR, key), node)
    facts.imports = file.imports
    return facts


def _collect_imports(file: JsFile, imports: list[ts.Node], exports: list[ts.Node]) -> None:
    for node in imports:
        source = node.child_by_field_name("source")
        spec = file.string_value(source)
        if spec is None:
            continue
        type_only = any(c.type == "type" for c in node.children)
        file.imports.append(Import(spec, file.line(node), type_only))
        module = normalise_module(spec) or spec
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if clause is None:
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                file.bindings[file.text(part)] = (module, "default")
            elif part.type == "namespace_import":
                ident = next((c for c in part.named_children if c.type == "identifier"), None)
                if ident is not None:
                    file.bindings[file.text(ident)] = (module, "*")
            elif part.type == "named_imports":
                for spec_node in part.named_children:
                    if spec_node.type != "import_specifier":
                        continue
                    name = file.text(spec_node.child_by_field_name("name"))
                    alias = spec_node.child_by_field_name("alias")
                    file.bindings[file.text(alias) if alias is not None else name] = (module, name)
    for node in exports:
        spec = file.string_value(node.child_by_field_name("source"))
        if spec is not None:
            type_only = any(c.type == "type" for c in node.children)
            file.imports.append(Import(spec, file.line(node), type_only))


def _collect_declarations(file: JsFile, declarators: list[ts.Node], functions: list[ts.Node]) -> None:
    for node in declarators:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None or value is None:
            continue
        value_u = file.unwrap(value)
        if (
            value_u is not None
            and value_u.type == "call_expression"
            and file.text(value_u.child_by_field_name("function")) == "require"
        ):
            args = call_arguments(value_u)
            module = normalise_module(file.string_value(args[0])) if args else None
            if module is not None:
                file.imports.append(Import(module, file.line(node), False))
                _bind_require(file, name, module)
            continue
        if name.type == "identifier":
            file.declare(file.text(name), value, at=node)
    for node in functions:
        name = node.child_by_field_name("name")
        if name is not None:
            file.declare(file.text(name), node, at=node)


def _bind_require(file: JsFile, name: ts.Node, module: str) -> None:
    """`const x = require('m')` and `const { a, b: c } = require('m')`; the first binding of a name wins."""
    if name.type == "identifier":
        file.bindings.setdefault(file.text(name), (module, "default"))
    elif name.type == "object_pattern":
        for prop in name.named_children:
            if prop.type == "shorthand_property_identifier_pattern":
                file.bindings.setdefault(file.text(prop), (module, file.text(prop)))
            elif prop.type == "pair_pattern":
                key = file.text(prop.child_by_field_name("key"))
                local = file.text(prop.child_by_field_name("value"))
                file.bindings.setdefault(local, (module, key))


def _visit_calls(
    file: JsFile, nodes: list[ts.Node], table: VisitorTable, dispatch: _Dispatch, facts: JsFacts
) -> None:
    routes = table.all(Kind.ROUTE)
    any_sync = table.any_sync
    by_name = table.by_name.get(Kind.CALL, {})
    text = file.text
    for node in nodes:
        callee = node.child_by_field_name("function")
        if callee is None:
            continue
        obj: ts.Node | None = None
        kind = callee.type
        if kind == "identifier":
            name = text(callee)
        elif kind == "member_expression":
            name = text(callee.child_by_field_name("property"))
            obj = callee.child_by_field_name("object")
        elif kind == "import":
            args = call_arguments(node)
            spec = file.string_value(args[0]) if args else None
            if spec is not None:
                file.imports.append(Import(spec, file.line(node), False, dynamic=True))
            continue
        else:
            continue
        visitors = by_name.get(name)
        is_sync = bool(any_sync) and name.endswith("Sync")
        if not visitors and not is_sync and name not in ROUTE_NAMES:
            continue
        call = Call(node, name, obj, call_arguments(node))
        if visitors:
            dispatch.run(visitors, call)
        if is_sync:
            dispatch.run(any_sync, call)
        route = route_of(file, call)
        if route is not None:
            facts.routes.append(Route(route.method, route.path, file.line(node)))
            dispatch.run(routes, route)
