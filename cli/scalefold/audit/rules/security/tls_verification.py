"""SEC-018: never turn off TLS certificate verification in code."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import JsFile
from scalefold.audit.js.visitors import on_assignment, on_pair
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import source_findings

_TLS_VARIABLE = "NODE_TLS_REJECT_UNAUTHORIZED"


@on_pair("rejectUnauthorized")
def _reject_unauthorized(file: JsFile, pair: ts.Node) -> Iterator[Hit]:
    value = file.unwrap(pair.child_by_field_name("value"))
    if value is not None and value.type == "false":
        yield file.hit(
            pair,
            "`rejectUnauthorized: false` accepts any certificate: remove it (pass the CA with `ca:` instead)",
        )


def _is_process_env(file: JsFile, node: ts.Node | None) -> bool:
    node = file.unwrap(node)
    return (
        node is not None
        and node.type == "member_expression"
        and file.text(node.child_by_field_name("object")) == "process"
        and file.text(node.child_by_field_name("property")) == "env"
    )


def _names_tls_variable(file: JsFile, target: ts.Node | None) -> bool:
    """`process.env.NODE_TLS_REJECT_UNAUTHORIZED` or `process.env['NODE_TLS_REJECT_UNAUTHORIZED']`."""
    target = file.unwrap(target)
    if target is None:
        return False
    if target.type == "member_expression":
        return _is_process_env(file, target.child_by_field_name("object")) and (
            file.text(target.child_by_field_name("property")) == _TLS_VARIABLE
        )
    if target.type == "subscript_expression":
        return _is_process_env(file, target.child_by_field_name("object")) and (
            file.string_value(target.child_by_field_name("index")) == _TLS_VARIABLE
        )
    return False


@on_assignment
def _tls_env(file: JsFile, node: ts.Node) -> Iterator[Hit]:
    if not _names_tls_variable(file, node.child_by_field_name("left")):
        return
    right = file.unwrap(node.child_by_field_name("right"))
    if file.string_value(right) == "0" or (
        right is not None and right.type == "number" and file.text(right) == "0"
    ):
        yield file.hit(
            node,
            "Setting NODE_TLS_REJECT_UNAUTHORIZED to 0 turns off TLS verification process-wide: remove it",
        )


RULE = Rule(
    id="SEC-018",
    name="security-tls-verification",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    title="Never turn off TLS certificate verification in code",
    rationale="""`rejectUnauthorized: false` or `NODE_TLS_REJECT_UNAUTHORIZED = '0'` accept any
        certificate, so anyone on the network path can read and change the traffic (database
        credentials included).""",
    fix="""Remove it; trust a private CA explicitly with `ca: fs.readFileSync(caPath)` or
        `NODE_EXTRA_CA_CERTS`.""",
    check=source_findings,
    visitors=(_reject_unauthorized, _tls_env),
)
