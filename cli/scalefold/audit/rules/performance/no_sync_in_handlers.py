"""PERF-001: no synchronous file, crypto, zlib or child-process calls in request handlers."""

from __future__ import annotations

from collections.abc import Iterator

from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import ANY_SYNC, on_call
from scalefold.audit.model import Category, Hit, Severity
from scalefold.audit.rule import Rule
from scalefold.audit.rules.common import server_source_findings

_BLOCKING_MODULES = {"fs", "crypto", "zlib", "child_process", "bcrypt", "bcryptjs"}


@on_call(ANY_SYNC)
def _sync_in_handler(file: JsFile, call: Call) -> Iterator[Hit]:
    module, _ = file.call_module(call)
    if module is None and call.obj is not None and call.obj.type == "identifier":
        name = file.text(call.obj)
        module = name if name in {"fs", "crypto", "zlib"} else None
    if module in _BLOCKING_MODULES and file.in_request_handler(call.node):
        yield file.hit(
            call.node,
            f"`{call.name}` blocks the event loop for every request: use "
            f"the async/promise version (`await {call.name[:-4]}(...)`)",
        )


RULE = Rule(
    id="PERF-001",
    name="performance-no-sync-in-handlers",
    category=Category.PERFORMANCE,
    severity=Severity.WARNING,
    title="No synchronous file, crypto, zlib or child-process calls in request handlers",
    rationale="""A `*Sync` call stops the whole process, every other request included, until the disk,
        the CPU-heavy hash or the child process finishes. At module top level (start-up) that is
        fine; inside a handler it caps throughput at one request at a time.""",
    fix="""Use the promise API (`await readFile(…)`, `await bcrypt.hash(…)`, `await promisify(gzip)(…)`)
        or move CPU-heavy work to a worker thread.""",
    check=server_source_findings,
    visitors=(_sync_in_handler,),
)
