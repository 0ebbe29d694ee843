"""OBS-007: redact the authorization header when the logger writes request headers.

Fastify's default request serializer logs the method, URL, host and remote address, never the
headers: its default needs no redaction. A logger configured to write headers (a custom `req`
serializer that keeps `headers`, pino-http's default) writes every bearer token and cookie into the
logs unless `redact` removes them.
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter as ts

from scalefold.audit.detectors import FACTORY_NAMES, server_options
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import server_source_findings


def _logs_headers_unredacted(file: JsFile, options: ts.Node | None) -> bool:
    props = file.object_props(file.resolve(options))
    if not props or "..." in props:
        return False
    serializers = file.object_props(file.resolve(props.get("serializers")))
    request = serializers.get("req") if serializers else None
    if request is None or "headers" not in file.text(file.resolve(request) or request):
        return False
    redact = props.get("redact")
    return redact is None or "authorization" not in file.text(redact).lower()


@on_call(*FACTORY_NAMES, "pino")
def _logger_options(file: JsFile, call: Call) -> Iterator[Hit]:
    if call.name == "pino" and file.call_module(call)[0] == "pino":
        options = call.args[0] if call.args else None
    else:
        options = server_options(file, call).get("logger")
    if options is not None and _logs_headers_unredacted(file, options):
        yield file.hit(
            options,
            "The logger writes request headers without redacting `authorization`: add "
            "`redact: ['req.headers.authorization', 'req.headers.cookie']`",
        )


RULE = Rule(
    id="OBS-007",
    name="observability-log-redaction",
    category=Category.OBSERVABILITY,
    severity=Severity.WARNING,
    title="Redact the authorization header when request headers are logged",
    rationale="""A logger that writes request headers puts every bearer token and session cookie into the
        log store, readable by everyone who can read logs and kept for months. Fastify's default
        request serializer writes no headers; a custom one that does needs `redact`.""",
    fix="""Add `redact: ['req.headers.authorization', 'req.headers.cookie']` to the logger options, or keep
        headers out of the `req` serializer.""",
    check=server_source_findings,
    visitors=(_logger_options,),
)
