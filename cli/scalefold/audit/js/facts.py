"""What the analysis of one source file leaves behind: plain data, picklable across processes."""

from __future__ import annotations

from dataclasses import dataclass, field

from scalefold.audit.model import Hit, Location, Note


@dataclass(frozen=True)
class Import:
    spec: str
    line: int
    type_only: bool
    dynamic: bool = False


@dataclass(frozen=True)
class Route:
    method: str  # upper case, "ALL" for app.all, "GET,HEAD" for a list
    path: str
    line: int


@dataclass(frozen=True)
class Mark:
    """A named fact a visitor found at a place ("the server is created here")."""

    name: str
    location: Location


@dataclass(frozen=True)
class VisitorError:
    """A visitor that raised on this file: a bug, reported against the unit that owns it."""

    owner: str
    traceback: str


@dataclass
class JsFacts:
    """Everything the rules need to know about one source file.

    Hits and marks are filed under the id of the rule or detector whose visitor produced them.
    """

    path: str
    imports: list[Import] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    hits: dict[str, list[Hit]] = field(default_factory=dict)
    marks: dict[str, dict[str, Location]] = field(default_factory=dict)  # owner -> name -> first place
    errors: list[VisitorError] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    unread: str | None = None  # why the file was not analysed; None when it was

    def add_hit(self, owner: str, hit: Hit) -> None:
        self.hits.setdefault(owner, []).append(hit)

    def add_mark(self, owner: str, mark: Mark) -> None:
        self.marks.setdefault(owner, {}).setdefault(mark.name, mark.location)

    def mark(self, owner: str, name: str) -> Location | None:
        return self.marks.get(owner, {}).get(name)
