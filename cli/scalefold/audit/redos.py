"""Find regular expressions that can backtrack catastrophically (ReDoS).

The pattern is parsed with Python's own regular-expression parser (JavaScript syntax is close
enough once named groups are translated). Two shapes are reported, the ones behind most real
ReDoS advisories:

* a repeated group that contains another unbounded repeat and nothing mandatory that the inner
  repeat cannot also match, e.g. ``(a+)+``, ``(\\w+\\s?)*``, ``(.*,)*`` (but not ``([a-z]+-)*``);
* a repeated alternation whose branches can start with the same character, e.g. ``(\\wb|ab)+``.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_ALL = frozenset(chr(c) for c in range(32, 127)) | {"\n", "\t", "é"}
_DIGITS = frozenset("0123456789")
_WORD = frozenset(c for c in _ALL if c.isalnum() or c == "_")
_SPACE = frozenset(" \t\n")
_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: _DIGITS,
    sre_constants.CATEGORY_NOT_DIGIT: _ALL - _DIGITS,
    sre_constants.CATEGORY_WORD: _WORD,
    sre_constants.CATEGORY_NOT_WORD: _ALL - _WORD,
    sre_constants.CATEGORY_SPACE: _SPACE,
    sre_constants.CATEGORY_NOT_SPACE: _ALL - _SPACE,
}
_MAXREPEAT = sre_constants.MAXREPEAT
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)}


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
        return _ALL
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
            if av[0] > 0:
                return out
            continue
        if op == sre_constants.BRANCH:
            for branch in av[1]:
                out |= _first_chars(branch)
            return out
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


def _unbounded_inner(items: Any) -> list[frozenset[str]]:
    """Character sets of unbounded repeats anywhere inside ``items``."""
    found: list[frozenset[str]] = []
    for op, av in items:
        if op in _REPEATS:
            if av[1] == _MAXREPEAT or av[1] > 100:
                found.append(_sequence_chars(av[2]))
            found += _unbounded_inner(av[2])
        elif op == sre_constants.SUBPATTERN:
            found += _unbounded_inner(av[-1])
        elif op == sre_constants.BRANCH:
            for branch in av[1]:
                found += _unbounded_inner(branch)
    return found


def _mandatory_chars(items: Any) -> list[frozenset[str]]:
    """Character sets of single characters the sequence must consume (its separators)."""
    found: list[frozenset[str]] = []
    for op, av in items:
        if op in {sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN}:
            found.append(_charset(op, av))
        elif op == sre_constants.SUBPATTERN:
            found += _mandatory_chars(av[-1])
        elif op in _REPEATS and av[0] > 0 and av[1] != _MAXREPEAT and av[1] <= 100:
            found += _mandatory_chars(av[2])
    return found


def _strip_group(items: Any) -> Any:
    while len(items) == 1 and items[0][0] == sre_constants.SUBPATTERN:
        items = items[0][1][-1]
    return items


def _find(items: Any) -> str | None:
    for op, av in items:
        if op in _REPEATS:
            body = av[2]
            unbounded = av[1] == _MAXREPEAT or av[1] > 100
            if unbounded:
                inner = _unbounded_inner(body)
                separators = _mandatory_chars(body)
                for chars in inner:
                    if not any(sep and not (sep & chars) for sep in separators):
                        return "a repeated group contains another unbounded repeat"
                stripped = _strip_group(body)
                if len(stripped) == 1 and stripped[0][0] == sre_constants.BRANCH:
                    firsts = [_first_chars(b) for b in stripped[0][1][1]]
                    for i, first in enumerate(firsts):
                        if any(first & other for other in firsts[i + 1 :]):
                            return "a repeated alternation has branches that start alike"
            reason = _find(body)
            if reason:
                return reason
        elif op == sre_constants.SUBPATTERN:
            reason = _find(av[-1])
            if reason:
                return reason
        elif op == sre_constants.BRANCH:
            for branch in av[1]:
                reason = _find(branch)
                if reason:
                    return reason
    return None


def catastrophic_backtracking(js_pattern: str) -> str | None:
    """Why the pattern can backtrack exponentially, or None when it looks safe (or cannot be parsed)."""
    if len(js_pattern) > 2000:
        return None
    try:
        parsed = sre_parse.parse(_translate(js_pattern))
    except (re.error, OverflowError, RecursionError, ValueError, IndexError, TypeError):
        return None
    try:
        return _find(list(parsed))
    except RecursionError:
        return None
