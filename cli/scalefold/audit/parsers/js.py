"""TypeScript/JavaScript analysis on tree-sitter syntax trees.

Each source file is parsed once. One tree-sitter query collects the nodes the rules care about
(calls, ``new`` expressions, imports, regular expressions, assignments, object properties), and
the rules' visitors (registered with the ``on_*`` decorators) turn them into ``JsFacts``: plain,
picklable data (hits, imports, routes, signals) so files can be analysed in worker processes and
the results shared by every rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

import tree_sitter as ts

from scalefold.audit.model import Hit, Note, Severity

JS_EXTENSIONS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "all"})
FUNCTION_TYPES = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function_declaration",
        "method_definition",
        "generator_function",
        "generator_function_declaration",
        "function",
    }
)
_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
        "await_expression",
    }
)
# Libraries whose `.get('/x', …)` is an HTTP request, not a route.
HTTP_CLIENTS = frozenset({"axios", "got", "ky", "superagent", "supertest", "undici", "node-fetch", "needle"})


@dataclass(frozen=True)
class Import:
    spec: str
    line: int
    type_only: bool
    dynamic: bool = False


@dataclass(frozen=True)
class Route:
    method: str  # upper case, "ALL" for app.all
    path: str
    line: int


@dataclass
class JsFacts:
    """Everything the rules need to know about one source file."""

    path: str
    imports: list[Import] = field(default_factory=list)
    hits: list[tuple[str, Hit]] = field(default_factory=list)
    signals: dict[str, tuple[int, str]] = field(default_factory=dict)  # name -> (line, code)
    routes: list[Route] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


# --------------------------------------------------------------------------- visitor registry


@dataclass
class _Visitors:
    calls: dict[str, list[Callable[..., None]]] = field(default_factory=dict)
    sync_calls: list[Callable[..., None]] = field(default_factory=list)
    news: dict[str, list[Callable[..., None]]] = field(default_factory=dict)
    regexes: list[Callable[..., None]] = field(default_factory=list)
    assignments: list[Callable[..., None]] = field(default_factory=list)
    pairs: dict[str, list[Callable[..., None]]] = field(default_factory=dict)
    routes: list[Callable[..., None]] = field(default_factory=list)
    imports: list[Callable[..., None]] = field(default_factory=list)


VISITORS = _Visitors()


def on_call(*names: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Visit calls whose callee ends in one of ``names`` (``*Sync`` means any name ending in Sync)."""

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        for name in names:
            if name == "*Sync":
                VISITORS.sync_calls.append(fn)
            else:
                VISITORS.calls.setdefault(name, []).append(fn)
        return fn

    return register


def on_new(*names: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(fn: Callable[..., None]) -> Callable[..., None]:
        for name in names:
            VISITORS.news.setdefault(name, []).append(fn)
        return fn

    return register


def on_pair(*keys: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(fn: Callable[..., None]) -> Callable[..., None]:
        for key in keys:
            VISITORS.pairs.setdefault(key, []).append(fn)
        return fn

    return register


def _register(bucket: list[Callable[..., None]]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(fn: Callable[..., None]) -> Callable[..., None]:
        bucket.append(fn)
        return fn

    return register


on_regex = _register(VISITORS.regexes)
on_assignment = _register(VISITORS.assignments)
on_route = _register(VISITORS.routes)
on_import = _register(VISITORS.imports)


# --------------------------------------------------------------------------- the per-file context


@dataclass
class Call:
    node: ts.Node
    name: str  # last identifier of the callee: "readFileSync" for fs.readFileSync(…)
    obj: ts.Node | None  # the object of a member callee: `fs`
    args: list[ts.Node]


@dataclass
class RouteCall:
    call: Call
    method: str
    path: str
    options: ts.Node | None  # the route options object (schema, handler, …), when there is one
    handler: ts.Node | None


class JsFile:
    """One parsed source file and the helpers visitors use to read it."""

    def __init__(self, rel: str, source: bytes, tree: ts.Tree) -> None:
        self.rel = rel
        self.source = source
        self.tree = tree
        self.facts = JsFacts(path=rel)
        self.bindings: dict[str, tuple[str, str]] = {}  # local name -> (module, imported name)
        self.declarations: dict[str, ts.Node] = {}  # name -> initializer or function declaration

    # ----- reporting

    def report(
        self,
        rule_id: str,
        node: ts.Node,
        message: str,
        *,
        snippet: str | None = None,
        severity: Severity | None = None,
    ) -> None:
        code = snippet if snippet is not None else self.text(node)
        hit = Hit(self.rel, node.start_point[0] + 1, message, _short(code), severity)
        self.facts.hits.append((rule_id, hit))

    def signal(self, name: str, node: ts.Node) -> None:
        if name not in self.facts.signals:
            self.facts.signals[name] = (node.start_point[0] + 1, _short(self.text(node)))

    # ----- reading nodes

    def text(self, node: ts.Node | None) -> str:
        if node is None:
            return ""
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    @staticmethod
    def line(node: ts.Node) -> int:
        return node.start_point[0] + 1

    def unwrap(self, node: ts.Node | None) -> ts.Node | None:
        """Strip parentheses, `as`/`satisfies`/`!` and `await` around an expression."""
        depth = 0
        while node is not None and node.type in _WRAPPERS and depth < 10:
            node = node.named_children[0] if node.named_children else None
            depth += 1
        return node

    def resolve(self, node: ts.Node | None) -> ts.Node | None:
        """Follow an identifier to the value it was declared with in this file, if any."""
        node = self.unwrap(node)
        seen = 0
        while node is not None and node.type == "identifier" and seen < 5:
            target = self.declarations.get(self.text(node))
            if target is None or target.type in FUNCTION_TYPES:
                return node
            node = self.unwrap(target)
            seen += 1
        return node

    def string_value(self, node: ts.Node | None) -> str | None:
        """The value of a string literal or a template literal without substitutions."""
        node = self.unwrap(node)
        if node is None:
            return None
        if node.type == "string":
            return "".join(self.text(c) for c in node.named_children)
        if node.type == "template_string":
            if any(c.type == "template_substitution" for c in node.named_children):
                return None
            return self.text(node)[1:-1]
        return None

    def number_value(self, node: ts.Node | None) -> float | None:
        node = self.resolve(node)
        if node is None or node.type != "number":
            return None
        try:
            return float(self.text(node).replace("_", ""))
        except ValueError:
            return None

    def object_props(self, node: ts.Node | None) -> dict[str, ts.Node] | None:
        """Properties of an object literal (following a same-file constant), or None if unknown.

        A spread (`...defaults`) may bring any key, so the result carries the key "..." then.
        """
        node = self.resolve(node)
        if node is None or node.type != "object":
            return None
        props: dict[str, ts.Node] = {}
        for child in node.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                if key is None or value is None:
                    continue
                name = self.string_value(key) if key.type == "string" else self.text(key)
                if name is not None:
                    props[name] = value
            elif child.type == "shorthand_property_identifier":
                props[self.text(child)] = child
            elif child.type == "method_definition":
                name_node = child.child_by_field_name("name")
                props[self.text(name_node)] = child
            elif child.type == "spread_element":
                props["..."] = child
        return props

    def prop_path(self, node: ts.Node | None, *path: str) -> ts.Node | None:
        """``prop_path(opts, "verify", "algorithms")`` → the node of ``opts.verify.algorithms``."""
        for key in path:
            props = self.object_props(node)
            if props is None or key not in props:
                return None
            node = props[key]
        return node

    def module_of(self, callee: ts.Node | None) -> tuple[str | None, str]:
        """Which module an identifier or `ns.member` comes from: ("fs", "readFileSync")."""
        callee = self.unwrap(callee)
        if callee is None:
            return None, ""
        if callee.type == "identifier":
            name = self.text(callee)
            module, imported = self.bindings.get(name, (None, name))
            return module, imported
        if callee.type == "member_expression":
            obj = self.unwrap(callee.child_by_field_name("object"))
            prop = self.text(callee.child_by_field_name("property"))
            if obj is None:
                return None, prop
            if obj.type == "identifier":
                module, _ = self.bindings.get(self.text(obj), (None, ""))
                return module, prop
            if obj.type == "call_expression" and self.text(obj.child_by_field_name("function")) == "require":
                args = _args(obj)
                return (normalise_module(self.string_value(args[0])) if args else None), prop
        return None, ""

    def call_module(self, call: Call) -> tuple[str | None, str]:
        return self.module_of(call.node.child_by_field_name("function"))

    def imports_module(self, *modules: str) -> bool:
        return any(module in modules for module, _ in self.bindings.values())

    # ----- structure

    def enclosing_functions(self, node: ts.Node) -> Iterator[ts.Node]:
        parent = node.parent
        while parent is not None:
            if parent.type in FUNCTION_TYPES:
                yield parent
            parent = parent.parent

    def params(self, fn: ts.Node) -> list[str]:
        params = fn.child_by_field_name("parameters")
        if params is None:
            single = fn.child_by_field_name("parameter")  # `req => …`
            return [self.text(single)] if single is not None else []
        names = []
        for p in params.named_children:
            pattern = p.child_by_field_name("pattern") if p.type != "identifier" else p
            names.append(self.text(pattern) if pattern is not None else "")
        return names

    def is_request_handler(self, fn: ts.Node) -> bool:
        """A function that runs per request: a route's handler, a hook or middleware, a controller action."""
        params = [p.lower() for p in self.params(fn)]
        if len(params) >= 2 and params[0] in {"req", "request"} and params[1] in {"res", "reply", "response"}:
            return True
        parent = fn.parent
        if parent is not None and parent.type == "arguments":
            call = parent.parent
            callee = call.child_by_field_name("function") if call is not None else None
            if callee is not None and callee.type == "member_expression":
                name = self.text(callee.child_by_field_name("property"))
                args = parent.named_children
                if name in HTTP_METHODS and args and self.string_value(args[0]) is not None:
                    return True
                if name in {"addHook", "use", "route"}:
                    return True
        if parent is not None and parent.type == "pair":
            key = self.text(parent.child_by_field_name("key"))
            if key in {"handler", "preHandler", "onRequest", "preValidation"}:
                return True
        if fn.type == "method_definition":
            sibling = fn.prev_named_sibling
            while sibling is not None and sibling.type == "decorator":
                if self.text(sibling).lstrip("@").split("(")[0] in _NEST_ROUTE_DECORATORS:
                    return True
                sibling = sibling.prev_named_sibling
        return False

    def in_request_handler(self, node: ts.Node) -> bool:
        return any(self.is_request_handler(fn) for fn in self.enclosing_functions(node))

    def walk(self, node: ts.Node) -> Iterator[ts.Node]:
        """Every node under ``node`` (for the few visitors that look inside one function)."""
        cursor = node.walk()
        reached_root = False
        while not reached_root:
            yield cursor.node  # type: ignore[misc]
            if cursor.goto_first_child():
                continue
            if cursor.goto_next_sibling():
                continue
            retracing = True
            while retracing:
                if not cursor.goto_parent() or cursor.node == node:
                    retracing = False
                    reached_root = True
                elif cursor.goto_next_sibling():
                    retracing = False


_NEST_ROUTE_DECORATORS = frozenset({"Get", "Post", "Put", "Patch", "Delete", "All", "Head", "Options"})
_ROUTE_NAMES = HTTP_METHODS | {"route"} | _NEST_ROUTE_DECORATORS


def normalise_module(spec: str | None) -> str | None:
    if spec is None:
        return None
    return spec.removeprefix("node:")


def _args(call: ts.Node) -> list[ts.Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def _short(code: str, limit: int = 200) -> str:
    code = " ".join(code.split())
    return code if len(code) <= limit else code[: limit - 1] + "…"


# --------------------------------------------------------------------------- parsing


_QUERY_SOURCE = """
(import_statement) @import
(export_statement source: (_)) @export
(variable_declarator) @decl
(function_declaration) @fndecl
(call_expression) @call
(new_expression) @new
(regex) @regex
(assignment_expression) @assign
(pair key: (property_identifier) @key) @pair
"""


@cache
def _language(ext: str) -> tuple[ts.Parser, ts.Query]:
    if ext in {".ts", ".mts", ".cts"}:
        import tree_sitter_typescript as grammar

        language = ts.Language(grammar.language_typescript())
    elif ext == ".tsx":
        import tree_sitter_typescript as grammar

        language = ts.Language(grammar.language_tsx())
    else:
        import tree_sitter_javascript as grammar

        language = ts.Language(grammar.language())
    return ts.Parser(language), ts.Query(language, _QUERY_SOURCE)


def analyse(rel: str, source: bytes) -> JsFacts:
    """Parse one file and run every registered visitor over it."""
    ext = "." + rel.rsplit(".", 1)[-1] if "." in rel else ".js"
    parser, query = _language(ext)
    file = JsFile(rel, source, parser.parse(source))
    captures = ts.QueryCursor(query).captures(file.tree.root_node)
    _collect_imports(file, captures.get("import", []), captures.get("export", []))
    _collect_declarations(file, captures.get("decl", []), captures.get("fndecl", []))
    for visit in VISITORS.imports:
        for imp in file.facts.imports:
            visit(file, imp)
    _visit_calls(file, captures.get("call", []))
    for node in captures.get("new", []):
        constructor = file.unwrap(node.child_by_field_name("constructor"))
        if constructor is None:
            continue
        name = file.text(
            constructor.child_by_field_name("property")
            if constructor.type == "member_expression"
            else constructor
        )
        for visit in VISITORS.news.get(name, ()):
            visit(file, node, _args(node))
    for node in captures.get("regex", []):
        for visit in VISITORS.regexes:
            visit(file, node)
    for node in captures.get("assign", []):
        for visit in VISITORS.assignments:
            visit(file, node)
    for node in captures.get("pair", []):
        key = file.text(node.child_by_field_name("key"))
        for visit in VISITORS.pairs.get(key, ()):
            visit(file, node)
    return file.facts


def _collect_imports(file: JsFile, imports: list[ts.Node], exports: list[ts.Node]) -> None:
    for node in imports:
        source = node.child_by_field_name("source")
        spec = file.string_value(source)
        if spec is None:
            continue
        type_only = any(c.type == "type" for c in node.children)
        file.facts.imports.append(Import(spec, file.line(node), type_only))
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
            file.facts.imports.append(Import(spec, file.line(node), type_only))


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
            args = _args(value_u)
            module = normalise_module(file.string_value(args[0])) if args else None
            if module is not None:
                file.facts.imports.append(Import(module, file.line(node), False))
                if name.type == "identifier":
                    file.bindings[file.text(name)] = (module, "default")
                elif name.type == "object_pattern":
                    for prop in name.named_children:
                        if prop.type == "shorthand_property_identifier_pattern":
                            file.bindings[file.text(prop)] = (module, file.text(prop))
                        elif prop.type == "pair_pattern":
                            key = file.text(prop.child_by_field_name("key"))
                            local = file.text(prop.child_by_field_name("value"))
                            file.bindings[local] = (module, key)
            continue
        if name.type == "identifier":
            file.declarations.setdefault(file.text(name), value)
    for node in functions:
        name = node.child_by_field_name("name")
        if name is not None:
            file.declarations.setdefault(file.text(name), node)


def _visit_calls(file: JsFile, nodes: list[ts.Node]) -> None:
    calls = VISITORS.calls
    for node in nodes:
        callee = node.child_by_field_name("function")
        if callee is None:
            continue
        obj: ts.Node | None = None
        if callee.type == "identifier":
            name = file.text(callee)
        elif callee.type == "member_expression":
            name = file.text(callee.child_by_field_name("property"))
            obj = callee.child_by_field_name("object")
        elif callee.type == "import":
            args = _args(node)
            spec = file.string_value(args[0]) if args else None
            if spec is not None:
                file.facts.imports.append(Import(spec, file.line(node), False, dynamic=True))
            continue
        else:
            continue
        visitors = calls.get(name)
        is_sync = name.endswith("Sync")
        if visitors is None and not is_sync and name not in _ROUTE_NAMES:
            continue
        call = Call(node, name, obj, _args(node))
        for visit in visitors or ():
            visit(file, call)
        if is_sync:
            for visit in VISITORS.sync_calls:
                visit(file, call)
        route = _route_of(file, call)
        if route is not None:
            file.facts.routes.append(Route(route.method, route.path, file.line(node)))
            for visit in VISITORS.routes:
                visit(file, route)


def _route_of(file: JsFile, call: Call) -> RouteCall | None:
    """`app.get('/x', opts?, handler)`, `app.route({ method, url, handler })` or `@Get('x')`."""
    if call.obj is not None and call.name in HTTP_METHODS:
        if len(call.args) < 2:
            return None
        path = file.string_value(file.resolve(call.args[0]))
        if path is None:
            return None
        obj = file.unwrap(call.obj)
        if obj is not None and obj.type == "identifier":
            module, _ = file.bindings.get(file.text(obj), (None, ""))
            if module in HTTP_CLIENTS:
                return None
        handler = file.unwrap(call.args[-1])
        options = call.args[1] if len(call.args) >= 3 else None
        if handler is not None and handler.type not in FUNCTION_TYPES and handler.type != "identifier":
            if (
                handler.type == "object"
                and file.object_props(handler)
                and "handler" in (file.object_props(handler) or {})
            ):
                options, handler = handler, (file.object_props(handler) or {}).get("handler")
            else:
                return None
        return RouteCall(call, call.name.upper(), path, options, handler)
    if call.obj is not None and call.name == "route" and call.args:
        props = file.object_props(call.args[0])
        if not props or "url" not in props:
            return None
        path = file.string_value(file.resolve(props["url"])) or ""
        method_node = props.get("method")
        method = file.string_value(method_node) if method_node is not None else None
        if method is None and method_node is not None and method_node.type == "array":
            method = ",".join(file.string_value(m) or "?" for m in method_node.named_children)
        return RouteCall(call, (method or "GET").upper(), path, call.args[0], props.get("handler"))
    if (
        call.obj is None
        and call.name in _NEST_ROUTE_DECORATORS
        and call.node.parent is not None
        and call.node.parent.type == "decorator"
    ):
        path = file.string_value(call.args[0]) if call.args else ""
        return RouteCall(call, call.name.upper(), "/" + (path or "").lstrip("/"), None, None)
    return None
