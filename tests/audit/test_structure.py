"""The auditor's structure: every module imports on its own, the imports form no cycle, and every
rule is one unit listed in the catalogue."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from scalefold.audit import catalogue
from scalefold.audit.registry import DETECTORS, RULES

PACKAGE = Path(__file__).parents[2] / "cli" / "scalefold" / "audit"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(_module_name(p) for p in PACKAGE.rglob("*.py"))


def _runtime_imports(path: Path) -> set[str]:
    """The scalefold.audit modules ``path`` imports when it runs (not under `if TYPE_CHECKING:`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for child in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scalefold.audit"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("scalefold.audit")}
    return found


def test_the_audit_modules_import_each_other_without_a_cycle() -> None:
    graph = {
        _module_name(path): {m for m in _runtime_imports(path) if m in MODULES}
        for path in PACKAGE.rglob("*.py")
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycle = trail[trail.index(target) :] + [target] if target in trail else [module, target]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


# Each module is imported alone in a child forked from an interpreter that has imported nothing of
# scalefold (only the third-party libraries, to keep it quick): an import that only works after
# another module was loaded first fails here.
_IMPORT_EACH_ALONE = """
import importlib, os, sys, traceback
import tree_sitter, tree_sitter_javascript, tree_sitter_typescript, yaml, dockerfile_parse, packaging
failed = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        failed.append(name)
print("failed:", " ".join(failed))
sys.exit(1 if failed else 0)
"""


def test_each_module_imports_alone() -> None:
    assert len(MODULES) > 100
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH_ALONE, *MODULES],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_rule_is_one_unit_in_its_category_folder() -> None:
    units = {
        id(module.RULE): module
        for name, module in list(sys.modules.items())
        if name.startswith("scalefold.audit.rules.") and hasattr(module, "RULE")
    }
    for rule in RULES:
        module = units[id(rule)]
        category_folder = module.__name__.split(".")[-2]
        assert category_folder == rule.category.value, f"{rule.id} lives in rules/{category_folder}"
        for visitor in rule.visitors:
            assert visitor.fn.__module__ == module.__name__, (
                f"{rule.id} borrows a visitor from {visitor.fn.__module__}"
            )
    assert {r.id for r in catalogue()} == {r.id for r in RULES}
    assert len({d.id for d in DETECTORS} & {r.id for r in RULES}) == 0
