"""OBS-002: no `console.log` in server code."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import server_source_findings

_CONSOLE_OUTPUT = ("log", "info", "debug", "trace", "dir", "table")
_LEVEL = {"log": "info", "dir": "debug", "table": "debug"}


@on_call(*_CONSOLE_OUTPUT)
def _console(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.obj is not None and call.obj.type == "identifier" and file.text(call.obj) == "console":
        level = _LEVEL.get(call.name, call.name)
        yield file.hit(
            call.node,
            f"`console.{call.name}` in server code: log through the logger (`request.log` / `logger.{level}`)",
        )


RULE = Rule(
    id="OBS-002",
    name="observability-no-console",
    category=Category.OBSERVABILITY,
    severity=Severity.WARNING,
    title="No `console.log` in server code",
    rationale="""`console.log` bypasses the logger: no level, no request id, no redaction of secrets,
        and it blocks the event loop when stdout is a pipe. Tests, scripts and configuration files
        are not server code and are not checked. (`console.error` and `console.warn` are allowed
        for fatal start-up errors before the logger exists.)""",
    fix="""Replace it with `request.log.info(...)` in handlers or the shared `logger` elsewhere.""",
    check=server_source_findings,
    visitors=(_console,),
)
