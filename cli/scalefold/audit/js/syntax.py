"""One parsed source file and the helpers visitors read it with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter as ts

from scalefold.audit.js.facts import Import, Mark
from scalefold.audit.model import Hit, Location, Severity

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
    """One parsed source file and the helpers visitors use to read it.

    Visitors never record anything on the file: they return the ``Hit`` and ``Mark`` objects
    built by :meth:`hit` and :meth:`mark`, and the analysis files them under the unit that owns the
    visitor.
    """

    def __init__(self, rel: str, source: bytes, tree: ts.Tree) -> None:
        self.rel = rel
        self.source = source
        self.tree = tree
        self.imports: list[Import] = []
        self.bindings: dict[str, tuple[str, str]] = {}  # local name -> (module, imported name)
        # name -> [(initializer or function declaration, the declaring node)], in document order
        self._declared: dict[str, list[tuple[ts.Node, ts.Node]]] = {}

    # ----- declarations

    def declare(self, name: str, value: ts.Node, at: ts.Node) -> None:
        self._declared.setdefault(name, []).append((value, at))

    def declaration(self, name: str, at: ts.Node | None = None) -> ts.Node | None:
        """The value ``name`` was declared with, as seen from ``at``: the first declaration in the
        innermost function around ``at`` that declares it, else the module's, else None (a name
        declared only inside another function is not visible here)."""
        candidates = self._declared.get(name)
        if not candidates:
            return None
        # The function each candidate is declared in (None: the module), worked out only when looked up.
        scoped = [(value, self.enclosing_function(where)) for value, where in candidates]
        if at is not None:
            for fn in self.enclosing_functions(at):
                found = next(
                    (value for value, scope in scoped if scope is not None and scope.id == fn.id), None
                )
                if found is not None:
                    return found
        return next((value for value, scope in scoped if scope is None), None)

    def enclosing_function(self, node: ts.Node) -> ts.Node | None:
        return next(self.enclosing_functions(node), None)

    # ----- what visitors return

    def location(self, node: ts.Node, snippet: str | None = None) -> Location:
        code = snippet if snippet is not None else self.text(node)
        return Location(self.rel, node.start_point[0] + 1, short(code))

    def location_at(self, line: int, snippet: str) -> Location:
        """A place given by its line (an import, which is data rather than a node)."""
        return Location(self.rel, line, short(snippet))

    def hit(
        self,
        node: ts.Node,
        message: str,
        *,
        snippet: str | None = None,
        severity: Severity | None = None,
    ) -> Hit:
        """A violation at ``node`` (fingerprinted by its code, or by ``snippet``)."""
        return Hit(self.location(node, snippet), message, severity)

    def mark(self, name: str, node: ts.Node) -> Mark:
        """A named fact found at ``node``; only the first place of each name in a file is kept."""
        return Mark(name, self.location(node))

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
            target = self.declaration(self.text(node), at=node)
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
                args = call_arguments(obj)
                return (normalise_module(self.string_value(args[0])) if args else None), prop
        return None, ""

    def call_module(self, call: Call) -> tuple[str | None, str]:
        return self.module_of(call.node.child_by_field_name("function"))

    def imports_module(self, *modules: str) -> bool:
        return any(module in modules for module, _ in self.bindings.values())

    def callcall_arguments(self, call_node: ts.Node) -> list[ts.Node]:
        return call_arguments(call_node)

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
                if self.decorator_name(sibling) in NEST_ROUTE_DECORATORS:
                    return True
                sibling = sibling.prev_named_sibling
        return False

    def decorator_name(self, decorator: ts.Node) -> str:
        """`Get` for `@Get(':id')` and for `@Get`."""
        expression = decorator.named_children[0] if decorator.named_children else None
        if expression is not None and expression.type == "call_expression":
            expression = expression.child_by_field_name("function")
        if expression is not None and expression.type == "member_expression":
            expression = expression.child_by_field_name("property")
        return self.text(expression)

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


NEST_ROUTE_DECORATORS = frozenset({"Get", "Post", "Put", "Patch", "Delete", "All", "Head", "Options"})
ROUTE_NAMES = HTTP_METHODS | {"route"} | NEST_ROUTE_DECORATORS


def normalise_module(spec: str | None) -> str | None:
    if spec is None:
        return None
    return spec.removeprefix("node:")


def bare_module(spec: str) -> str:
    """`@scope/pkg` for `@scope/pkg/sub`, `pkg` for `pkg/sub` and `node:pkg`."""
    spec = spec.removeprefix("node:")
    if spec.startswith("@"):
        return "/".join(spec.split("/")[:2])
    return spec.split("/")[0]


def call_arguments(call: ts.Node) -> list[ts.Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def short(code: str, limit: int = 200) -> str:
    code = " ".join(code.split())
    return code if len(code) <= limit else code[: limit - 1] + "…"


def route_of(file: JsFile, call: Call) -> RouteCall | None:
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
        and call.name in NEST_ROUTE_DECORATORS
        and call.node.parent is not None
        and call.node.parent.type == "decorator"
    ):
        path = file.string_value(call.args[0]) if call.args else ""
        return RouteCall(call, call.name.upper(), "/" + (path or "").lstrip("/"), None, None)
    return None
