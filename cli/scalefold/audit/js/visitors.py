"""Visitors: the part of a rule that looks at syntax trees, declared next to the rule that uses it.

A visitor is a function plus the nodes it wants (calls of some names, ``new`` of some classes,
object properties with some keys, routes, imports, regular expressions, assignments). The
decorators below only describe a function; nothing is registered anywhere: a rule lists its
visitors in its ``Rule(visitors=...)``, and the engine builds one dispatch table from the rules it
runs. A visitor returns (or yields) the ``Hit`` and ``Mark`` objects it found, or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from scalefold.audit.js.facts import Mark
from scalefold.audit.model import Hit

Found = Iterable[Hit | Mark] | None
VisitFn = Callable[..., Found]


class Kind(str, Enum):
    CALL = "call"  # fn(file, call: Call); names match the callee's last identifier, "*Sync" any *Sync
    NEW = "new"  # fn(file, node, args); names match the constructor's last identifier
    PAIR = "pair"  # fn(file, pair_node); names match the property key
    ROUTE = "route"  # fn(file, route: RouteCall)
    IMPORT = "import"  # fn(file, imp: Import); names match the module or its package (`pino` for `pino/file`)
    REGEX = "regex"  # fn(file, regex_node)
    ASSIGNMENT = "assignment"  # fn(file, assignment_node)


ANY_SYNC = "*Sync"


@dataclass(frozen=True)
class Visitor:
    kind: Kind
    fn: VisitFn
    names: tuple[str, ...] = ()

    def __call__(self, *args: Any) -> Found:
        return self.fn(*args)


def _describe(kind: Kind, names: tuple[str, ...]) -> Callable[[VisitFn], Visitor]:
    def describe(fn: VisitFn) -> Visitor:
        return Visitor(kind, fn, names)

    return describe


def on_call(*names: str) -> Callable[[VisitFn], Visitor]:
    """Visit calls whose callee ends in one of ``names`` (``"*Sync"``: any name ending in Sync)."""
    return _describe(Kind.CALL, names)


def on_new(*names: str) -> Callable[[VisitFn], Visitor]:
    return _describe(Kind.NEW, names)


def on_pair(*keys: str) -> Callable[[VisitFn], Visitor]:
    return _describe(Kind.PAIR, keys)


def on_import(*modules: str) -> Callable[[VisitFn], Visitor]:
    """Visit imports and requires of ``modules`` (a module, or any module of a package), once every
    import of the file is known; with no modules, every import."""
    return _describe(Kind.IMPORT, modules)


on_route = _describe(Kind.ROUTE, ())
on_regex = _describe(Kind.REGEX, ())
on_assignment = _describe(Kind.ASSIGNMENT, ())


Entry = tuple[str, VisitFn]  # (owner id, visit function)


@dataclass
class VisitorTable:
    """Every visitor of a run, indexed by what it visits, each with the id of the unit that owns it."""

    by_name: dict[Kind, dict[str, list[Entry]]] = field(default_factory=dict)
    any_sync: list[Entry] = field(default_factory=list)
    unnamed: dict[Kind, list[Entry]] = field(default_factory=dict)

    @classmethod
    def build(cls, units: Iterable[tuple[str, Iterable[Visitor]]]) -> VisitorTable:
        """The table for ``units``: pairs of an owner id (a rule or detector id) and its visitors."""
        table = cls()
        for owner, visitors in units:
            for visitor in visitors:
                entry = (owner, visitor.fn)
                if not visitor.names:
                    table.unnamed.setdefault(visitor.kind, []).append(entry)
                for name in visitor.names:
                    if visitor.kind is Kind.CALL and name == ANY_SYNC:
                        table.any_sync.append(entry)
                    else:
                        table.by_name.setdefault(visitor.kind, {}).setdefault(name, []).append(entry)
        return table

    def named(self, kind: Kind, name: str) -> list[Entry]:
        return self.by_name.get(kind, {}).get(name, [])

    def all(self, kind: Kind) -> list[Entry]:
        return self.unnamed.get(kind, [])

    def wants(self, kind: Kind) -> bool:
        return bool(self.by_name.get(kind)) or bool(self.unnamed.get(kind))

    def call_names(self) -> Iterator[str]:
        yield from self.by_name.get(Kind.CALL, {})
