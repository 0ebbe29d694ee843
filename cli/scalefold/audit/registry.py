"""The rule catalogue: every rule registers itself here with the ``@rule`` decorator."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

from scalefold.audit.model import Category, CheckFn, Rule, Severity

_RULES: dict[str, Rule] = {}

# Import order is catalogue order (and the order of categories in every report).
_RULE_MODULES = (
    "docker",
    "ci",
    "security",
    "observability",
    "performance",
    "reliability",
    "architecture",
    "kubernetes",
    "dependencies",
)


def rule(
    id: str,
    name: str,
    category: Category,
    severity: Severity,
    title: str,
    *,
    rationale: str,
    fix: str,
    needs_deps: bool = False,
    references: tuple[str, ...] = (),
) -> Callable[[CheckFn], CheckFn]:
    """Register ``check`` as the implementation of rule ``id``."""

    def register(check: CheckFn) -> CheckFn:
        if id in _RULES:
            raise ValueError(f"duplicate rule id {id}")
        _RULES[id] = Rule(
            id=id,
            name=name,
            category=category,
            severity=severity,
            title=title,
            rationale=" ".join(rationale.split()),
            fix=" ".join(fix.split()),
            check=check,
            needs_deps=needs_deps,
            references=references,
        )
        return check

    return register


@cache
def catalogue() -> tuple[Rule, ...]:
    """Every rule, grouped by category in report order, by id within a category."""
    for module in _RULE_MODULES:
        importlib.import_module(f"scalefold.audit.rules.{module}")
    order = {category: index for index, category in enumerate(Category)}
    return tuple(sorted(_RULES.values(), key=lambda r: (order[r.category], r.id)))


def get_rule(rule_id: str) -> Rule | None:
    wanted = rule_id.strip().upper()
    return next((r for r in catalogue() if r.id == wanted or r.name == rule_id.strip().lower()), None)
