"""Baselines: accept today's findings so a project can adopt the check and fix them gradually.

A baseline records, for each rule and file, how many findings it accepted (``count``) and the
fingerprints of the flagged code (a hash of the code with whitespace normalised, never the line
number). A later run suppresses, per rule and file:

1. the findings whose fingerprint the baseline lists (code that moved is still recognised);
2. then, up to the recorded count, findings whose code changed since (an edited line is still the
   old problem, as long as the file does not have more of them than before).

Anything beyond the count is new and reported. Fixing a finding does not shrink the baseline by
itself: the freed place is reported as stale (a note) until the baseline is rewritten with
``--write-baseline``, so the progress is kept and no new finding can take the fixed one's place
unnoticed.

Format 2 (``schema_version: 2``) is written; format 1 (one entry per finding) is still read.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scalefold import __version__
from scalefold.audit.model import Suppression
from scalefold.audit.results import Finding
from scalefold.errors import UsageError

BASELINE_SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)

Key = tuple[str, str]  # (rule id, path)


def normalise(code: str) -> str:
    return " ".join(code.split()).rstrip(";")


def fingerprint(rule_id: str, path: str, snippet: str) -> str:
    digest = hashlib.sha256(f"{rule_id}\0{path}\0{normalise(snippet)}".encode()).hexdigest()
    return digest[:20]


@dataclass
class Entry:
    """What the baseline accepts for one rule in one file."""

    count: int
    fingerprints: Counter[str] = field(default_factory=Counter)


@dataclass
class Baseline:
    label: str  # the file's name, as the reports show it
    entries: dict[Key, Entry]
    schema_version: int = BASELINE_SCHEMA_VERSION


@dataclass
class BaselineUse:
    """What one run made of a baseline: how much it suppressed, and what is stale."""

    suppressed: int = 0
    # (rule, path, places left unused): findings fixed since the baseline was written.
    stale: list[tuple[str, str, int]] = field(default_factory=list)


def baseline_document(findings: list[Finding]) -> dict[str, Any]:
    grouped: dict[Key, list[str]] = defaultdict(list)
    for finding in findings:
        grouped[(finding.rule_id, finding.path)].append(finding.fingerprint)
    entries = [
        {"rule": rule, "path": path, "count": len(prints), "fingerprints": sorted(prints)}
        for (rule, path), prints in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0]))
    ]
    return {
        "schema_version": BASELINE_SCHEMA_VERSION,
        "generated_by": f"scalefold {__version__}",
        "entries": entries,
    }


def write_baseline(path: Path, findings: list[Finding]) -> int:
    """Record ``findings`` in ``path``; returns how many were recorded."""
    document = baseline_document(findings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(findings)


def _not_a_baseline(path: Path, detail: str) -> UsageError:
    return UsageError(f"baseline {path} is not a scalefold baseline ({detail})")


def _entries_v1(path: Path, document: dict[str, Any]) -> dict[Key, Entry]:
    """Format 1: one entry per accepted finding, ``{rule, path, fingerprint, message}``."""
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise _not_a_baseline(path, "format 1 needs a `findings` list")
    entries: dict[Key, Entry] = {}
    for item in findings:
        if not isinstance(item, dict) or not {"rule", "path", "fingerprint"} <= item.keys():
            raise _not_a_baseline(path, "each finding needs `rule`, `path` and `fingerprint`")
        entry = entries.setdefault((str(item["rule"]), str(item["path"])), Entry(0))
        entry.count += 1
        entry.fingerprints[str(item["fingerprint"])] += 1
    return entries


def _entries_v2(path: Path, document: dict[str, Any]) -> dict[Key, Entry]:
    items = document.get("entries")
    if not isinstance(items, list):
        raise _not_a_baseline(path, "format 2 needs an `entries` list")
    entries: dict[Key, Entry] = {}
    for index, item in enumerate(items):
        where = f"entries[{index}]"
        if not isinstance(item, dict) or not {"rule", "path", "count"} <= item.keys():
            raise _not_a_baseline(path, f"{where} needs `rule`, `path` and `count`")
        count, prints = item["count"], item.get("fingerprints", [])
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise _not_a_baseline(path, f"{where}.count must be a whole number ≥ 0")
        if not isinstance(prints, list) or not all(isinstance(p, str) for p in prints):
            raise _not_a_baseline(path, f"{where}.fingerprints must be a list of strings")
        entry = entries.setdefault((str(item["rule"]), str(item["path"])), Entry(0))
        entry.count += count
        entry.fingerprints.update(prints)
    return entries


def load_baseline(path: Path) -> Baseline:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"baseline not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read baseline {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"baseline {path} is not valid JSON (line {exc.lineno})") from None
    version = document.get("schema_version") if isinstance(document, dict) else None
    if version not in READABLE_VERSIONS:
        readable = " or ".join(str(v) for v in READABLE_VERSIONS)
        raise _not_a_baseline(path, f"schema_version {readable} expected, found {version!r}")
    assert isinstance(document, dict)
    entries = _entries_v1(path, document) if version == 1 else _entries_v2(path, document)
    return Baseline(path.name, entries, version)


def apply_baseline(
    findings: list[Finding], baseline: Baseline, judged: Callable[[str, str], bool] = lambda _r, _p: True
) -> BaselineUse:
    """Suppress what ``baseline`` accepts among ``findings`` (every rule's); report what is stale.

    ``judged(rule, path)`` says whether this run looked at that file with that rule at all: the
    entries of a rule that did not run (``--rule``), was switched off or could not decide are
    not stale, whatever their count.
    """
    use = BaselineUse()
    grouped: dict[Key, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.active:
            grouped[(finding.rule_id, finding.path)].append(finding)
    for key, entry in sorted(baseline.entries.items()):
        current = grouped.get(key, [])
        budget = entry.count
        prints = Counter(entry.fingerprints)
        changed: list[Finding] = []
        for finding in current:  # 1. the same code, wherever it moved in the file
            if budget > 0 and prints[finding.fingerprint] > 0:
                prints[finding.fingerprint] -= 1
                budget -= 1
                finding.suppression = Suppression("baseline", f"accepted in baseline {baseline.label}")
                use.suppressed += 1
            else:
                changed.append(finding)
        for finding in changed:  # 2. code edited since, up to the count the file had
            if budget == 0:
                break
            budget -= 1
            finding.suppression = Suppression(
                "baseline", f"accepted in baseline {baseline.label} (counted: the flagged code changed since)"
            )
            use.suppressed += 1
        if budget > 0 and judged(*key):
            use.stale.append((key[0], key[1], budget))
    return use


def stale_notes(baseline: Baseline, use: BaselineUse) -> list[tuple[str, str]]:
    """(path, message) notes: the baseline's places that no finding uses any more."""
    notes = [
        (
            path,
            f"baseline {baseline.label} accepts {unused} more {rule} finding{'s' if unused > 1 else ''} "
            "than this file has: fixed since it was written; rewrite the baseline (--write-baseline) "
            "so that a new finding cannot take the freed place",
        )
        for rule, path, unused in use.stale
    ]
    if baseline.schema_version != BASELINE_SCHEMA_VERSION:
        notes.append(
            (
                baseline.label,
                f"baseline {baseline.label} is in format {baseline.schema_version}; it is read as it is, "
                f"and --write-baseline rewrites it in format {BASELINE_SCHEMA_VERSION}",
            )
        )
    return notes
