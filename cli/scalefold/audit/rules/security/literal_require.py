"""SEC-016: require modules by literal name."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule


@on_call("require")
def _dynamic_require(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.obj is None and call.args and file.string_value(call.args[0]) is None:
        yield file.hit(
            call.node,
            "`require` of a computed path can load attacker-chosen code: require literal module names",
        )


def check(project: Project, rule: Rule) -> Iterator[Hit]:
    project.require_sources()
    yield from project.source_hits(rule)


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
    check=check,
    visitors=(_dynamic_require,),
)
