"""The process-event detector shared by the crash and shutdown rules (REL-001 to REL-004).

It marks, in each file, where the process listens for `unhandledRejection`, `uncaughtException`,
`SIGTERM` and `SIGINT` (``process.on(...)``), or imports a library that does it for the
application (close-with-grace, terminus, http-terminator, …).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from scalefold.audit.js.facts import Import, Mark
from scalefold.audit.js.syntax import Call, JsFile
from scalefold.audit.js.visitors import on_call, on_import
from scalefold.audit.rule import Detector

if TYPE_CHECKING:
    from scalefold.audit.model import Location
    from scalefold.audit.packages import NodePackage
    from scalefold.audit.project import Project

UNHANDLED_REJECTION = "unhandledRejection"
UNCAUGHT_EXCEPTION = "uncaughtException"
SIGTERM = "SIGTERM"
_EVENTS = {UNHANDLED_REJECTION, UNCAUGHT_EXCEPTION, SIGTERM, "SIGINT"}
LISTENER_METHODS = ("on", "once", "addListener", "prependListener", "prependOnceListener")

_GRACEFUL_LIBS = {
    "close-with-grace",
    "@godaddy/terminus",
    "http-terminator",
    "fastify-graceful-shutdown",
    "stoppable",
    "lightship",
    "@nestjs/terminus",
}
# close-with-grace also logs and exits on uncaughtException and unhandledRejection.
_CRASH_HANDLING_LIBS = {"close-with-grace"}
# The same events, marked where a library handles them: a workspace package the service builds on that
# imports one (a shared platform package) handles them for the service. A bare `process.on` in such a
# package does not count: it may be a helper nobody calls.
VIA_LIBRARY = "library:"


def process_event(file: JsFile, call: Call) -> str | None:
    """The event of a `process.on('<event>', …)` call, when it is one of the events that matter."""
    if call.obj is None or call.obj.type != "identifier" or file.text(call.obj) != "process" or not call.args:
        return None
    event = file.string_value(call.args[0])
    return event if event in _EVENTS else None


@on_import(*sorted(_GRACEFUL_LIBS | _CRASH_HANDLING_LIBS))
def _library_imported(file: JsFile, imp: Import) -> Iterator[Mark]:
    module = imp.spec.removeprefix("node:")
    where = file.location_at(imp.line, f"import {module}")
    events = ([SIGTERM] if module in _GRACEFUL_LIBS else []) + (
        [UNCAUGHT_EXCEPTION, UNHANDLED_REJECTION] if module in _CRASH_HANDLING_LIBS else []
    )
    for event in events:
        yield Mark(event, where)
        yield Mark(VIA_LIBRARY + event, where)


@on_call(*LISTENER_METHODS)
def _listener(file: JsFile, call: Call) -> Iterator[Mark]:
    event = process_event(file, call)
    if event is not None:
        yield file.mark(event, call.node)


PROCESS_EVENTS = Detector("process-events", (_library_imported, _listener))


def handled(project: Project, pkg: NodePackage, event: str) -> Location | None:
    """Where the service handles ``event``: in its own code, else through a shutdown library imported by
    a workspace package it builds on."""
    return project.mark(PROCESS_EVENTS, pkg, event) or project.mark(
        PROCESS_EVENTS, pkg, VIA_LIBRARY + event, follow=True
    )
