"""SEC-015: run child processes with literal commands."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import source_findings

_CHILD_PROCESS_FNS = ("exec", "execSync", "spawn", "spawnSync", "execFile", "execFileSync", "fork")


@on_call(*_CHILD_PROCESS_FNS)
def _child_process(file: JsFile, call: Call) -> Iterator[Hit]:
    module, imported = file.call_module(call)
    if module != "child_process" or imported not in _CHILD_PROCESS_FNS or not call.args:
        return
    command = call.args[0]
    if file.string_value(command) is not None:
        return
    resolved = file.resolve(command)
    if resolved is not None and file.string_value(resolved) is not None:
        return
    yield file.hit(
        call.node,
        f"`{call.name}` runs a command built at run time: use "
        "`execFile`/`spawn` with a literal command and an argument array",
    )


RULE = Rule(
    id="SEC-015",
    name="security-child-process-literal",
    category=Category.SECURITY,
    severity=Severity.ERROR,
    title="Run child processes with literal commands",
    rationale="""A command string assembled from variables is one unescaped character away from shell
        injection, with the service's privileges.""",
    fix="""Call `execFile('git', ['log', ref])` or `spawn` with a literal program and the variable parts
        as separate arguments (no shell).""",
    check=source_findings,
    visitors=(_child_process,),
)
