"""The template's own files stay small enough to read, and compute no port of their own.

A file that has to serve every preset grows into a feature matrix; past 400 lines it is split, into one
partial per preset or shared partials under template/_includes/ (copier.yml excludes that folder from
the project). The ports are derived from the `port` answer in copier.yml only (`port_step`, `ports`,
`dev_ports`): a template file that adds an offset again would drift from the rule.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = REPO_ROOT / "template"
MOST_LINES = 400

APP = "{% yield app from apps %}{{ app.dir }}{% endyield %}"
#: The one TypeScript module rendered by Jinja: the values chosen when the project was generated.
CONSTANTS_MODULE = f"{APP}/src/shared/project.ts.jinja"
#: The folder of each module `scalefold add module` added (copier.yml's `modules`).
ADDED_MODULE = "{% yield module from app.modules | default([]) %}{{ module }}{% endyield %}"
#: The files of an added module that hold its name, which its team chose: its one constant (the rest of
#: the module imports it), and its two tests, whose imports name the module's folder.
ADDED_MODULE_NAMED = frozenset({
    f"{APP}/src/modules/{ADDED_MODULE}/module-name.ts.jinja",
    f"{APP}/test/unit/{ADDED_MODULE}/items.service.test.ts.jinja",
    f"{APP}/test/{{% if 'http' in app.features %}}api{{% endif %}}/{ADDED_MODULE}/items.api.test.ts.jinja",
})
#: TypeScript templates still rendered by Jinja while their variations move to conditional file names and
#: CONSTANTS_MODULE (a file leaves this list once it is plain; the test fails if one listed here already is,
#: so the list only shrinks).
NOT_YET_PLAIN = frozenset({
    f"{APP}/src/infrastructure/http/{{% if 'edge-auth' in app.features %}}authentication.ts{{% endif %}}.jinja",
    f"{APP}/src/infrastructure/{{% if 'http' in app.features %}}create-infrastructure.ts{{% endif %}}.jinja",
    f"{APP}/src/{{% if 'http' in app.features %}}api-process.ts{{% endif %}}.jinja",
    f"{APP}/src/{{% if 'http' in app.features %}}app.ts{{% endif %}}.jinja",
    f"{APP}/test/helpers/{{% if 'http' in app.features %}}app.ts{{% endif %}}.jinja",
})
#: A TypeScript file Copier renders with Jinja: `x.ts.jinja`, or `{% if … %}x.ts{% endif %}.jinja`.
JINJA_TYPESCRIPT = re.compile(r"\.ts(?:\{%[^/]*%\})?\.jinja$")

#: Arithmetic or a comparison on a port in a Jinja expression: `port + 1`, `port < 65535`, `ports.worker - 2`.
PORT_ARITHMETIC = re.compile(r"\b(?:port|ports\.\w+|dev_ports(?:\.\w+|\[[^\]]+\]))\s*[-+*/<>]=?\s*\d")


def template_files() -> dict[str, str]:
    """Every file under template/, by its path relative to it (os.walk: the names hold Jinja and spaces)."""
    files = {}
    for folder, _, names in os.walk(TEMPLATE):
        for name in names:
            path = Path(folder, name)
            files[path.relative_to(TEMPLATE).as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    return files


FILES = template_files()


def line_count(text: str) -> int:
    return len(text.splitlines())


def test_no_template_file_is_longer_than_400_lines() -> None:
    too_long = {path: line_count(text) for path, text in FILES.items() if line_count(text) > MOST_LINES}
    assert not too_long, f"split these files (at most {MOST_LINES} lines each): {too_long}"


def test_typescript_is_plain_but_for_the_constants_module() -> None:
    # A feature is present because its file is (a conditional file name), not because of `{% if %}` in
    # code; the values chosen at generation live in one module of constants.
    rendered = {path for path in FILES if JINJA_TYPESCRIPT.search(path)}
    assert CONSTANTS_MODULE in rendered
    assert ADDED_MODULE_NAMED <= rendered, "an added module's named files moved: update ADDED_MODULE_NAMED"
    new = rendered - NOT_YET_PLAIN - ADDED_MODULE_NAMED - {CONSTANTS_MODULE}
    assert not new, f"make these plain TypeScript (conditional file names, {CONSTANTS_MODULE}): {sorted(new)}"


@pytest.mark.parametrize("path", sorted(NOT_YET_PLAIN))
def test_a_typescript_file_waiting_to_be_plain_leaves_the_list_once_it_is(path: str) -> None:
    assert path in FILES, f"{path} no longer exists: remove it from NOT_YET_PLAIN"


def test_the_partials_are_included_and_never_rendered_as_files() -> None:
    partials = {path for path in FILES if path.startswith("_includes/")}
    assert partials, "the template/_includes folder moved: update copier.yml's _exclude and this test"
    copier_yml = (REPO_ROOT / "copier.yml").read_text()
    assert "\n  - /_includes\n" in copier_yml  # _exclude: the project never receives them
    included = "\n".join(FILES.values())
    for partial in partials:
        by_name = f"template/{partial}"
        by_preset = f"template/{Path(partial).parent.as_posix()}/' ~"  # '…/compose/' ~ preset ~ '.yaml.jinja'
        assert by_name in included or by_preset in included, f"{partial} is included by no template file"


def test_only_copier_yml_derives_ports() -> None:
    computing = {
        path: match.group(0)
        for path, text in FILES.items()
        if (match := PORT_ARITHMETIC.search(text))
    }
    assert not computing, f"derive ports in copier.yml (port_step, ports, dev_ports), not here: {computing}"
    assert PORT_ARITHMETIC.search((REPO_ROOT / "copier.yml").read_text())  # the pattern does find them


def test_no_generated_typescript_silences_the_type_checker_with_a_double_cast() -> None:
    # `as unknown as T` tells the compiler to stop checking: a response cast that way is no longer held
    # to its schema's type. Narrow at run time, or type the value where it is made.
    double_casts = [
        f"{path}:{number}"
        for path, text in FILES.items()
        if ".ts" in path
        for number, line in enumerate(text.splitlines(), start=1)
        if "as unknown as" in line
    ]
    assert not double_casts, f"'as unknown as' in generated code: {double_casts}"
