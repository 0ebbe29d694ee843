"""OBS-003: read the log level from configuration."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import source_findings


def _literal_level(file: JsFile, options: ts.Node | None) -> Iterator[Hit]:
    level = (file.object_props(options) or {}).get("level")
    value = file.string_value(level) if level is not None else None
    if level is not None and value is not None:
        yield file.hit(
            level, f"Log level fixed at '{value}': read it from configuration (`level: config.logLevel`)"
        )


@on_call("pino", "createLogger", "fastify", "Fastify")
def _logger_level(file: JsFile, call: Call) -> Iterator[Hit]:
    module, _ = file.call_module(call)
    options = call.args[0] if call.args else None
    if module == "pino" or (module == "winston" and call.name == "createLogger"):
        yield from _literal_level(file, options)
    elif module == "fastify":
        logger = (file.object_props(options) or {}).get("logger")
        if logger is not None:
            yield from _literal_level(file, logger)


RULE = Rule(
    id="OBS-003",
    name="observability-log-level-from-config",
    category=Category.OBSERVABILITY,
    severity=Severity.WARNING,
    title="Read the log level from configuration",
    rationale="""During an incident you need `debug` logs now, without a release; in normal operation
        you want `info`. A level written in the code forces a deploy to change it.""",
    fix="""Pass `level: config.logLevel` (from `LOG_LEVEL`, validated at start-up with a default of
        `info`).""",
    check=source_findings,
    visitors=(_logger_level,),
)
