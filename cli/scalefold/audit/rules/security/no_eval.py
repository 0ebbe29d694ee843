"""SEC-014: no `eval` or `new Function`."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_new
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import source_findings


@on_call("eval")
def _eval(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.obj is None:
        yield file.hit(
            call.node, "`eval` runs arbitrary code: parse the data (JSON.parse) or use a lookup table"
        )


@on_new("Function")
def _new_function(file: JsFile, node: ts.Node, _args: list[ts.Node]) -> Iterator[Hit]:
    yield file.hit(node, "`new Function` compiles arbitrary code: replace it with a plain function")


RULE = Rule(
    id="SEC-014",
    name="security-no-eval",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    title="No `eval` or `new Function`",
    rationale="""Evaluating strings as code turns any injection into remote code execution, and defeats
        the V8 optimiser for the whole enclosing function.""",
    fix="""Use `JSON.parse` for data, a map of functions for dispatch, or a real expression parser.""",
    check=source_findings,
    visitors=(_eval, _new_function),
)
