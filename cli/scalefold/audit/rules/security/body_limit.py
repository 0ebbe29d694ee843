"""SEC-017: set an explicit request body limit."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.detectors import FACTORY_NAMES, server_options
from scalefold.audit.js.facts import Mark
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity, Unchecked
from scalefold.audit.project import Project
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import missing

LIMIT = "body-limit"


@on_call(*FACTORY_NAMES)
def _server_body_limit(file: JsFile, call: Call) -> Iterator[Mark]:
    """`Fastify({ bodyLimit })`."""
    if "bodyLimit" in server_options(file, call):
        yield file.mark(LIMIT, call.node)


@on_call("json", "urlencoded", "raw", "text")
def _parser_limit(file: JsFile, call: Call) -> Iterator[Mark]:
    """`express.json({ limit })`, `bodyParser.json({ limit })`."""
    module, _ = file.call_module(call)
    if (
        module in {"express", "body-parser"}
        and call.args
        and "limit" in (file.object_props(call.args[0]) or {})
    ):
        yield file.mark(LIMIT, call.node)


def check(project: Project, rule: Rule) -> Iterator[Hit | Unchecked]:
    for pkg in project.require_services():
        if pkg.framework not in {"fastify", "express"}:
            continue
        if project.mark(rule, pkg, LIMIT, follow=True) is None:
            hint = (
                "`bodyLimit` to Fastify()" if pkg.framework == "fastify" else "`{ limit }` to express.json()"
            )
            yield missing(project, pkg, f"No explicit body limit: pass {hint}", "no body limit")


RULE = Rule(
    id="SEC-017",
    name="security-body-limit",
    category=Category.SECURITY,
    severity=Severity.NOTE,
    title="Set an explicit request body limit",
    rationale="""Every byte of a request body is buffered and parsed on the event loop. The framework
        default (1 MiB in Fastify, 100 KiB in Express) is rarely what an API needs: an explicit
        limit documents the decision and keeps large uploads on a dedicated route.""",
    fix="""Pass `bodyLimit` to `Fastify({ bodyLimit: config.bodyLimitBytes })` (Express:
        `express.json({ limit: '100kb' })`).""",
    check=check,
    visitors=(_server_body_limit, _parser_limit),
)
