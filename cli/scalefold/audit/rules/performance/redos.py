"""PERF-002: no regular expressions with catastrophic backtracking."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_new, on_regex
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.redos import catastrophic_backtracking
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import source_findings


def _check_pattern(file: JsFile, node: ts.Node, pattern: str) -> Iterator[Hit]:
    reason = catastrophic_backtracking(pattern)
    if reason:
        yield file.hit(
            node,
            f"Regular expression /{pattern}/ can backtrack catastrophically ({reason}): make the repeats unambiguous",
        )


@on_regex
def _regex_literal(file: JsFile, node: ts.Node) -> Iterator[Hit]:
    pattern = node.child_by_field_name("pattern")
    if pattern is not None:
        yield from _check_pattern(file, node, file.text(pattern))


@on_new("RegExp")
def _regex_constructor(file: JsFile, node: ts.Node, args: list[ts.Node]) -> Iterator[Hit]:
    pattern = file.string_value(args[0]) if args else None
    if pattern is not None:
        yield from _check_pattern(file, node, pattern.replace("\\\\", "\\"))


@on_call("RegExp")
def _regex_call(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.obj is None and call.args:
        pattern = file.string_value(call.args[0])
        if pattern is not None:
            yield from _check_pattern(file, call.node, pattern.replace("\\\\", "\\"))


RULE = Rule(
    id="PERF-002",
    name="performance-redos",
    category=Category.PERFORMANCE,
    severity=Severity.WARNING,
    title="No regular expressions with catastrophic backtracking",
    rationale="""Nested or ambiguous repeats such as `(a+)+` or `(\\w+\\s?)*` take exponential time on a
        crafted input: one request of a few dozen characters pins a CPU for minutes (ReDoS).""",
    fix="""Remove the nesting (`\\w+(\\s\\w+)*` instead of `(\\w+\\s?)*`), bound the input length before
        matching, or use a linear-time engine such as re2.""",
    check=source_findings,
    visitors=(_regex_literal, _regex_constructor, _regex_call),
)
