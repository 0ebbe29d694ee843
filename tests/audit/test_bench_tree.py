"""The auditor benchmark's tree generator (bench/audit/), run at a small scale so it keeps working.

Nothing here is timed: the benchmark's figures are measured by `python -m bench.audit.run` and
written down in docs/performance.md.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import tree_sitter as ts
from scalefold.audit.js.analysis import _language

from bench.audit.run import main as run_benchmark
from bench.audit.tree import JS_SUFFIXES, generate


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_the_tree_is_deterministic_and_has_exactly_the_sources_asked_for(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert generate(first, 300) == 300
    assert generate(second, 300) == 300
    assert _digest(first) == _digest(second)
    sources = [p for p in first.rglob("*") if p.suffix in JS_SUFFIXES]
    assert len(sources) == 300
    assert {p.suffix for p in sources} >= {".ts", ".js", ".tsx"}
    for expected in (
        "package.json",
        ".github/workflows/ci.yml",
        "services/orders/Dockerfile",
        "services/orders/k8s/deployment.yaml",
    ):
        assert (first / expected).is_file(), expected
    assert len(list(first.glob("*/*/package.json"))) >= 10, "a monorepo of services and libraries"


def test_the_generated_sources_are_valid_javascript_and_typescript(tmp_path: Path) -> None:
    generate(tmp_path, 300)
    broken = []
    for path in sorted(p for p in tmp_path.rglob("*") if p.suffix in JS_SUFFIXES):
        parser, _query = _language(path.suffix)
        tree: ts.Tree = parser.parse(path.read_bytes())
        if tree.root_node.has_error:
            broken.append(path.relative_to(tmp_path).as_posix())
    assert broken == []


def test_the_benchmark_runs_scalefold_check_on_the_tree(tmp_path: Path, capsys) -> None:
    assert run_benchmark(["--files", "200", "--rounds", "1", "--keep", str(tmp_path / "tree")]) == 0
    output = capsys.readouterr().out
    assert "200 sources" in output and "1 rounds" in output and "best wall" in output
    assert "critical path" in output and "load average" in output
