"""Baselines: accept today's findings so a project can adopt the check and fix them gradually.

Entries are keyed on the rule, the file and a fingerprint of the flagged code (whitespace
normalised), never on the line number, so code that moves stays baselined and new code does not
hide behind old findings. Each entry absorbs one finding: a second copy of the same flagged code
is new.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from scalefold import __version__
from scalefold.audit.model import Suppression
from scalefold.audit.results import Finding
from scalefold.errors import UsageError

BASELINE_SCHEMA_VERSION = 1


def normalise(code: str) -> str:
    return " ".join(code.split()).rstrip(";")


def fingerprint(rule_id: str, path: str, snippet: str) -> str:
    digest = hashlib.sha256(f"{rule_id}\0{path}\0{normalise(snippet)}".encode()).hexdigest()
    return digest[:20]


Key = tuple[str, str, str]


def write_baseline(path: Path, findings: list[Finding]) -> int:
    entries = sorted(
        (
            {"rule": f.rule_id, "path": f.path, "fingerprint": f.fingerprint, "message": f.message}
            for f in findings
        ),
        key=lambda e: (e["path"], e["rule"], e["fingerprint"], e["message"]),
    )
    document = {
        "schema_version": BASELINE_SCHEMA_VERSION,
        "generated_by": f"scalefold {__version__}",
        "findings": entries,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(entries)


def load_baseline(path: Path) -> Counter[Key]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"baseline not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read baseline {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"baseline {path} is not valid JSON (line {exc.lineno})") from None
    if (
        not isinstance(document, dict)
        or document.get("schema_version") != BASELINE_SCHEMA_VERSION
        or not isinstance(document.get("findings"), list)
    ):
        raise UsageError(
            f"baseline {path} is not a scalefold baseline (schema_version {BASELINE_SCHEMA_VERSION})"
        )
    keys: Counter[Key] = Counter()
    for entry in document["findings"]:
        if isinstance(entry, dict) and {"rule", "path", "fingerprint"} <= entry.keys():
            keys[(str(entry["rule"]), str(entry["path"]), str(entry["fingerprint"]))] += 1
    return keys


def apply_baseline(findings: list[Finding], keys: Counter[Key], label: str) -> int:
    """Suppress the findings the baseline lists; returns how many it matched."""
    remaining = Counter(keys)
    matched = 0
    for finding in findings:
        if not finding.active:
            continue
        key = (finding.rule_id, finding.path, finding.fingerprint)
        if remaining[key] > 0:
            remaining[key] -= 1
            finding.suppression = Suppression("baseline", f"accepted in baseline {label}")
            matched += 1
    return matched
