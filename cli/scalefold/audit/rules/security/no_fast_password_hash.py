"""SEC-005: never hash passwords with MD5 or SHA."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import source_findings

# Matched against identifier names (text), found in the syntax tree of the hashed expression.
_PASSWORDISH = re.compile(r"pass(word|wd)?|pwd", re.IGNORECASE)
_NAMES = frozenset(
    {"identifier", "property_identifier", "shorthand_property_identifier", "private_property_identifier"}
)
_FAST_HASH_MODULES = {
    "md5",
    "sha1",
    "js-sha256",
    "js-sha1",
    "js-md5",
    "crypto-js/md5",
    "crypto-js/sha1",
    "crypto-js/sha256",
    "object-hash",
}
# Slow password hashes: a fast digest that only becomes their input is a pre-hash (bcrypt reads 72 bytes
# at most, so longer passwords are first reduced to a digest), not the stored password hash.
_SLOW_HASH_MODULES = frozenset({"bcrypt", "bcryptjs", "argon2", "@node-rs/bcrypt", "@node-rs/argon2"})
_SLOW_HASH_CALLS = frozenset({"hash", "hashSync", "compare", "compareSync", "verify"})


def _is_slow_hash(file: JsFile, node: ts.Node) -> bool:
    if node.type != "call_expression":
        return False
    module, name = file.module_of(node.child_by_field_name("function"))
    return module in _SLOW_HASH_MODULES and name in _SLOW_HASH_CALLS


def _function_name(file: JsFile, fn: ts.Node | None) -> str | None:
    """`name` of `function name() {}` and of `const name = () => …`."""
    if fn is None:
        return None
    named = fn if fn.type == "function_declaration" else fn.parent
    if named is None or named.type not in ("function_declaration", "variable_declarator"):
        return None
    return file.text(named.child_by_field_name("name")) or None


def _feeds_a_slow_hash(file: JsFile, node: ts.Node) -> bool:
    """Whether the digest is the input of bcrypt or argon2: written inside one's arguments, or computed
    by a function whose call is."""
    parent = node.parent
    while parent is not None:
        if _is_slow_hash(file, parent):
            return True
        parent = parent.parent
    name = _function_name(file, file.enclosing_function(node))
    if name is None:
        return False
    for call in file.walk(file.tree.root_node):
        if _is_slow_hash(file, call):
            args = call.child_by_field_name("arguments")
            if args is not None and any(
                n.type == "call_expression" and file.text(n.child_by_field_name("function")) == name
                for n in file.walk(args)
            ):
                return True
    return False


def _names_a_password(file: JsFile, node: ts.Node | None) -> bool:
    """Whether the expression uses a variable or property named like a password."""
    if node is None:
        return False
    return any(n.type in _NAMES and _PASSWORDISH.search(file.text(n)) for n in file.walk(node))


@on_call("createHash", "md5", "sha1", "sha256", "MD5", "SHA1", "SHA256")
def _fast_password_hash(file: JsFile, call: Call) -> Iterator[Hit]:
    module, _ = file.call_module(call)
    if call.name == "createHash":
        if module != "crypto":
            return
        parent = call.node.parent
        if (
            parent is not None
            and parent.type == "member_expression"
            and file.text(parent.child_by_field_name("property")) == "update"
        ):
            update = parent.parent
            args = update.child_by_field_name("arguments") if update is not None else None
            if _names_a_password(file, args) and not _feeds_a_slow_hash(file, call.node):
                algorithm = file.string_value(call.args[0]) if call.args else "?"
                yield file.hit(
                    call.node,
                    f"`createHash('{algorithm}')` is far too fast for passwords: use bcrypt (cost ≥ 12) or argon2",
                )
        return
    if module in _FAST_HASH_MODULES and call.args and _names_a_password(file, call.args[0]):
        yield file.hit(
            call.node, f"`{call.name}()` is far too fast for passwords: use bcrypt (cost ≥ 12) or argon2"
        )


RULE = Rule(
    id="SEC-005",
    name="security-no-fast-password-hash",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    title="Never hash passwords with MD5 or SHA",
    rationale="""General-purpose hashes run billions of times a second on a GPU: a leaked table of
        SHA-256 password hashes is mostly cracked within days.""",
    fix="""Hash passwords with `bcrypt.hash(password, 12)` or `argon2.hash(password)`, and compare with
        the library's `compare`/`verify`. A digest that only becomes their input (pre-hashing a password
        longer than the 72 bytes bcrypt reads) is not reported.""",
    check=source_findings,
    visitors=(_fast_password_hash,),
)
