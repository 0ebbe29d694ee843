"""Run `scalefold check` on every corpus copy and compare its findings with the hand-made labels.

A finding is matched to the most specific spot of its rule: a spot with lines (the finding's line
within the span, give or take LINE_TOLERANCE; the nearest wins), then a whole-file spot, then the
innermost package of a project-level spot. A finding matched to a violation is correct; one matched
to a must-not-flag spot, or to nothing, is a false positive. A violation no finding matched is a
miss. Precision counts findings, recall counts labelled violations; both are given over every
severity and over warning and error only (a rule's severity is its effective one in the report).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.audit_corpus.labels import RepoLabels, Spot, load_labels
from bench.audit_corpus.manifest import CorpusRepo
from bench.audit_corpus.materialise import SOURCE_MARKER
from bench.audit_corpus.paths import CORPUS, LABELS, REPOS

LINE_TOLERANCE = 3
WARNING_PLUS = ("error", "warning")
# Rules that only run with --deps (they need the npm registry or PyPI) are not scored.
NOT_SCORED = frozenset({"DEP-001", "DEP-002"})
CHECK_TIMEOUT_S = 600


class CorpusError(RuntimeError):
    """A copy is missing or stale, or `scalefold check` failed on it."""


@dataclass
class Finding:
    repo: str
    rule: str
    severity: str
    path: str
    line: int | None
    message: str


@dataclass
class Outcome:
    """Where one finding landed."""

    finding: Finding
    verdict: str  # "correct", "must_not_flag", "unlabelled", "clean", "not_applicable", "elsewhere"
    spot: Spot | None = None


@dataclass
class Miss:
    repo: str
    spot: Spot
    severity: str
    rule_status: str  # the rule's status in the report: fail, pass, not_applicable…


@dataclass
class Totals:
    """Labelled spots found and findings judged correct, over one rule or the whole corpus."""

    labels: int = 0
    found: int = 0
    findings: int = 0
    correct: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.findings if self.findings else None

    @property
    def recall(self) -> float | None:
        return self.found / self.labels if self.labels else None


@dataclass(kw_only=True)
class RuleScore(Totals):
    rule: str
    severity: str = "warning"
    must_not_flag_hits: int = 0


@dataclass
class RepoResult:
    repo: CorpusRepo
    outcomes: list[Outcome]
    misses: list[Miss]
    found_spots: list[Spot]
    must_not_flag_spots: int
    must_not_flag_hit: list[Spot]
    rule_severity: dict[str, str]
    rule_status: dict[str, str]
    seconds: float


@dataclass
class CorpusResult:
    repos: list[RepoResult] = field(default_factory=list)

    def rules(self) -> dict[str, RuleScore]:
        scores: dict[str, RuleScore] = {}
        for repo in self.repos:
            for rule, severity in repo.rule_severity.items():
                if rule not in NOT_SCORED:
                    scores.setdefault(rule, RuleScore(rule=rule)).severity = severity
            for spot in repo.found_spots:
                scores[spot.rule].found += 1
                scores[spot.rule].labels += 1
            for miss in repo.misses:
                scores[miss.spot.rule].labels += 1
            for outcome in repo.outcomes:
                score = scores[outcome.finding.rule]
                score.findings += 1
                score.correct += outcome.verdict == "correct"
                score.must_not_flag_hits += outcome.verdict == "must_not_flag"
        return dict(sorted(scores.items(), key=lambda item: _rule_order(item[0])))

    def totals(self, severities: tuple[str, ...] | None = None) -> Totals:
        totals = Totals()
        for score in self.rules().values():
            if severities is not None and score.severity not in severities:
                continue
            totals.labels += score.labels
            totals.found += score.found
            totals.findings += score.findings
            totals.correct += score.correct
        return totals

    def false_positives(self) -> list[Outcome]:
        return [o for r in self.repos for o in r.outcomes if o.verdict != "correct"]

    def misses(self) -> list[Miss]:
        return [m for r in self.repos for m in r.misses]

    def must_not_flag(self) -> tuple[int, int]:
        spots = sum(r.must_not_flag_spots for r in self.repos)
        hit = sum(len(r.must_not_flag_hit) for r in self.repos)
        return hit, spots

    def summary_text(self) -> str:
        lines = []
        for label, severities in (("warning and above", WARNING_PLUS), ("all severities", None)):
            t = self.totals(severities)
            lines.append(
                f"{label}: precision {_pct(t.precision)} ({t.correct}/{t.findings} findings), "
                f"recall {_pct(t.recall)} ({t.found}/{t.labels} labelled violations)"
            )
        hit, spots = self.must_not_flag()
        lines.append(f"must-not-flag spots flagged: {hit} of {spots}")
        return "\n".join(lines)


def _rule_order(rule: str) -> tuple[str, int]:
    prefix, _, number = rule.rpartition("-")
    order = ["DKR", "CI", "SEC", "OBS", "PERF", "REL", "ARCH", "K8S", "DEP"]
    return (f"{order.index(prefix):02d}" if prefix in order else prefix, int(number))


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def repo_folder(repo: CorpusRepo) -> Path:
    return CORPUS / repo.path if repo.synthetic else REPOS / repo.name


def check_copy(repo: CorpusRepo) -> Path:
    """The folder of the copy, after making sure it is the commit the manifest names."""
    folder = repo_folder(repo)
    if not folder.is_dir():
        raise CorpusError(
            f"{repo.name}: no copy in {folder.relative_to(CORPUS.parents[2])}; "
            "run `python -m bench.audit_corpus materialise` first"
        )
    if not repo.synthetic:
        marker = folder / SOURCE_MARKER
        recorded = json.loads(marker.read_text(encoding="utf-8")) if marker.is_file() else {}
        if recorded.get("commit") != repo.commit:
            raise CorpusError(f"{repo.name}: the copy is not {repo.commit[:12]}; materialise it again")
    return folder


def run_check(folder: Path) -> tuple[dict, float]:
    """`scalefold check --format json` on ``folder``: the report and the seconds it took."""
    import time

    command = [
        sys.executable,
        "-m",
        "scalefold",
        "check",
        str(folder),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CHECK_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise CorpusError(f"scalefold check on {folder.name} did not finish in {CHECK_TIMEOUT_S} s") from exc
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise CorpusError(
            f"scalefold check on {folder.name} exited {done.returncode}: {done.stderr.strip()[-500:]}"
        )
    try:
        return json.loads(done.stdout), seconds
    except json.JSONDecodeError as exc:
        raise CorpusError(f"scalefold check on {folder.name} printed no JSON report") from exc


def _in_scope(scope: str, path: str) -> bool:
    return scope == "." or path == scope or path.startswith(scope + "/")


def _rank(spot: Spot, finding: Finding) -> tuple[int, float] | None:
    """How closely ``spot`` describes ``finding`` (smaller is closer), or None if it does not."""
    if spot.project is not None:
        if not _in_scope(spot.project, finding.path):
            return None
        depth = 0 if spot.project == "." else spot.project.count("/") + 1
        return (2, -depth)
    best: tuple[int, float] | None = None
    for place in spot.places:
        if place.file != finding.path:
            continue
        if place.first is None:
            candidate = (1, 0.0)
        else:
            if finding.line is None:
                continue
            gap = max(place.first - finding.line, finding.line - place.last, 0)
            if gap > LINE_TOLERANCE:
                continue
            candidate = (0, float(gap))
        best = candidate if best is None or candidate < best else best
    return best


def match(finding: Finding, labels: RepoLabels) -> Outcome:
    label = labels.for_rule(finding.rule)
    if label is None:
        return Outcome(finding, "unlabelled")
    ranked = []
    for spot in (*label.violations, *label.must_not_flag):
        rank = _rank(spot, finding)
        if rank is not None:
            # at equal closeness a violation wins over a must-not-flag spot
            ranked.append((rank, spot.kind != "violation", spot))
    if not ranked:
        verdict = "elsewhere" if label.violations else label.status
        return Outcome(finding, verdict)
    _, _, spot = min(ranked, key=lambda item: (item[0], item[1]))
    return Outcome(finding, "correct" if spot.kind == "violation" else "must_not_flag", spot)


def _findings(repo: CorpusRepo, report: dict) -> list[Finding]:
    return [
        Finding(repo.name, r["rule_id"], r["severity"], r["path"], r.get("line"), r["message"])
        for r in report.get("results", [])
        if r.get("suppressed") is None and r["rule_id"] not in NOT_SCORED
    ]


def score_repo(repo: CorpusRepo) -> RepoResult:
    folder = check_copy(repo)
    labels = load_labels(LABELS / f"{repo.name}.yml")
    report, seconds = run_check(folder)
    rule_severity = {r["id"]: r["severity"] for r in report["rules"]}
    rule_status = {r["id"]: r["status"] for r in report["rules"]}
    unknown = sorted({s.rule for s in labels.spots()} - set(rule_severity))
    if unknown:
        raise CorpusError(f"{repo.name}: labels name rules the auditor does not have: {', '.join(unknown)}")
    outcomes = [match(f, labels) for f in _findings(repo, report)]
    hit_ids = {id(o.spot) for o in outcomes if o.spot is not None}
    violations = [s for s in labels.spots() if s.kind == "violation" and s.rule not in NOT_SCORED]
    found = [s for s in violations if id(s) in hit_ids]
    misses = [
        Miss(repo.name, s, rule_severity.get(s.rule, "warning"), rule_status.get(s.rule, "unknown"))
        for s in violations
        if id(s) not in hit_ids
    ]
    must_not_flag = [s for s in labels.spots() if s.kind == "must_not_flag"]
    return RepoResult(
        repo=repo,
        outcomes=outcomes,
        misses=misses,
        found_spots=found,
        must_not_flag_spots=len(must_not_flag),
        must_not_flag_hit=[s for s in must_not_flag if id(s) in hit_ids],
        rule_severity=rule_severity,
        rule_status=rule_status,
        seconds=seconds,
    )


def score_corpus(repos: list[CorpusRepo], jobs: int = 2) -> CorpusResult:
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(score_repo, repos))
    return CorpusResult(results)


def write_json(result: CorpusResult, path: Path) -> None:
    """Every match and miss, for tools and for the next look at a rule."""
    rules = result.rules()

    def spot(s: Spot | None) -> dict | None:
        return (
            None if s is None else {"rule": s.rule, "kind": s.kind, "where": s.describe(), "reason": s.reason}
        )

    data = {
        "line_tolerance": LINE_TOLERANCE,
        "overall": {
            "warning_plus": asdict(result.totals(WARNING_PLUS)),
            "all": asdict(result.totals()),
            "must_not_flag": dict(zip(("hit", "spots"), result.must_not_flag(), strict=True)),
        },
        "rules": {
            rule: {**asdict(score), "precision": score.precision, "recall": score.recall}
            for rule, score in rules.items()
        },
        "false_positives": [
            {**asdict(o.finding), "verdict": o.verdict, "spot": spot(o.spot)}
            for o in result.false_positives()
        ],
        "misses": [
            {"repo": m.repo, "severity": m.severity, "rule_status": m.rule_status, **(spot(m.spot) or {})}
            for m in result.misses()
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def by_rule(items, key) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return dict(sorted(grouped.items(), key=lambda kv: _rule_order(kv[0])))
