"""The catastrophic-backtracking detector behind PERF-002."""

from __future__ import annotations

import pytest
from scalefold.audit.redos import catastrophic_backtracking


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a+)+$",
        r"^(\w+\s?)*$",
        r"(.*,)*x",
        r"([a-zA-Z]+)*!",
        r"(x+x+)+y",
        r"^(\wb|ab)+$",
        r"^(?:[a-z]+,?)+$",
        r"(?<word>\w+\s*)+$",
    ],
)
def test_flags_nested_or_ambiguous_repeats(pattern: str) -> None:
    assert catastrophic_backtracking(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"^([a-z0-9]+-)*[a-z0-9]+$",
        r"^(\d+\.)+\d+$",
        r"^[\w.+-]+@[\w-]+\.[\w.]+$",
        r"^(GET|POST)+$",
        r"^\d{4}-\d{2}-\d{2}$",
        r"\s*$",
        r"^/v1/orders/(\d+)$",
        r"(?<year>\d{4})-\k<year>",
        r"[",
        r"(a{1,3})+b",
        r"(\w+\s?)*",  # nothing after the loop can fail, so the first split found is the match
        r"^(?:/(?:[^~/]|~0|~1)*)*$",  # the branches differ in their second character
        r"^---\n(.*\n)*?---\n",  # `.` stops at the line break that separates the repeats
        r'"(\\["]|[^"])*"',
        r"^(?:[^()]|\((?:[^()]|\([^()]*\))*\))*$",  # parentheses separate the nested repeats
    ],
)
def test_accepts_linear_patterns_and_unparsable_ones(pattern: str) -> None:
    assert catastrophic_backtracking(pattern) is None
