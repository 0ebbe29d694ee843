"""`scalefold check --fix` / `--diff`: run the fixers of the rules whose fix is mechanical.

The plan is computed in memory first: for each rule with a fixer and each file with an active
finding of it, the fixer returns the file's new text (or refuses, with the reason). Fixers see the
edits made before them in the same run. Nothing is written until the whole plan is known; `--diff`
prints it as a patch and writes nothing, `--fix` writes it and shows the same patch.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.markup import escape

from scalefold.audit.fix.model import CannotFix, FixContext
from scalefold.audit.project import Project
from scalefold.audit.results import Finding, Report, plural


@dataclass(frozen=True)
class FixOutcome:
    rule_id: str
    path: str  # the flagged file
    findings: int  # how many findings of the rule in that file the fix covers
    changed: str | None = None  # the file the fix changed, or None when it refused
    summary: str = ""  # what it changed, or why it refused


@dataclass
class FixPlan:
    root: Path
    before: dict[str, str | None] = field(default_factory=dict)  # None: a file the plan creates
    after: dict[str, str] = field(default_factory=dict)
    outcomes: list[FixOutcome] = field(default_factory=list)

    @property
    def changed_files(self) -> list[str]:
        return sorted(path for path, text in self.after.items() if text != self.before.get(path))

    @property
    def fixed(self) -> list[FixOutcome]:
        return [o for o in self.outcomes if o.changed is not None]

    @property
    def refused(self) -> list[FixOutcome]:
        return [o for o in self.outcomes if o.changed is None]

    def patch(self) -> str:
        """The plan as a unified diff (``git apply`` reads it), files in name order."""
        parts: list[str] = []
        for path in self.changed_files:
            before = self.before.get(path)
            parts.extend(
                difflib.unified_diff(
                    (before or "").splitlines(keepends=True),
                    self.after[path].splitlines(keepends=True),
                    fromfile="/dev/null" if before is None else f"a/{path}",
                    tofile=f"b/{path}",
                )
            )
        return "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in parts
        )

    def write(self) -> None:
        """Write every changed file: in place through a temporary file, keeping its permissions."""
        for path in self.changed_files:
            _write_atomically(self.root / path, self.after[path])


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fixable(report: Report) -> list[tuple[Finding, int]]:
    """The first active finding of each (rule, file) whose rule has a fixer, with how many there are."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for result in report.results:
        if result.rule.fixer is None:
            continue
        for finding in result.active_findings:
            groups.setdefault((finding.rule_id, finding.path), []).append(finding)
    return [(findings[0], len(findings)) for findings in groups.values()]


def plan_fixes(root: Path, report: Report, today: date | None = None) -> FixPlan:
    """Every fix the report's active findings allow, computed without writing anything."""
    project = Project(root, exclude=tuple(e.path for e in report.config.exclude), today=today)
    context = FixContext(root, project)
    plan = FixPlan(root)
    for finding, count in _fixable(report):
        fixer = finding.rule.fixer
        assert fixer is not None
        try:
            change = fixer(context, finding)
            if change.text == context.read(change.path):
                raise CannotFix("the fix found nothing to change; please report it")
            context.apply(change)
        except CannotFix as refused:
            plan.outcomes.append(FixOutcome(finding.rule_id, finding.path, count, None, refused.reason))
            continue
        plan.before.setdefault(change.path, context.original(change.path))
        plan.after[change.path] = change.text
        plan.outcomes.append(FixOutcome(finding.rule_id, finding.path, count, change.path, change.summary))
    return plan


def describe(plan: FixPlan, *, applied: bool) -> list[str]:
    """One line per fix and per refusal, then the totals (Rich markup; paths and reasons escaped)."""
    verb = "fixed" if applied else "would fix"
    lines = [f"[ok]{verb}[/ok] {o.rule_id} {escape(o.path)}: {escape(o.summary)}" for o in plan.fixed] + [
        f"[warn]not fixed[/warn] {o.rule_id} {escape(o.path)}: {escape(o.summary)}" for o in plan.refused
    ]
    if not plan.outcomes:
        return ["nothing to fix: no active finding of a rule with an automatic fix"]
    files = plan.changed_files
    fixes = f"{len(plan.fixed)} {'fix' if len(plan.fixed) == 1 else 'fixes'}"
    total = f"{fixes} in {plural(len(files), 'file')}" if files else "no change"
    refused = f", {len(plan.refused)} not fixed (the reason is on its line)" if plan.refused else ""
    lines.append(f"{total}{refused}{'' if applied or not files else '; nothing written (--diff)'}")
    return lines
