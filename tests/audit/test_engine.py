"""The engine: a clean project scores 10 with no findings, applicability, scores, severities."""

from __future__ import annotations

from pathlib import Path

import pytest
from scalefold.audit import catalogue
from scalefold.audit.model import Category, Severity, Status
from scalefold.audit.results import RuleResult, exit_code, score
from scalefold.errors import UsageError

from .conftest import BASE, audit


def test_catalogue_has_stable_unique_ids_in_every_category() -> None:
    rules = catalogue()
    assert len(rules) >= 40
    assert len({r.id for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    prefixes = {
        "docker": "DKR",
        "ci": "CI",
        "security": "SEC",
        "observability": "OBS",
        "performance": "PERF",
        "reliability": "REL",
        "architecture": "ARCH",
        "kubernetes": "K8S",
        "dependencies": "DEP",
    }
    for rule in rules:
        assert rule.id.split("-")[0] == prefixes[rule.category.value]
        assert rule.title and rule.rationale and rule.fix
    assert {r.category for r in rules} == set(Category)


def test_the_clean_base_project_has_no_finding_at_all() -> None:
    report = audit(BASE)
    assert [f"{f.rule_id} {f.path}:{f.line} {f.message}" for f in report.findings] == []
    assert report.overall is not None and report.overall.score == 10.0
    statuses = {r.rule.id: r.status for r in report.results}
    assert statuses["CI-011"] is Status.NOT_APPLICABLE  # no pull_request_target workflow
    assert statuses["DEP-001"] is Status.NOT_RUN  # needs --deps
    assert all(s is Status.PASS for rid, s in statuses.items() if rid not in {"CI-011", "DEP-001", "DEP-002"})
    assert report.notes == []


def test_rules_without_their_files_are_not_applicable_and_not_scored(project) -> None:
    root = project(remove=("Dockerfile", "k8s/deployment.yaml", ".github/workflows/ci.yml"))
    report = audit(root)
    by_category = {c: [r for r in report.results if r.rule.category is c] for c in Category}
    for category in (Category.DOCKER, Category.KUBERNETES):
        assert all(r.status is Status.NOT_APPLICABLE for r in by_category[category])
        assert report.scores[category].score is None
    reasons = {r.reason for r in by_category[Category.DOCKER]}
    assert reasons == {"no Dockerfile"}
    ci = {r.rule.id: r for r in by_category[Category.CI]}
    assert ci["CI-001"].status is Status.NOT_APPLICABLE
    assert ci["CI-010"].status is Status.PASS  # dependabot is repository-wide, workflows or not
    assert report.overall is not None and report.overall.score == 10.0


def test_an_empty_or_wrong_folder_is_nothing_to_audit(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="nothing to audit"):
        audit(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Docs\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n")
    with pytest.raises(UsageError, match="no package.json and no JavaScript or TypeScript source"):
        audit(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "server.ts").write_text("export const x = 1;\n")
    with pytest.raises(UsageError, match="point scalefold check at the project's root"):
        audit(tmp_path)


def _result(severity: Severity, status: Status, category: Category = Category.DOCKER) -> RuleResult:
    # The score only reads the rule's category and the result's status and severity.
    rule = next(r for r in catalogue() if r.category is category)
    return RuleResult(rule, status, severity)


def test_score_is_the_weighted_share_of_applicable_rules_passing() -> None:
    results = [
        _result(Severity.ERROR, Status.PASS),  # 5
        _result(Severity.WARNING, Status.FAIL),  # 3
        _result(Severity.NOTE, Status.PASS),  # 1
        _result(Severity.ERROR, Status.NOT_APPLICABLE),  # not counted
        _result(Severity.WARNING, Status.DISABLED),  # not counted
    ]
    result = score(results, Category.DOCKER)
    assert result.score == round(10 * 6 / 9, 1)
    assert (result.passed, result.failed, result.not_applicable) == (2, 1, 2)
    assert score(results, Category.CI).score is None


def test_undetermined_and_crashed_rules_count_against_the_score_never_for_it() -> None:
    passing = [_result(Severity.ERROR, Status.PASS), _result(Severity.WARNING, Status.PASS)]
    assert score(passing).score == 10.0
    for status in (Status.UNDETERMINED, Status.ERROR):
        with_unknown = score([*passing, _result(Severity.WARNING, status)])
        assert with_unknown.score == round(10 * 8 / 11, 1)
        assert (with_unknown.undetermined, with_unknown.errors) == (
            (1, 0) if status is Status.UNDETERMINED else (0, 1)
        )


def test_a_failing_error_costs_more_than_a_failing_note(project) -> None:
    error_root = project(files={"src/bad.ts": "export const run = (s: string) => eval(s);\n"})
    note_root = project(
        files={
            "Dockerfile": (BASE / "Dockerfile")
            .read_text()
            .replace("@sha256:0d2b1f6d2b2e8e8a2b4f5c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", "")
        }
    )
    error_score = audit(error_root).scores[Category.SECURITY].score
    note_score = audit(note_root).scores[Category.DOCKER].score
    assert error_score is not None and note_score is not None
    assert 10 > note_score > error_score


def test_exit_code_follows_fail_on(project) -> None:
    root = project(files={"src/bad.ts": "export function f() { console.log('x'); }\n"})
    report = audit(root)
    assert {f.severity for f in report.active_findings} == {Severity.WARNING}
    assert exit_code(report, "error") == 0
    assert exit_code(report, "warning") == 1
    assert exit_code(report, "note") == 1
    assert exit_code(report, "never") == 0


def test_healthcheck_is_only_a_note_when_kubernetes_probes_exist(project) -> None:
    dockerfile = "\n".join(
        line for line in (BASE / "Dockerfile").read_text().splitlines() if not line.startswith("HEALTHCHECK")
    )
    with_probes = audit(project(files={"Dockerfile": dockerfile}), rules=frozenset({"DKR-012"}))
    without_probes = audit(
        project(files={"Dockerfile": dockerfile}, remove=("k8s/deployment.yaml",)),
        rules=frozenset({"DKR-012"}),
    )
    assert [f.severity for f in with_probes.findings] == [Severity.NOTE]
    assert [f.severity for f in without_probes.findings] == [Severity.WARNING]


def test_each_service_of_a_monorepo_is_judged_on_its_own_code(project) -> None:
    app = (BASE / "src" / "app.ts").read_text()
    bare_service = app.replace("import helmet from '@fastify/helmet';\n", "").replace(
        "  await app.register(helmet);\n", ""
    )
    package = (BASE / "package.json").read_text().replace('"name": "orders-api"', '"name": "billing"')
    root = project(
        files={"services/billing/package.json": package, "services/billing/src/app.ts": bare_service}
    )
    report = audit(root, rules=frozenset({"SEC-001"}))
    assert [(f.path, f.line) for f in report.findings] == [
        (
            "services/billing/src/app.ts",
            bare_service.splitlines().index(
                next(line for line in bare_service.splitlines() if "Fastify({" in line)
            )
            + 1,
        )
    ]


def test_configuration_from_a_config_object_is_not_an_open_cors_policy(project) -> None:
    app = (
        (BASE / "src" / "app.ts")
        .read_text()
        .replace("{ origin: config.corsOrigins }", "{ origin: config.http.cors.origins, credentials: true }")
    )
    report = audit(project(files={"src/app.ts": app}), rules=frozenset({"SEC-002"}))
    assert report.results[0].status is Status.PASS


def _crashing(rule_id: str):
    from dataclasses import replace

    rule = next(r for r in catalogue() if r.id == rule_id)

    def explode(_project, _rule):
        raise KeyError("boom")

    return replace(rule, check=explode)


def test_a_crashing_rule_fails_the_run_and_never_counts_as_passed(project, monkeypatch) -> None:
    from scalefold.audit import engine

    rules = tuple(_crashing(r.id) if r.id == "DKR-001" else r for r in catalogue())
    monkeypatch.setattr(engine, "catalogue", lambda: rules)
    report = audit(project())
    crashed = next(r for r in report.results if r.rule.id == "DKR-001")
    assert crashed.status is Status.ERROR
    assert crashed.error is not None and "KeyError: 'boom'" in crashed.error and "Traceback" in crashed.error
    assert report.scores[Category.DOCKER].score is not None and report.scores[Category.DOCKER].score < 10
    assert report.overall is not None and report.overall.score is not None and report.overall.score < 10
    assert report.findings == []  # nothing to fail on: the crash alone decides the exit code
    assert exit_code(report, "error") == 2
    assert exit_code(report, "never") == 2


def test_a_crashing_visitor_fails_its_rule_and_leaves_the_others_alone(project, monkeypatch) -> None:
    from dataclasses import replace

    from scalefold.audit import engine
    from scalefold.audit.js.visitors import on_call

    @on_call("eval")
    def explode(_file, _call):
        raise ValueError("visitor bug")

    rules = tuple(
        replace(r, visitors=(*r.visitors, explode)) if r.id == "SEC-014" else r for r in catalogue()
    )
    monkeypatch.setattr(engine, "catalogue", lambda: rules)
    report = audit(
        project(files={"src/run.ts": "export const run = (s: string) => { eval(s); console.log(s); };\n"})
    )
    statuses = {r.rule.id: r for r in report.results}
    assert statuses["SEC-014"].status is Status.ERROR
    assert "src/run.ts" in (statuses["SEC-014"].error or "") and "ValueError: visitor bug" in (
        statuses["SEC-014"].error or ""
    )
    assert statuses["OBS-002"].status is Status.FAIL  # the file was still analysed for every other rule
    assert exit_code(report, "error") == 2


def test_a_crashing_detector_fails_the_run_with_its_traceback(project, monkeypatch) -> None:
    from scalefold.audit import engine
    from scalefold.audit.js.visitors import on_call
    from scalefold.audit.report.json_report import report_dict
    from scalefold.audit.rule import Detector

    @on_call("eval")
    def explode(_file, _call):
        raise ValueError("detector bug")

    monkeypatch.setattr(engine, "DETECTORS", (*engine.DETECTORS, Detector("broken", (explode,))))
    report = audit(project(files={"src/run.ts": "export const run = (s: string) => eval(s);\n"}))
    assert [(e.source, e.path) for e in report.internal_errors] == [("broken", "src/run.ts")]
    assert "ValueError: detector bug" in report.internal_errors[0].traceback
    assert exit_code(report, "never") == 2
    document = report_dict(report)
    assert document["errors"][0]["source"] == "broken" and document["summary"]["exit_code"] == 2
    assert any(f.rule_id == "SEC-014" for f in report.findings)  # the rules themselves still ran
