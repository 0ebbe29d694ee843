"""SEC-016: require modules by literal name."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import source_findings


@on_call("require")
def _dynamic_require(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.obj is None and call.args and file.string_value(call.args[0]) is None:
        yield file.hit(
            call.node,
            "`require` of a computed path can load attacker-chosen code: require literal module names",
        )


RULE = Rule(
    id="SEC-016",
    name="security-literal-require",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Require modules by literal name",
    rationale="""`require(variable)` loads whatever path the variable holds at run time: with user input
        in it, that is arbitrary code execution, and bundlers and auditors cannot see the
        dependency.""",
    fix="""Require each module by its literal name, and pick between them with a map:
        `const handlers = { csv: require('./csv'), json: require('./json') }`.""",
    check=source_findings,
    visitors=(_dynamic_require,),
)
