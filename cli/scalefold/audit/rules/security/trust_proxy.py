"""SEC-019: trust only the proxy in front of the service (Fastify `trustProxy`, Express `trust proxy`)."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.detectors import FACTORY_NAMES, server_options
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import server_source_findings

_MESSAGE = (
    "trusts `X-Forwarded-For` from every client, so anyone can choose the IP the rate limit and the logs "
    "see: name the proxy (`'10.0.0.0/8'`) or the number of hops (`1`)"
)


@on_call(*FACTORY_NAMES)
def _fastify_trust_proxy(file: JsFile, call: Call) -> Iterator[Hit]:
    value = server_options(file, call).get("trustProxy")
    if value is not None and file.resolve(value) is not None and file.resolve(value).type == "true":
        yield file.hit(value, f"`trustProxy: true` {_MESSAGE}")


@on_call("set", "enable")
def _express_trust_proxy(file: JsFile, call: Call) -> Iterator[Hit]:
    """`app.set('trust proxy', true)` / `app.enable('trust proxy')` in Express."""
    if (
        not call.args
        or file.string_value(call.args[0]) != "trust proxy"
        or not file.imports_module("express")
    ):
        return
    if call.name == "enable" or (len(call.args) > 1 and call.args[1].type == "true"):
        yield file.hit(call.node, f"`trust proxy` set to true {_MESSAGE}")


RULE = Rule(
    id="SEC-019",
    name="security-trust-proxy",
    category=Category.SECURITY,
    severity=Severity.WARNING,
    title="Trust only the proxy in front of the service",
    rationale="""With `trustProxy: true` the service believes the `X-Forwarded-For` header of any request:
        a client that sends its own header picks the address the rate limiter counts, the logs record
        and allow-lists check.""",
    fix="""Name what is in front: `Fastify({ trustProxy: '10.0.0.0/8' })` (the load balancer's network)
        or `trustProxy: 1` (one hop); leave it off when clients connect directly.""",
    check=server_source_findings,
    visitors=(_fastify_trust_proxy, _express_trust_proxy),
)
