"""REL-005: declare `engines.node` on a supported LTS line, as the template's package.json does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scalefold.audit.fix import template
from scalefold.audit.fix.edits import edit_json, with_member
from scalefold.audit.fix.model import CannotFix, Change, FixContext
from scalefold.audit.rules.reliability.node_versions import lts_problem, min_major, supported_lts

if TYPE_CHECKING:
    from datetime import date

    from scalefold.audit.results import Finding


def _wanted_range(today: date) -> str:
    """The template's `engines.node`, or the oldest supported LTS line once the template's has aged."""
    wanted = str(template.package_json()["engines"]["node"])
    if lts_problem(min_major(wanted), today, "") is None:
        return wanted
    supported = supported_lts(today)
    if not supported:
        raise CannotFix("no Node.js LTS line is supported today: choose a version yourself")
    return f">={supported[0]}"


def declare_node_engine(context: FixContext, finding: Finding) -> Change:
    """Add `"engines": { "node": ">=22" }` where the template has it (after `type`), add `node` to an
    existing `engines`, or raise an `engines.node` that allows an end-of-life or odd line."""
    text = context.read(finding.path)
    if text is None:
        raise CannotFix(f"{finding.path} does not exist")
    wanted = _wanted_range(context.project.today)
    summary: list[str] = []

    def edit(data: Any) -> Any:
        if not isinstance(data, dict):
            raise CannotFix(f"{finding.path} is not a JSON object")
        engines = data.get("engines")
        if engines is None:
            order = list(template.package_json())
            before = tuple(order[: order.index("engines")])
            summary.append(f'added "engines": {{ "node": "{wanted}" }}')
            return with_member(data, "engines", {"node": wanted}, after=before)
        if not isinstance(engines, dict):
            raise CannotFix(f"`engines` in {finding.path} is not an object")
        current = engines.get("node")
        if current is None:
            summary.append(f'added "node": "{wanted}" to "engines"')
            return {**data, "engines": with_member(engines, "node", wanted, after=())}
        if "<" in str(current):
            raise CannotFix(
                f'`engines.node` "{current}" sets an upper bound on purpose: choose the new range yourself'
            )
        summary.append(f'`engines.node` "{current}" → "{wanted}"')
        return {**data, "engines": {**engines, "node": wanted}}

    return Change(finding.path, edit_json(text, finding.path, edit), summary[0] if summary else "")
