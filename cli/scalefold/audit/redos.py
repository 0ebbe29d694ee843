"""Find regular expressions that can backtrack catastrophically (ReDoS).

The pattern is parsed with Python's own regular-expression parser (JavaScript syntax is close
enough once named groups are translated). Two shapes are reported, the ones behind most real
ReDoS advisories, and only when something after them can fail to match (an anchor or a mandatory
character), since that failure is what sends the engine through every way of splitting the input:

* a repeated group holding another unbounded repeat that no mandatory character of the group
  separates, e.g. ``(a+)+$``, ``(\\w+\\s?)*$``, ``(.*,)*x`` (but not ``([a-z]+-)*$``, where the ``-``
  cannot be taken by ``[a-z]+``);
* a repeated alternation with two branches that match the same characters position by position,
  e.g. ``(\\wb|ab)+$`` (but not ``(~0|~1|[^~])*$``).
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from typing import Any

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

# A sample alphabet standing for "every character": enough to tell character classes apart.
_ALL = frozenset(chr(c) for c in range(32, 127)) | {"\n", "\r", "\t", "é"}
_LINE_BREAKS = frozenset("\n\r")
_DIGITS = frozenset("0123456789")
_WORD = frozenset(c for c in _ALL if c.isalnum() or c == "_")
_SPACE = frozenset(" \t\n\r")
_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: _DIGITS,
    sre_constants.CATEGORY_NOT_DIGIT: _ALL - _DIGITS,
    sre_constants.CATEGORY_WORD: _WORD,
    sre_constants.CATEGORY_NOT_WORD: _ALL - _WORD,
    sre_constants.CATEGORY_SPACE: _SPACE,
    sre_constants.CATEGORY_NOT_SPACE: _ALL - _SPACE,
}
_MAXREPEAT = sre_constants.MAXREPEAT
_REPEATS = {
    sre_constants.MAX_REPEAT,
    sre_constants.MIN_REPEAT,
    getattr(sre_constants, "POSSESSIVE_REPEAT", None),
}
_SINGLE = {sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN}


def _translate(js_pattern: str) -> str:
    pattern = js_pattern.replace("(?<", "(?P<").replace("(?P<=", "(?<=").replace("(?P<!", "(?<!")
    pattern = re.sub(r"\\k<(\w+)>", r"(?P=\1)", pattern)
    return pattern.replace("\\/", "/")


def _charset(op: Any, av: Any) -> frozenset[str]:
    """Characters one item can consume (an over-approximation)."""
    if op == sre_constants.LITERAL:
        return frozenset({chr(av)})
    if op == sre_constants.NOT_LITERAL:
        return _ALL - {chr(av)}
    if op == sre_constants.ANY:
        return _ALL - _LINE_BREAKS  # JavaScript's `.` stops at line breaks
    if op == sre_constants.IN:
        chars: set[str] = set()
        negate = False
        for sub_op, sub_av in av:
            if sub_op == sre_constants.NEGATE:
                negate = True
            elif sub_op == sre_constants.LITERAL:
                chars.add(chr(sub_av))
            elif sub_op == sre_constants.RANGE:
                chars |= {c for c in _ALL if sub_av[0] <= ord(c) <= sub_av[1]}
            elif sub_op == sre_constants.CATEGORY:
                chars |= _CATEGORIES.get(sub_av, _ALL)
        return _ALL - chars if negate else frozenset(chars)
    if op == sre_constants.SUBPATTERN:
        return _sequence_chars(av[-1])
    if op in _REPEATS:
        return _sequence_chars(av[2])
    if op == sre_constants.BRANCH:
        out: frozenset[str] = frozenset()
        for branch in av[1]:
            out |= _sequence_chars(branch)
        return out
    return frozenset()


def _sequence_chars(items: Any) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for op, av in items:
        out |= _charset(op, av)
    return out


def _first_chars(items: Any) -> frozenset[str]:
    """Characters a match of ``items`` can start with (an over-approximation)."""
    out: frozenset[str] = frozenset()
    for op, av in items:
        if op in {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}:
            continue
        if op == sre_constants.SUBPATTERN:
            out |= _first_chars(av[-1])
            if _min_length(av[-1]) > 0:
                return out
            continue
        if op in _REPEATS:
            out |= _first_chars(av[2])
            if av[0] > 0 and _min_length(av[2]) > 0:
                return out
            continue
        if op == sre_constants.BRANCH:
            for branch in av[1]:
                out |= _first_chars(branch)
            if min((_min_length(b) for b in av[1]), default=0) > 0:
                return out
            continue
        return out | _charset(op, av)
    return out


def _min_length(items: Any) -> int:
    total = 0
    for op, av in items:
        if op in {sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN}:
            total += 1
        elif op == sre_constants.SUBPATTERN:
            total += _min_length(av[-1])
        elif op in _REPEATS:
            total += av[0] * _min_length(av[2])
        elif op == sre_constants.BRANCH:
            total += min((_min_length(b) for b in av[1]), default=0)
    return total


def _unbounded(av: Any) -> bool:
    return av[1] == _MAXREPEAT or av[1] > 100


def _mandatory_chars(items: Any) -> list[frozenset[str]]:
    """Character sets of single characters the sequence must consume (its separators)."""
    found: list[frozenset[str]] = []
    for op, av in items:
        if op in _SINGLE:
            found.append(_charset(op, av))
        elif op == sre_constants.SUBPATTERN:
            found += _mandatory_chars(av[-1])
        elif op in _REPEATS and av[0] > 0 and not _unbounded(av):
            found += _mandatory_chars(av[2])
    return found


def _unguarded_repeats(items: Any, guards: list[frozenset[str]]) -> bool:
    """True when an unbounded repeat in ``items`` has no separator it cannot consume itself."""
    local = guards + _mandatory_chars(items)
    for op, av in items:
        if op in _REPEATS:
            if _unbounded(av):
                # The boundary between two turns of the outer loop is ambiguous unless a separator
                # follows that this repeat cannot start another turn with.
                chars = _first_chars(av[2])
                if not any(sep and not (sep & chars) for sep in local):
                    return True
            if _unguarded_repeats(av[2], local):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _unguarded_repeats(av[-1], local):
                return True
        elif op == sre_constants.BRANCH and any(_unguarded_repeats(branch, local) for branch in av[1]):
            return True
    return False


def _signature(items: Any) -> list[frozenset[str]] | None:
    """Per-position character sets of a branch made of single characters only, else None."""
    signature: list[frozenset[str]] = []
    for op, av in items:
        if op in _SINGLE:
            signature.append(_charset(op, av))
        elif op == sre_constants.SUBPATTERN:
            inner = _signature(av[-1])
            if inner is None:
                return None
            signature += inner
        else:
            return None
    return signature


def _ambiguous_branches(branches: Any) -> bool:
    signatures = [_signature(b) for b in branches]
    for i, first in enumerate(signatures):
        for second in signatures[i + 1 :]:
            if first and second and len(first) == len(second) and all(a & b for a, b in zip(first, second)):
                return True
    return False


def _strip_group(items: Any) -> Any:
    while len(items) == 1 and items[0][0] == sre_constants.SUBPATTERN:
        items = items[0][1][-1]
    return items


def _can_fail(items: Any) -> bool:
    """Whether matching ``items`` can fail: a mandatory character, an anchor or a lookaround."""
    if _min_length(items) > 0:
        return True
    fails = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.GROUPREF}
    return any(op in fails for op, _ in items)


def _find(items: Any, tail_can_fail: bool) -> str | None:
    for index, (op, av) in enumerate(items):
        after = tail_can_fail or _can_fail(items[index + 1 :])
        if op in _REPEATS:
            body = av[2]
            if _unbounded(av) and after:
                if _unguarded_repeats(body, []):
                    return "a repeated group contains another unbounded repeat"
                stripped = _strip_group(body)
                if (
                    len(stripped) == 1
                    and stripped[0][0] == sre_constants.BRANCH
                    and _ambiguous_branches(stripped[0][1][1])
                ):
                    return "a repeated alternation has branches that match the same text"
            reason = _find(body, after)
        elif op == sre_constants.SUBPATTERN:
            reason = _find(av[-1], after)
        elif op == sre_constants.BRANCH:
            reason = next((r for r in (_find(branch, after) for branch in av[1]) if r), None)
        else:
            reason = None
        if reason:
            return reason
    return None


@lru_cache(maxsize=4096)  # code repeats its patterns (slugs, trims, ids): each is parsed once
def catastrophic_backtracking(js_pattern: str) -> str | None:
    """Why the pattern can backtrack exponentially, or None when it looks safe (or cannot be parsed)."""
    if len(js_pattern) > 2000:
        return None
    try:
        with warnings.catch_warnings():  # "possible nested set" warnings are about Python's future syntax
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(_translate(js_pattern))
    except (re.error, OverflowError, RecursionError, ValueError, IndexError, TypeError):
        return None
    try:
        return _find(list(parsed), False)
    except RecursionError:
        return None
